"""The arguments of the ticket operations, as a model fills them in, and how they map onto the API.

The descriptions are written for a language model: they are the JSON schema its tool calls follow.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, model_validator

from ticket_api.models import NewTicket, TicketChanges
from ticket_api.rules import (
    DEFAULT_ORDERING,
    DEFAULT_PAGE_SIZE,
    DESCRIPTION_MAX_LENGTH,
    MAX_PAGE_SIZE,
    OPEN,
    SEARCH_RULE,
    STATUS_FIELD,
    TITLE_MAX_LENGTH,
    WORKFLOW,
    Ordering,
    Status,
)


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _as_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, int):
        return [value]
    return value


StatusArg = Annotated[Status, BeforeValidator(_upper)]
TicketId = Annotated[int, Field(ge=1, description="The ticket's numeric id, e.g. 12.")]
Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX_LENGTH)]
Description = Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX_LENGTH)]


class GetTicketArgs(BaseModel):
    ticket_id: TicketId


class ListTicketsArgs(BaseModel):
    status: Annotated[list[StatusArg] | None, BeforeValidator(_as_list)] = Field(
        None, description="Only tickets with one of these statuses, e.g. [\"OPEN\"] or [\"OPEN\", \"RESOLVED\"]."
    )
    search: str | None = Field(
        None, description=f"Words to look for: {SEARCH_RULE}. Use a few keywords, e.g. \"vpn\" or \"email outage\".",
    )
    title_contains: str | None = Field(None, description="Only tickets whose title contains this text (case-insensitive).")
    ids: Annotated[list[int] | None, BeforeValidator(_as_list)] = Field(None, description="Only these ticket ids.")
    created_after: str | None = Field(None, description="Created at or after this ISO-8601 date or time, e.g. 2025-01-31.")
    created_before: str | None = Field(None, description="Created at or before this ISO-8601 date or time.")
    ordering: Ordering | None = Field(
        None, description=f"Sort field; a leading '-' means descending. Default: newest first ({DEFAULT_ORDERING})."
    )
    page: int | None = Field(None, ge=1, description="Page number, from 1. Only needed when a result says there are more.")
    page_size: int | None = Field(
        None, ge=1, le=MAX_PAGE_SIZE,
        description=f"Tickets per page, 1..{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    )

    def filters(self) -> dict[str, Any]:
        """The arguments given, by name, except paging: what the list is narrowed to."""
        return self.model_dump(exclude_none=True, exclude={"page", "page_size"})

    def query(self) -> dict[str, Any]:
        """The API's query parameters for these arguments."""
        renamed = {
            "search": "search", "title_contains": "title__icontains", "created_after": "created__gte",
            "created_before": "created__lte", "ordering": "ordering", "page": "page", "page_size": "page_size",
        }
        given = self.model_dump(exclude_none=True)
        params = {renamed[name]: value for name, value in given.items() if name in renamed}
        if self.status:
            params[f"{STATUS_FIELD}__in"] = ",".join(self.status)
        if self.ids:
            params["id__in"] = ",".join(str(ticket_id) for ticket_id in self.ids)
        return params


class CreateTicketArgs(BaseModel):
    title: Title = Field(description=f"Short summary of the problem, at most {TITLE_MAX_LENGTH} characters.")
    description: Description = Field(description="What is wrong, in the person's words (required, not blank).")
    status: StatusArg = Field(OPEN, description=f"Initial status; almost always {OPEN} (the default).")

    def ticket(self) -> NewTicket:
        return NewTicket(title=self.title, description=self.description, status=self.status)


class UpdateTicketArgs(BaseModel):
    ticket_id: TicketId
    title: Title | None = Field(None, description="New title, only to rename.")
    description: Description | None = Field(None, description="New description.")
    status: StatusArg | None = Field(None, description="New status. " + WORKFLOW)

    @model_validator(mode="after")
    def _something_to_change(self) -> UpdateTicketArgs:
        if self.title is None and self.description is None and self.status is None:
            raise ValueError("give at least one of title, description or status to change")
        return self

    def changes(self) -> TicketChanges:
        return TicketChanges(title=self.title, description=self.description, status=self.status)


class DeleteTicketArgs(BaseModel):
    ticket_id: TicketId
