"""GET/POST /chat: check the request, then stream the agent's answer as Server-Sent Events.

A request is one turn of a thread (a conversation):

- `message` (with or without `thread_id`): a new message. Without a thread_id the server starts
  a thread; the `end` event carries its id either way. An unknown id starts a new thread.
- `thread_id` + `confirm` ("yes" or "no"): the answer to the confirmation the thread's last run
  paused on (a `confirm` event); the run resumes and its answer streams as usual.

A thread waiting for a confirmation takes no new message (409, naming the question), and a
confirm for a thread that waits for none is a 409 as well: the client decides, the server never
guesses. Checked before the stream starts, so these are JSON errors, not SSE.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sse_starlette import EventSourceResponse

from agent.assistant import THREAD_ID, Assistant, Turn
from agent.confirmation import ANSWERS, ConfirmationError
from web.deps import AssistantDep
from web.sse import SEPARATOR, EventSource, chat_frames

MAX_MESSAGE_CHARS = 8_000
# A JSON body carrying the longest allowed message (even fully \u-escaped) fits in 64 KiB;
# anything bigger is refused before it is read into memory.
MAX_BODY_BYTES = 64 * 1024
# Comment frames keep proxies and idle clients from closing a stream while a tool or model is slow.
PING_SECONDS = 15
# A client that stops reading without disconnecting must not hold a run open forever.
SEND_TIMEOUT_SECONDS = 60

router = APIRouter()


@router.get("/chat")
async def chat_get(
    assistant: AssistantDep, message: str | None = None, thread_id: str | None = None, confirm: str | None = None
) -> EventSourceResponse:
    """Stream the answer to `?message=...` (and `&thread_id=...` to continue a conversation), or
    resume a paused run with `?thread_id=...&confirm=yes|no`.

    Try it with `curl -N 'http://127.0.0.1:8100/chat?message=list+tickets'`.
    """
    turn = await checked_turn(assistant, {"message": message, "thread_id": thread_id, "confirm": confirm})
    return stream_answer(assistant, turn)


@router.post("/chat")
async def chat_post(request: Request, assistant: AssistantDep) -> EventSourceResponse:
    """Like GET, with a JSON body `{"message": "...", "thread_id": "..."}` or `{"thread_id": "...", "confirm": "yes"}`."""
    body = await read_limited_body(request)
    return stream_answer(assistant, await checked_turn(assistant, fields_from_json(body)))


def stream_answer(assistant: EventSource, turn: Turn) -> EventSourceResponse:
    return EventSourceResponse(
        chat_frames(assistant, turn),
        ping=PING_SECONDS,
        sep=SEPARATOR,
        send_timeout=SEND_TIMEOUT_SECONDS,
    )


async def checked_turn(assistant: Assistant, fields: dict[str, Any]) -> Turn:
    """The turn the request asks for; 400/413 for a malformed one, 409 when the thread is not ready for it."""
    thread_id = checked_thread_id(fields.get("thread_id"))
    confirm = fields.get("confirm")
    if confirm is None:
        message = checked_message(fields.get("message"))
    else:
        confirm = checked_confirm(confirm)
        if fields.get("message") is not None:
            raise HTTPException(400, "send either a message or confirm, not both")
        if thread_id is None:
            raise HTTPException(400, "confirm needs the thread_id of the conversation that asked for it")
        message = None
    try:
        return await assistant.start_turn(message, thread_id=thread_id, confirm=confirm)
    except ConfirmationError as error:  # the thread waits for an answer, or for none
        raise HTTPException(409, str(error)) from None


def checked_thread_id(thread_id: Any) -> str | None:
    if thread_id is None:
        return None
    if not isinstance(thread_id, str) or not THREAD_ID.match(thread_id):
        raise HTTPException(400, "thread_id must be 1 to 128 letters, digits or the characters . _ : -")
    return thread_id


def checked_confirm(confirm: Any) -> str:
    answer = confirm.strip().lower() if isinstance(confirm, str) else None
    if answer not in ANSWERS:
        raise HTTPException(400, f"confirm must be {' or '.join(ANSWERS)}")
    return answer


def checked_message(message: Any) -> str:
    """The message without surrounding blanks; 400 when there is none, 413 when it is too long."""
    if message is not None and not isinstance(message, str):
        raise HTTPException(400, "message must be a string")
    text = (message or "").strip()
    if not text:
        raise HTTPException(400, "message is required")
    if len(text) > MAX_MESSAGE_CHARS:
        raise HTTPException(
            413, f"message is too long: {len(text)} characters, at most {MAX_MESSAGE_CHARS} are allowed"
        )
    return text


def fields_from_json(body: bytes) -> dict[str, Any]:
    """The fields of a JSON object body; 400 for anything that is not such an object."""
    try:
        data = json.loads(body)
    except ValueError:  # also covers bytes that are not UTF-8
        raise HTTPException(400, 'the request body must be JSON like {"message": "..."}') from None
    if not isinstance(data, dict):
        raise HTTPException(400, 'the request body must be a JSON object like {"message": "..."}')
    return data


async def read_limited_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise body_too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:  # chunked uploads declare no length
            raise body_too_large()
    return bytes(body)


def body_too_large() -> HTTPException:
    return HTTPException(413, f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB")
