"""Graph state, where the router stands in its conversation, and what a report carries as data."""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.messages import AIMessage, AnyMessage, ToolMessage
from langgraph.graph import MessagesState
from pydantic import BaseModel, Field

from ticket_api.operations import ResultData


class RouterState(MessagesState):
    """The router's conversation: the request, its route calls and the specialists' reports."""


def _merge(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    return {**old, **new}


class SpecialistState(MessagesState):
    """A specialist's private conversation: its task, its tool calls and their results.

    `confirmations` maps a delete_ticket call's id to the person's decision (see confirmation.py);
    the delete tool runs only for calls marked "yes".
    """

    confirmations: Annotated[dict[str, str], _merge]


class Report(BaseModel):
    """The data a specialist's report (the route call's ToolMessage) carries beside its text."""

    # The tickets its tools were about (created, shown, changed, or kept when a deletion was
    # declined), in order; lists and deleted tickets do not count.
    touched: list[int] = Field(default_factory=list)

    @classmethod
    def of(cls, messages: list[AnyMessage]) -> Report:
        """The report of a specialist's conversation, from its tool results' artifacts."""
        results = [ResultData.model_validate(m.artifact) for m in messages if isinstance(m, ToolMessage) and m.artifact]
        return cls(touched=[result.subject for result in results if result.subject is not None])

    @classmethod
    def from_message(cls, message: ToolMessage) -> Report:
        """The report a route call's result carries; empty for one without (a rejected call)."""
        return cls.model_validate(message.artifact) if message.artifact else cls()


def pending_route_calls(messages: list[AnyMessage]) -> list[dict[str, Any]]:
    """Route calls of the router's latest message that no report has answered yet, in order."""
    last_ai = next((i for i in range(len(messages) - 1, -1, -1) if isinstance(messages[i], AIMessage)), None)
    if last_ai is None:
        return []
    answered = {m.tool_call_id for m in messages[last_ai + 1 :] if isinstance(m, ToolMessage)}
    return [call for call in messages[last_ai].tool_calls if call["id"] not in answered]
