"""What Assistant.stream yields: answer tokens and ticket-tool activity, nothing else."""

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


AgentEvent = TokenEvent | ToolStartEvent | ToolEndEvent
