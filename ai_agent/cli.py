"""Ask the ticket assistant from a terminal and watch the answer arrive.

    python ai_agent/cli.py "create a ticket about the VPN outage" [base_url]

base_url defaults to http://127.0.0.1:8100. The answer goes to stdout as it streams in; tool
activity goes to stderr as short lines (`[tool] create_ticket {"title": ...}`, `[tool] create_ticket ok`).

Exit codes: 0 the answer is complete; 1 the agent reported an error (its message is on stderr);
2 the agent could not be reached, answered with a non-2xx status, or the connection broke before
the answer was complete; 130 interrupted with Ctrl+C.

Needs only httpx, so it runs from any directory and needs nothing else from this project.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

import httpx

DEFAULT_BASE_URL = "http://127.0.0.1:8100"
# The agent sends a keep-alive comment every 15 s, so a minute of silence means it is gone.
TIMEOUT = httpx.Timeout(10.0, read=60.0)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the only line breaks of the SSE format
# The fields each event must carry; events of other names are ignored (forward compatible).
FIELDS = {"token": ("delta",), "tool": ("name", "args"), "tool_result": ("name", "ok"),
          "end": (), "error": ("message",)}


class AgentUnavailable(Exception):
    """The agent cannot be reached, refused the request or broke off: exit code 2."""


@dataclass(frozen=True)
class SseEvent:
    name: str
    data: str


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ask the ticket assistant; the answer streams to stdout.")
    parser.add_argument("message", help='what you want, e.g. "which tickets about email are still open?"')
    parser.add_argument("base_url", nargs="?", default=DEFAULT_BASE_URL, help=f"the agent (default {DEFAULT_BASE_URL})")
    args = parser.parse_args(argv)
    # A terminal or pipe that cannot show a character gets "?" instead of a crash.
    sys.stdout.reconfigure(errors="replace")
    sys.stderr.reconfigure(errors="replace")
    try:
        return ask(args.message, args.base_url, sys.stdout, sys.stderr)
    except AgentUnavailable as error:
        print(f"cli.py: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ncli.py: interrupted", file=sys.stderr)
        return 130


def ask(message: str, base_url: str, out: TextIO, err: TextIO) -> int:
    """Stream one answer; returns 0 on `end`, 1 on `error`, raises AgentUnavailable otherwise."""
    url = base_url.rstrip("/") + "/chat"
    try:
        with httpx.Client(timeout=TIMEOUT) as client:
            with client.stream("GET", url, params={"message": message},
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


def show(events: Iterable[SseEvent], out: TextIO, err: TextIO, url: str) -> int:
    """Print tokens and tool activity; the exit code once the stream ends."""
    at_line_start = True
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
        elif event.name in ("end", "error"):
            if not at_line_start:
                out.write("\n")
                out.flush()
            if event.name == "end":
                return 0
            print(f"error: {data['message']}", file=err, flush=True)
            return 1
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
    name, data = "message", []
    for line in lines:
        if not line:
            if data:
                yield SseEvent(name, "\n".join(data))
            name, data = "message", []
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        # "retry", "id" and comments (an empty field name: keep-alive pings) need nothing here.


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
