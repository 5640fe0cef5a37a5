"""Reading /chat's server-sent events in tests with cli.py's own reader: one SSE parser to trust.

Tests see more than the CLI shows: every frame with its lines as received (the `retry` field and
keep-alive comments too), so they can check the framing itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from cli import SseEvent, frame_event, sse_frames, sse_lines


@dataclass(frozen=True)
class Frame:
    """One SSE frame: its lines as received, and the event it carries (None for retry or a comment)."""

    lines: tuple[str, ...]

    @property
    def event(self) -> SseEvent | None:
        return frame_event(list(self.lines))

    @property
    def name(self) -> str | None:
        return self.event.name if self.event else None

    @property
    def data(self) -> Any:
        return json.loads(self.event.data) if self.event else None


def iter_frames(chunks: Iterable[str]) -> Iterator[Frame]:
    """Frames in arrival order from text as it arrives (a response's iter_text(), a pipe's lines)."""
    for lines in sse_frames(sse_lines(chunks)):
        yield Frame(tuple(lines))


def read_frames(response: httpx.Response) -> Iterator[Frame]:
    """The frames of a streaming httpx response, each as soon as it is complete."""
    return iter_frames(response.iter_text())


def event_names(text: str) -> list[str]:
    """The names of the events in a whole SSE body (curl's output, say), in order."""
    return [frame.name for frame in iter_frames([text]) if frame.name]


@dataclass(frozen=True)
class ChatResult:
    status: int
    headers: httpx.Headers
    text: str
    frames: list[Frame]

    def named(self, name: str) -> list[Frame]:
        return [frame for frame in self.frames if frame.name == name]

    @property
    def answer(self) -> str:
        return "".join(frame.data["delta"] for frame in self.named("token"))

    @property
    def events(self) -> list[str]:
        """The names of the frames that carry an event (not retry or keep-alive comments)."""
        return [frame.name for frame in self.frames if frame.name]


def send_chat(base_url: str, message: str | None = None, *, method: str = "GET", timeout: float = 60,
              **request: Any) -> ChatResult:
    """One /chat request read to the end over a real socket."""
    if method == "GET" and message is not None:
        request["params"] = {"message": message}
    with httpx.Client(timeout=timeout) as client:
        response = client.request(method, base_url + "/chat", **request)
    is_stream = response.headers.get("content-type", "").startswith("text/event-stream")
    frames = list(iter_frames([response.text])) if is_stream else []
    return ChatResult(response.status_code, response.headers, response.text, frames)
