"""Turn the agent's events into Server-Sent Events frames: the wire format of /chat.

A chat stream, in order (cli.py and the chat page read exactly this):

    retry: 5000                                       first: EventSource clients wait 5 s to reconnect
    event: token        data: {"delta": "..."}        a piece of the answer, as the model produces it
    event: tool         data: {"name": "...", "args": {...}}   a ticket tool starts
    event: tool_result  data: {"name": "...", "ok": true}      it ended (ok false: the API said no)
    event: confirm      data: {"thread_id", "action": "delete_ticket", "ticket_id", "prompt"}
                                                      the run paused: answer with confirm=yes|no
    event: end          data: {"ok": true, "thread_id": "..."}     last, after a complete answer
                                                      (or after `confirm`): continue with this id
    event: error        data: {"message": "...", "thread_id": "..."}   last instead of end: the run failed

The traceback of a failed run goes to the server log only; the client gets describe_error's text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, Protocol

from sse_starlette import ServerSentEvent

from agent.assistant import Turn
from agent.errors import describe_error
from agent.events import AgentEvent, ConfirmEvent, TokenEvent, ToolEndEvent, ToolStartEvent, UsageEvent
from web.runs import AgentRun

RETRY_MS = 5000
# "\n" rather than the library's "\r\n": same meaning to every SSE client, easier to read in curl -N.
SEPARATOR = "\n"

logger = logging.getLogger(__name__)


class EventSource(Protocol):
    """What the stream needs from agent.assistant.Assistant."""

    def run(self, turn: Turn) -> AsyncIterator[AgentEvent]: ...


async def chat_frames(source: EventSource, turn: Turn) -> AsyncGenerator[ServerSentEvent, None]:
    """The frames of one chat run; the run starts when the frame after `retry` is pulled.

    When the client disconnects, sse-starlette cancels the task iterating this generator; the
    `finally` then stops the run (see web/runs.py) before the response ends.
    """
    yield ServerSentEvent(retry=RETRY_MS, sep=SEPARATOR)
    run = AgentRun(lambda: source.run(turn))
    usage: UsageEvent | None = None
    try:
        async for event in run.events():
            if isinstance(event, UsageEvent):
                usage = event  # reported in `end`
            else:
                yield agent_frame(event)
    except Exception as error:  # CancelledError is a BaseException: a disconnect is not an error
        logger.exception("chat run failed in thread %s", turn.thread_id)
        yield error_frame(describe_error(error), turn.thread_id)
        return
    finally:
        # Runs on every exit: the answer is complete, it failed, or the client left mid-answer.
        await run.stop()
    yield end_frame(turn.thread_id, usage)


def agent_frame(event: AgentEvent) -> ServerSentEvent:
    if isinstance(event, TokenEvent):
        return json_frame("token", {"delta": event.delta})
    if isinstance(event, ToolStartEvent):
        return json_frame("tool", {"name": event.name, "args": event.args})
    if isinstance(event, ToolEndEvent):
        return json_frame("tool_result", {"name": event.name, "ok": event.ok})
    if isinstance(event, ConfirmEvent):
        data = {"thread_id": event.thread_id, "action": event.action, "ticket_id": event.ticket_id, "prompt": event.prompt}
        return json_frame("confirm", data)
    raise TypeError(f"unknown agent event {type(event).__name__}")


def end_frame(thread_id: str, usage: UsageEvent | None = None) -> ServerSentEvent:
    data: dict[str, Any] = {"ok": True, "thread_id": thread_id}
    if usage is not None:
        data["usage"] = {"model_calls": usage.model_calls, "input_tokens": usage.input_tokens,
                         "output_tokens": usage.output_tokens}
    return json_frame("end", data)


def error_frame(message: str, thread_id: str) -> ServerSentEvent:
    return json_frame("error", {"message": message, "thread_id": thread_id})


def json_frame(name: str, data: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(data=to_json(data), event=name, sep=SEPARATOR)


def to_json(data: dict[str, Any]) -> str:
    """Compact JSON that stays on one line for every SSE client.

    Non-ASCII text is kept readable (curl -N shows "café", not "caf\\u00e9"), but U+2028, U+2029
    and U+0085 are escaped: JSON allows them raw, yet line splitters such as Python's splitlines
    (used by httpx's iter_lines) would cut a frame in two at them. default=str: a tool argument
    of an unusual type (a date) is shown as text instead of failing the whole answer.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\u0085", "\\u0085")
