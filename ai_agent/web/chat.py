"""GET/POST /chat: check the request, then stream the agent's answer as Server-Sent Events.

A request is one turn of a thread (a conversation), checked by web/chat_request.py:

- `message` (with or without `thread_id`): a new message. Without a thread_id the server starts
  a thread; the `end` event carries its id either way. An unknown id starts a new thread.
- `thread_id` + `confirm` ("yes" or "no"): the answer to the confirmation the thread's last run
  paused on (a `confirm` event); the run resumes and its answer streams as usual.

A thread waiting for a confirmation takes no new message (409, naming the question), and a
confirm for a thread that waits for none is a 409 as well: the client decides, the server never
guesses. Checked before the stream starts, so these are JSON errors, not SSE.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sse_starlette import EventSourceResponse

from agent.assistant import Assistant, Turn
from agent.confirmation import ConfirmationError
from web.chat_request import ChatRequest
from web.deps import AssistantDep
from web.sse import SEPARATOR, EventSource, chat_frames

# A JSON body carrying the longest allowed message (even fully \u-escaped) fits in 64 KiB;
# anything bigger is refused before it is read into memory.
MAX_BODY_BYTES = 64 * 1024
# Comment frames keep proxies and idle clients from closing a stream while a tool or model is slow.
PING_SECONDS = 15
# A client that stops reading without disconnecting must not hold a run open forever.
SEND_TIMEOUT_SECONDS = 60

# The OpenAPI document shows the request model's fields: as query parameters of GET, as the JSON
# body of POST (FastAPI does not see them, since the model is validated by hand for its own errors).
QUERY_PARAMETERS: list[dict[str, Any]] = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": field.description}
    for name, field in ChatRequest.model_fields.items()
]
JSON_BODY: dict[str, Any] = {
    "required": True, "content": {"application/json": {"schema": ChatRequest.model_json_schema()}},
}

router = APIRouter()


@router.get("/chat", openapi_extra={"parameters": QUERY_PARAMETERS})
async def chat_get(request: Request, assistant: AssistantDep) -> EventSourceResponse:
    """Stream the answer to `?message=...` (and `&thread_id=...` to continue a conversation), or
    resume a paused run with `?thread_id=...&confirm=yes|no`.

    Try it with `curl -N 'http://127.0.0.1:8100/chat?message=list+tickets'`.
    """
    turn = await started_turn(assistant, ChatRequest.from_query(request.query_params))
    return stream_answer(assistant, turn)


@router.post("/chat", openapi_extra={"requestBody": JSON_BODY})
async def chat_post(request: Request, assistant: AssistantDep) -> EventSourceResponse:
    """Like GET, with a JSON body `{"message": "...", "thread_id": "..."}` or `{"thread_id": "...", "confirm": "yes"}`."""
    chat_request = ChatRequest.from_json(await read_limited_body(request))
    return stream_answer(assistant, await started_turn(assistant, chat_request))


def stream_answer(assistant: EventSource, turn: Turn) -> EventSourceResponse:
    return EventSourceResponse(
        chat_frames(assistant, turn),
        ping=PING_SECONDS,
        sep=SEPARATOR,
        send_timeout=SEND_TIMEOUT_SECONDS,
    )


async def started_turn(assistant: Assistant, chat_request: ChatRequest) -> Turn:
    """The turn a valid request asks for; 409 when the thread is not ready for it."""
    try:
        return await assistant.start_turn(
            chat_request.message, thread_id=chat_request.thread_id, confirm=chat_request.confirm)
    except ConfirmationError as error:  # the thread waits for an answer, or for none
        raise HTTPException(409, str(error)) from None


async def read_limited_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise body_too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:  # chunked uploads declare no length
            raise body_too_large()
    return bytes(body)


def body_too_large() -> HTTPException:
    return HTTPException(413, f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB")
