"""A fake OpenAI-compatible chat-completions server: the language-model boundary of the tests.

It speaks the wire format the real service speaks, to langchain-openai's real client (openai and
Azure paths alike): streamed `chat.completion.chunk` server-sent events with text or tool-call
deltas and a finish_reason, the usage chunk when `stream_options.include_usage` asks for it,
plain `chat.completion` bodies when not streaming, and HTTP errors with OpenAI's error body. Like
the real service, it refuses (400) a conversation whose tool calls and tool messages do not pair
up, so a test fails when the agent sends what OpenAI would refuse.

What it answers is up to the test: `answer(request) -> Reply`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.http import QuietHandler, ThreadedServer

# Tokens the fake reports per call (in the usage chunk, or the body when not streaming).
FAKE_INPUT_TOKENS, FAKE_OUTPUT_TOKENS = 120, 9
# How long a held reply waits for its release before breaking off (so a test fails, never hangs).
HOLD_TIMEOUT_S = 30.0

MISSING_TOOL_MESSAGES = (
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
    "'tool_call_id'. The following tool_call_ids did not have response messages: {ids}"
)
TOOL_MESSAGE_WITHOUT_CALL = (
    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."
)  # sic: OpenAI's own spelling


@dataclass(frozen=True)
class ModelRequest:
    """One request as the fake received it."""

    path: str  # without the query
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]

    @property
    def tool_names(self) -> list[str]:
        return [tool["function"]["name"] for tool in self.body.get("tools") or []]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])


@dataclass
class Reply:
    """What the fake answers: text, or tool calls (name, arguments), or an HTTP error.

    Tool-call arguments given as a str are sent as they are, even if they are not valid JSON.
    `hold`: after the first piece of the answer, the server waits until the test sets this event,
    then writes the rest; unset for HOLD_TIMEOUT_S, it breaks the response off. A test proves an
    answer streams by seeing that first piece arrive while the rest is held back.
    """

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    status: int = 200
    error: dict[str, Any] | None = None  # OpenAI's error object: message, type, param, code
    hold: threading.Event | None = None


Answer = Callable[[ModelRequest], Reply]


def error_reply(status: int, message: str, code: str | None = None) -> Reply:
    return Reply(status=status, error=error_object(message, code=code))


def error_object(message: str, *, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def tool_sequence_error(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """OpenAI's error for tool calls and tool messages that do not pair up, or None if they do.

    An assistant message with tool_calls must be followed, before any other message, by one tool
    message per call id; a tool message must answer a call of the assistant message before it.
    """
    unanswered: list[str] = []
    asked_at = 0
    for index, message in enumerate(messages):
        if message.get("role") == "tool":
            if message.get("tool_call_id") not in unanswered:
                return error_object(TOOL_MESSAGE_WITHOUT_CALL, param=f"messages.[{index}].role")
            unanswered.remove(message["tool_call_id"])
            continue
        if unanswered:
            break
        if message.get("role") == "assistant" and message.get("tool_calls"):
            unanswered, asked_at = [call["id"] for call in message["tool_calls"]], index
    if unanswered:
        return error_object(MISSING_TOOL_MESSAGES.format(ids=", ".join(unanswered)), param=f"messages.[{asked_at}].role")
    return None


class FakeOpenAI:
    """The fake server on a free port; `requests` lists every request that arrived, in order.

    `url` is the server's root: Azure's endpoint as it is, `url + "/v1"` as OpenAI's base URL.
    """

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[ModelRequest] = []
        self._server = ThreadedServer(_handler_for(self))

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def stop(self) -> None:
        self._server.stop()


def _handler_for(fake: FakeOpenAI) -> type[QuietHandler]:
    class Handler(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            path, _, query = self.path.partition("?")
            try:
                body = json.loads(self.read_body() or b"{}")
            except ValueError:
                self.send_error_body(400, error_object("We could not parse the JSON body of your request."))
                return
            request = ModelRequest(path, dict(part.split("=", 1) for part in query.split("&") if "=" in part),
                                   {name.lower(): value for name, value in self.headers.items()}, body)
            fake.requests.append(request)
            if not path.endswith("/chat/completions"):
                self.send_error_body(404, error_object(f"Invalid URL (POST {path})"))
                return
            refusal = tool_sequence_error(request.messages)
            if refusal:
                self.send_error_body(400, refusal)
                return
            reply = fake.answer(request)
            model = body.get("model") or "fake-model"
            if reply.status != 200:
                self.send_error_body(reply.status, reply.error or error_object("fake error"))
            elif body.get("stream"):
                self.stream(reply, model, include_usage=bool((body.get("stream_options") or {}).get("include_usage")))
            else:
                self.send_body(200, json.dumps(completion(reply, model)).encode(), {"Content-Type": "application/json"})

        def send_error_body(self, status: int, error: dict[str, Any]) -> None:
            self.send_body(status, json.dumps({"error": error}).encode(), {"Content-Type": "application/json"})

        def stream(self, reply: Reply, model: str, *, include_usage: bool) -> None:
            # Chunked, as the real service sends it: a response broken off is visibly incomplete.
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            response_id = new_id("chatcmpl-")
            for index, choice in enumerate(stream_choices(reply)):
                self.send_event(chunk(response_id, model, [choice]))
                if index == 1 and reply.hold and not reply.hold.wait(HOLD_TIMEOUT_S):
                    self.close_connection = True  # never released: break off without the last chunk
                    return
            if include_usage:  # as the real service does: a last chunk with no choices, carrying the usage
                self.send_event({**chunk(response_id, model, []), "usage": usage()})
            self.send_event("[DONE]")
            self.wfile.write(b"0\r\n\r\n")

        def send_event(self, payload: dict[str, Any] | str) -> None:
            data = f"data: {payload if isinstance(payload, str) else json.dumps(payload)}\n\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    return Handler


def new_id(prefix: str) -> str:
    # Every response and call has its own id, like the real service's (LangGraph tells messages apart by id).
    return prefix + uuid.uuid4().hex[:24]


def usage() -> dict[str, int]:
    return {"prompt_tokens": FAKE_INPUT_TOKENS, "completion_tokens": FAKE_OUTPUT_TOKENS,
            "total_tokens": FAKE_INPUT_TOKENS + FAKE_OUTPUT_TOKENS}


def chunk(response_id: str, model: str, choices: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": response_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": choices}


def arguments_of(args: dict[str, Any] | str) -> str:
    return args if isinstance(args, str) else json.dumps(args)


def stream_choices(reply: Reply) -> list[dict[str, Any]]:
    """The `choices[0]` of each streamed chunk: the role, the pieces of the answer, the finish_reason.

    Text goes word by word; each tool call in two deltas (id, name and half the arguments, then
    the rest), as the real service splits them.
    """
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    for index, (name, args) in enumerate(reply.tool_calls):
        arguments = arguments_of(args)
        half = len(arguments) // 2
        deltas.append({"tool_calls": [{"index": index, "id": new_id("call_"), "type": "function",
                                       "function": {"name": name, "arguments": arguments[:half]}}]})
        deltas.append({"tool_calls": [{"index": index, "function": {"arguments": arguments[half:]}}]})
    if not reply.tool_calls:
        words = reply.text.split(" ")
        deltas += [{"content": word if index == 0 else " " + word} for index, word in enumerate(words)]
    choices = [{"index": 0, "delta": delta, "finish_reason": None, "logprobs": None} for delta in deltas]
    return [*choices, {"index": 0, "delta": {}, "finish_reason": finish_reason(reply), "logprobs": None}]


def finish_reason(reply: Reply) -> str:
    return "tool_calls" if reply.tool_calls else "stop"


def completion(reply: Reply, model: str) -> dict[str, Any]:
    """The whole answer as one `chat.completion` body (a request without `stream`)."""
    message: dict[str, Any] = {"role": "assistant", "content": None if reply.tool_calls else reply.text,
                               "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [{"id": new_id("call_"), "type": "function",
                                  "function": {"name": name, "arguments": arguments_of(args)}}
                                 for name, args in reply.tool_calls]
    return {"id": new_id("chatcmpl-"), "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(reply), "logprobs": None}],
            "usage": usage()}
