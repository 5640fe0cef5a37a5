"""What Assistant.stream yields: answer tokens, ticket-tool activity, confirmation requests and usage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TokenEvent:
    """A piece of the answer meant for the person (never routing or tool-call arguments)."""

    delta: str


@dataclass(frozen=True)
class ToolStartEvent:
    """A ticket tool is about to call the ticket API with these arguments."""

    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolEndEvent:
    """A ticket tool finished; ok is False when the API refused or could not be reached."""

    name: str
    ok: bool


@dataclass(frozen=True)
class ConfirmEvent:
    """The run paused: the person must confirm `action` on `ticket_id` before it happens.

    Answer in a new request on the same thread (see confirmation.py); until then the thread
    takes no new message.
    """

    thread_id: str
    action: str
    ticket_id: int
    prompt: str


@dataclass(frozen=True)
class UsageEvent:
    """What the run cost, yielded last: model calls, and tokens (None when not reported)."""

    model_calls: int
    input_tokens: int | None
    output_tokens: int | None


AgentEvent = TokenEvent | ToolStartEvent | ToolEndEvent | ConfirmEvent | UsageEvent
