"""Ask the ticket assistant from a terminal and watch the answer arrive.

    python ai_agent/cli.py "create a ticket about the VPN outage" [base_url]    one message
    python ai_agent/cli.py --thread ID "close it" [base_url]                    continue a conversation
    python ai_agent/cli.py [--thread ID] [base_url]                             interactive session

base_url defaults to http://127.0.0.1:8100. The answer goes to stdout as it streams in; tool
activity goes to stderr as short lines (`[tool] create_ticket {"title": ...}`, `[tool] create_ticket ok`),
and after a one-message answer the conversation's id (`[thread] ID`), to continue it with --thread.

Without a message it is an interactive session: each line you type is a message of the same
conversation (arrow keys recall earlier lines), Ctrl+D leaves. When the assistant wants to
delete a ticket it asks `Delete ticket 12 "VPN outage"? [y/N]` first: only y or yes deletes.
For a single message whose stdin is not a terminal, the answer is no. In a session with piped
stdin, the next line is the answer (no line left means no).

Exit codes: 0 the answer is complete (a session: Ctrl+D); 1 the agent reported an error (its
message is on stderr); 2 the agent could not be reached, answered with a non-2xx status, or the
connection broke before the answer was complete; 130 interrupted with Ctrl+C. In a session,
errors are reported and the session goes on.

Needs only httpx, so it runs from any directory and needs nothing else from this project.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

import httpx

DEFAULT_BASE_URL = "http://127.0.0.1:8100"
# The agent sends a keep-alive comment every 15 s, so a minute of silence means it is gone.
TIMEOUT = httpx.Timeout(10.0, read=60.0)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the only line breaks of the SSE format
# The fields each event must carry; events of other names are ignored (forward compatible).
FIELDS = {"token": ("delta",), "tool": ("name", "args"), "tool_result": ("name", "ok"),
          "confirm": ("thread_id", "prompt"), "end": (), "error": ("message",)}
YES_WORDS = ("y", "yes")
SESSION_PROMPT = "> "

Answerer = Callable[[str], str]


class AgentUnavailable(Exception):
    """The agent cannot be reached, refused the request or broke off: exit code 2."""


@dataclass(frozen=True)
class SseEvent:
    name: str
    data: str


@dataclass(frozen=True)
class Outcome:
    """How one /chat stream ended: the exit code, the thread and a question waiting for an answer."""

    code: int
    thread_id: str | None = None
    question: str | None = None  # the prompt of a `confirm` event


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Ask the ticket assistant; the answer streams to stdout. Without a message: an interactive session.")
    parser.add_argument("message", nargs="?",
                        help='what you want, e.g. "which tickets about email are still open?"; omit it for a session')
    parser.add_argument("base_url", nargs="?", default=None, help=f"the agent (default {DEFAULT_BASE_URL})")
    parser.add_argument("--thread", metavar="ID", help="continue this conversation (the id printed as [thread])")
    args = parser.parse_args(argv)
    message, base_url = args.message, args.base_url
    if base_url is None and message is not None and re.match(r"^https?://", message):
        message, base_url = None, message  # `cli.py URL`: a session with that agent
    base_url = base_url or DEFAULT_BASE_URL
    # A terminal or pipe that cannot show a character gets "?" instead of a crash.
    sys.stdout.reconfigure(errors="replace")
    sys.stderr.reconfigure(errors="replace")
    try:
        if message is None:
            return session(base_url, args.thread, sys.stdout, sys.stderr)
        outcome = converse({"message": message}, args.thread, base_url, sys.stdout, sys.stderr, answer_from_terminal)
        if outcome.thread_id and outcome.code == 0:
            print(f"[thread] {outcome.thread_id}", file=sys.stderr)
        return outcome.code
    except AgentUnavailable as error:
        print(f"cli.py: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ncli.py: interrupted", file=sys.stderr)
        return 130


def session(base_url: str, thread_id: str | None, out: TextIO, err: TextIO) -> int:
    """Read messages line by line, all in one thread, until end of input (Ctrl+D)."""
    interactive = sys.stdin.isatty()
    if interactive:
        enable_line_editing()
        print(f"Ticket assistant at {base_url}. One message per line; Ctrl+D to leave.", file=err)
    while True:
        try:
            line = input(SESSION_PROMPT if interactive else "")
        except EOFError:
            if interactive:
                out.write("\n")
            return 0
        if not line.strip():
            continue
        try:
            outcome = converse({"message": line}, thread_id, base_url, out, err, answer_from_stdin)
        except AgentUnavailable as error:
            print(f"cli.py: {error}", file=err, flush=True)
            continue
        thread_id = outcome.thread_id or thread_id


def enable_line_editing() -> None:
    """Arrow keys and history for input() (only for a terminal: piped input needs neither)."""
    try:
        import readline  # noqa: F401 - importing it is what turns it on
    except ImportError:  # not on every platform; input() works without it
        pass


def converse(fields: dict[str, str], thread_id: str | None, base_url: str, out: TextIO, err: TextIO,
             answer: Answerer) -> Outcome:
    """Send a message, then answer each confirmation it asks for, in the same thread."""
    outcome = ask({**fields, **({"thread_id": thread_id} if thread_id else {})}, base_url, out, err)
    while outcome.code == 0 and outcome.question and outcome.thread_id:
        reply = "yes" if answer(outcome.question).strip().lower() in YES_WORDS else "no"
        outcome = ask({"thread_id": outcome.thread_id, "confirm": reply}, base_url, out, err)
    return outcome


def answer_from_terminal(question: str) -> str:
    """Ask on the terminal; without one (stdin redirected) the answer is no."""
    if not sys.stdin.isatty():
        print(f"{question} [y/N] no (stdin is not a terminal)", file=sys.stderr, flush=True)
        return "no"
    return answer_from_stdin(question)


def answer_from_stdin(question: str) -> str:
    """The next line of stdin; none left means no."""
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        return input()
    except EOFError:
        print("", file=sys.stderr)
        return "no"


def ask(params: dict[str, str], base_url: str, out: TextIO, err: TextIO) -> Outcome:
    """Stream one answer; the outcome on `end` or `error`, raises AgentUnavailable otherwise."""
    url = base_url.rstrip("/") + "/chat"
    try:
        with httpx.Client(timeout=TIMEOUT) as client:
            with client.stream("GET", url, params=params,
                               headers={"Accept": "text/event-stream"}) as response:
                if not response.is_success:
                    response.read()
                    detail = error_detail(response)
                    raise AgentUnavailable(f"the agent at {url} answered {response.status_code}: {detail}")
                return show(parse_sse(sse_lines(response.iter_text())), out, err, url)
    except httpx.InvalidURL as error:  # a malformed base_url, or a message too long for a URL
        raise AgentUnavailable(f"cannot send the request to {url}: {error}") from None
    except httpx.HTTPError as error:  # refused, timeouts, a connection cut mid-stream
        raise AgentUnavailable(f"cannot reach the agent at {url}: {error or type(error).__name__}") from None


def show(events: Iterable[SseEvent], out: TextIO, err: TextIO, url: str) -> Outcome:
    """Print tokens and tool activity; the outcome once the stream ends."""
    at_line_start = True
    question = None
    for event in events:
        data = decode(event, url)
        if event.name == "token":
            delta = str(data["delta"])
            out.write(delta)
            out.flush()
            at_line_start = delta.endswith("\n") or (at_line_start and not delta)
        elif event.name == "tool":
            print(f"[tool] {data['name']} {json.dumps(data['args'], ensure_ascii=False)}", file=err, flush=True)
        elif event.name == "tool_result":
            print(f"[tool] {data['name']} {'ok' if data['ok'] else 'failed'}", file=err, flush=True)
        elif event.name == "confirm":
            question = str(data["prompt"])
        elif event.name in ("end", "error"):
            if not at_line_start:
                out.write("\n")
                out.flush()
            thread_id = data.get("thread_id")
            if event.name == "end":
                return Outcome(0, thread_id, question)
            print(f"error: {data['message']}", file=err, flush=True)
            return Outcome(1, thread_id)
    raise AgentUnavailable(f"the connection to {url} closed before the answer was complete")


def decode(event: SseEvent, url: str) -> dict:
    try:
        data = json.loads(event.data)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(field in data for field in FIELDS.get(event.name, ())):
        raise AgentUnavailable(f"{url} sent an unexpected {event.name!r} event; is it the ticket agent?")
    return data


def error_detail(response: httpx.Response) -> str:
    try:
        return str(response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return response.text.strip()[:200] or response.reason_phrase


def parse_sse(lines: Iterable[str]) -> Iterator[SseEvent]:
    """Events from SSE lines: `event:` names it, `data:` lines carry it, a blank line ends it."""
    for frame in sse_frames(lines):
        event = frame_event(frame)
        if event is not None:
            yield event


def sse_frames(lines: Iterable[str]) -> Iterator[list[str]]:
    """The lines of each frame, up to the blank line that ends it; an unfinished last frame is dropped."""
    frame: list[str] = []
    for line in lines:
        if line:
            frame.append(line)
        elif frame:
            yield frame
            frame = []


def frame_event(frame: list[str]) -> SseEvent | None:
    """The event a frame carries, or None for a frame without data."""
    name, data = "message", []
    for line in frame:
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        # "retry", "id" and comments (an empty field name: keep-alive pings) need nothing here.
    return SseEvent(name, "\n".join(data)) if data else None


def sse_lines(chunks: Iterable[str]) -> Iterator[str]:
    """Split text into lines at CRLF, CR or LF only (str.splitlines also splits at U+2028 and more)."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        # A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
        held_cr = pending.endswith("\r")
        *lines, pending = _LINE_BREAK.split(pending[:-1] if held_cr else pending)
        pending += "\r" if held_cr else ""
        yield from lines
    if pending.endswith("\r"):  # the stream ended: that CR was a line break on its own
        yield pending[:-1]


if __name__ == "__main__":
    sys.exit(main())
