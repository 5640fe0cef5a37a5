"""GET/POST /chat: check the message, then stream the agent's answer as Server-Sent Events."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sse_starlette import EventSourceResponse

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
async def chat_get(assistant: AssistantDep, message: str | None = None) -> EventSourceResponse:
    """Stream the answer to `?message=...`; try it with `curl -N 'http://127.0.0.1:8100/chat?message=list+tickets'`."""
    return stream_answer(assistant, checked_message(message))


@router.post("/chat")
async def chat_post(request: Request, assistant: AssistantDep) -> EventSourceResponse:
    """Stream the answer to a JSON body `{"message": "..."}`."""
    body = await read_limited_body(request)
    return stream_answer(assistant, checked_message(message_from_json(body)))


def stream_answer(assistant: EventSource, message: str) -> EventSourceResponse:
    return EventSourceResponse(
        chat_frames(assistant, message),
        ping=PING_SECONDS,
        sep=SEPARATOR,
        send_timeout=SEND_TIMEOUT_SECONDS,
    )


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


def message_from_json(body: bytes) -> Any:
    """The "message" field of a JSON object body; 400 for anything that is not such an object."""
    try:
        data = json.loads(body)
    except ValueError:  # also covers bytes that are not UTF-8
        raise HTTPException(400, 'the request body must be JSON like {"message": "..."}') from None
    if not isinstance(data, dict):
        raise HTTPException(400, 'the request body must be a JSON object like {"message": "..."}')
    return data.get("message")


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
