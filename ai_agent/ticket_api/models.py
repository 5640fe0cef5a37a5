"""Tickets as typed values: what the client sends and what it returns.

Attributes are the agent's names (`status`); on the wire they are the API's (`resolution_status`),
both when reading an API answer and when writing a body or an artifact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ticket_api.rules import DEFAULT_PRIORITY, STATUS_FIELD, Priority, Status

_WIRE_NAMES = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)


class TicketChanges(BaseModel):
    """Some of a ticket's writable fields; None means "leave as it is"."""

    model_config = _WIRE_NAMES

    title: str | None = None
    description: str | None = None
    status: Status | None = Field(None, alias=STATUS_FIELD)

    def given(self) -> dict[str, Any]:
        """The fields to change, by attribute name."""
        return self.model_dump(exclude_none=True, by_alias=False)

    def body(self) -> dict[str, Any]:
        """The fields to change as the API's JSON body."""
        return self.model_dump(exclude_none=True)


class NewTicket(BaseModel):
    """The body of a create."""

    model_config = _WIRE_NAMES

    title: str
    description: str
    status: Status = Field(alias=STATUS_FIELD)


class Ticket(NewTicket):
    """A ticket as the API returns it."""

    id: int
    created: datetime
    updated: datetime
    # Triage fields (the tools do not set them yet); kept so a ticket's data is the API's whole.
    priority: Priority = DEFAULT_PRIORITY
    assignee: str | None = None
    tags: list[str] = Field(default_factory=list)

    def differs_from(self, changes: TicketChanges) -> TicketChanges:
        """Only those of `changes` that this ticket does not have already."""
        return TicketChanges(**{name: value for name, value in changes.given().items() if getattr(self, name) != value})


class TicketPage(BaseModel):
    """One page of a list."""

    count: int
    next: str | None = None
    previous: str | None = None
    results: list[Ticket]
