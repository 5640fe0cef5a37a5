"""The ticket tools the specialists call: real API semantics in the schemas, compact text results.

Each tool reports its start and end on LangGraph's custom stream (ToolStartEvent / ToolEndEvent),
so the person sees ticket activity as it happens. Ticket API refusals (4xx) come back as a
sentence the model can pass on; an unreachable ticket system ends the run (TicketSystemUnavailable).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from langchain_core.tools import BaseTool, InjectedToolCallId, StructuredTool
from langgraph.config import get_config, get_stream_writer
from langgraph.prebuilt import InjectedState
from pydantic import BaseModel, BeforeValidator, Field, model_validator

from agent.confirmation import MISSING, YES
from agent.events import ToolEndEvent, ToolStartEvent
from agent.ticket_client import TicketApiError, TicketClient, TicketSystemUnavailable

STATUSES = ("OPEN", "RESOLVED", "CLOSED")
WORKFLOW = (
    "Statuses: OPEN, RESOLVED, CLOSED. Allowed changes: OPEN -> RESOLVED or CLOSED; "
    "RESOLVED -> OPEN or CLOSED; CLOSED is final (a closed ticket can never be reopened or changed "
    "to another status). Setting the status a ticket already has changes nothing."
)
ORDERINGS = ("created", "-created", "updated", "-updated", "title", "-title", "id", "-id",
             "resolution_status", "-resolution_status")
SHORT_DESCRIPTION = 140
LONG_DESCRIPTION = 1500


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _as_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, int):
        return [value]
    return value


Status = Annotated[Literal["OPEN", "RESOLVED", "CLOSED"], BeforeValidator(_upper)]
TicketId = Annotated[int, Field(ge=1, description="The ticket's numeric id, e.g. 12.")]


class GetTicketArgs(BaseModel):
    ticket_id: TicketId


class ListTicketsArgs(BaseModel):
    status: Annotated[list[Status] | None, BeforeValidator(_as_list)] = Field(
        None, description="Only tickets with one of these statuses, e.g. [\"OPEN\"] or [\"OPEN\", \"RESOLVED\"]."
    )
    search: str | None = Field(
        None,
        description="Words to look for: every word must appear (case-insensitive, also inside longer "
        "words) in the title or the description. Use a few keywords, e.g. \"vpn\" or \"email outage\".",
    )
    title_contains: str | None = Field(None, description="Only tickets whose title contains this text (case-insensitive).")
    ids: Annotated[list[int] | None, BeforeValidator(_as_list)] = Field(None, description="Only these ticket ids.")
    created_after: str | None = Field(None, description="Created at or after this ISO-8601 date or time, e.g. 2025-01-31.")
    created_before: str | None = Field(None, description="Created at or before this ISO-8601 date or time.")
    ordering: Literal[ORDERINGS] | None = Field(  # type: ignore[valid-type]
        None, description="Sort field; a leading '-' means descending. Default: newest first (-created)."
    )
    page: int | None = Field(None, ge=1, description="Page number, from 1. Only needed when a result says there are more.")
    page_size: int | None = Field(None, ge=1, le=100, description="Tickets per page, 1..100 (default 20).")


class CreateTicketArgs(BaseModel):
    title: str = Field(min_length=1, max_length=255, description="Short summary of the problem, at most 255 characters.")
    description: str = Field(min_length=1, max_length=20000, description="What is wrong, in the person's words (required, not blank).")
    status: Status = Field("OPEN", description="Initial status; almost always OPEN (the default).")
    tool_call_id: Annotated[str, InjectedToolCallId]


class UpdateTicketArgs(BaseModel):
    ticket_id: TicketId
    title: str | None = Field(None, min_length=1, max_length=255, description="New title, only to rename.")
    description: str | None = Field(None, min_length=1, max_length=20000, description="New description.")
    status: Status | None = Field(None, description="New status. " + WORKFLOW)

    @model_validator(mode="after")
    def _something_to_change(self) -> UpdateTicketArgs:
        if self.title is None and self.description is None and self.status is None:
            raise ValueError("give at least one of title, description or status to change")
        return self


class DeleteTicketArgs(BaseModel):
    ticket_id: TicketId
    # Filled in by the tool node, never by the model: the person's decisions (confirmation.py).
    confirmations: Annotated[dict[str, str], InjectedState("confirmations")]
    tool_call_id: Annotated[str, InjectedToolCallId]


def build_ticket_tools(client: TicketClient) -> dict[str, BaseTool]:
    """The five ticket tools, bound to one client, by name."""
    tools = [
        StructuredTool.from_function(
            coroutine=_get_ticket(client), name="get_ticket", args_schema=GetTicketArgs,
            description="Fetch one ticket by its id: title, status, full description, created/updated times.",
        ),
        StructuredTool.from_function(
            coroutine=_list_tickets(client), name="list_tickets", args_schema=ListTicketsArgs,
            description=(
                "List or search tickets, newest first, 20 per page. Filters combine (AND). Returns the total "
                "count and the tickets of the page (id, status, title, short description). "
                "With no arguments it lists all tickets. " + WORKFLOW
            ),
        ),
        StructuredTool.from_function(
            coroutine=_create_ticket(client), name="create_ticket", args_schema=CreateTicketArgs,
            description="Create a new ticket. Title and description are required; status defaults to OPEN.",
        ),
        StructuredTool.from_function(
            coroutine=_update_ticket(client), name="update_ticket", args_schema=UpdateTicketArgs,
            description=(
                "Change a ticket's title, description and/or status (only the fields given change). "
                "It reads the ticket first and reports what changed. " + WORKFLOW
            ),
        ),
        StructuredTool.from_function(
            coroutine=_delete_ticket(client), name="delete_ticket", args_schema=DeleteTicketArgs,
            description=(
                "Delete a ticket permanently by its id. The person is asked to confirm first; without their "
                "yes nothing is deleted. It reads the ticket first to report what was deleted."
            ),
        ),
    ]
    return {tool.name: tool for tool in tools}


# --- the tools -------------------------------------------------------------------------------


def _get_ticket(client: TicketClient) -> Callable[..., Awaitable[str]]:
    async def get_ticket(ticket_id: int) -> str:
        async def action() -> str:
            return format_ticket(await client.get_ticket(ticket_id), long=True)

        return await _run("get_ticket", {"ticket_id": ticket_id}, action, ticket_id=ticket_id)

    return get_ticket


def _list_tickets(client: TicketClient) -> Callable[..., Awaitable[str]]:
    async def list_tickets(**args: Any) -> str:
        args = {name: value for name, value in args.items() if value is not None}
        params = _list_params(args)

        async def action() -> str:
            return format_page(await client.list_tickets(params), args)

        return await _run("list_tickets", args, action, page=args.get("page"))

    return list_tickets


def _create_ticket(client: TicketClient) -> Callable[..., Awaitable[str]]:
    async def create_ticket(title: str, description: str, tool_call_id: str, status: str = "OPEN") -> str:
        body = {"title": title, "description": description, "resolution_status": status}

        async def action() -> str:
            ticket = await client.create_ticket(body, idempotency_key=idempotency_key(tool_call_id))
            return f"Created ticket {format_ticket(ticket)}"

        return await _run("create_ticket", {"title": title, "description": description, "status": status}, action)

    return create_ticket


def _update_ticket(client: TicketClient) -> Callable[..., Awaitable[str]]:
    async def update_ticket(
        ticket_id: int, title: str | None = None, description: str | None = None, status: str | None = None
    ) -> str:
        wanted = {"title": title, "description": description, "resolution_status": status}
        wanted = {field: value for field, value in wanted.items() if value is not None}

        async def action() -> str:
            # Reading first gives a clean 404, lets us report "old -> new" and skip no-op writes, and its
            # ETag makes the write fail (412) rather than overwrite a change made since.
            before, etag = await client.read_ticket(ticket_id)
            changes = {field: value for field, value in wanted.items() if before.get(field) != value}
            if not changes:
                return f"Nothing to change: ticket {format_ticket(before)} already has those values."
            after = await client.update_ticket(ticket_id, changes, if_match=etag)
            return f"Updated ticket #{ticket_id}: {describe_changes(before, after)}. Now: {format_ticket(after)}"

        shown = {"ticket_id": ticket_id, **{("status" if k == "resolution_status" else k): v for k, v in wanted.items()}}
        return await _run("update_ticket", shown, action, ticket_id=ticket_id)

    return update_ticket


def _delete_ticket(client: TicketClient) -> Callable[..., Awaitable[str]]:
    async def delete_ticket(ticket_id: int, confirmations: dict[str, str], tool_call_id: str) -> str:
        # The last line of defence: whatever the model or a ticket's text says, no yes, no delete.
        decision = (confirmations or {}).get(tool_call_id)
        if decision == MISSING:
            return f"Error: ticket {ticket_id} does not exist."
        if decision != YES:
            return f"Ticket {ticket_id} was not deleted: the person did not confirm deleting it."

        async def action() -> str:
            before, etag = await client.read_ticket(ticket_id)
            await client.delete_ticket(ticket_id, if_match=etag)
            return f"Deleted ticket {format_ticket(before)}"

        return await _run("delete_ticket", {"ticket_id": ticket_id}, action, ticket_id=ticket_id)

    return delete_ticket


# --- shared plumbing -------------------------------------------------------------------------


async def _run(
    name: str,
    args: dict[str, Any],
    action: Callable[[], Awaitable[str]],
    *,
    ticket_id: int | None = None,
    page: int | None = None,
) -> str:
    """Announce the tool, run it, and turn API refusals (4xx) into text for the model."""
    emit = _event_writer()
    emit(ToolStartEvent(name=name, args=args))
    try:
        result = await action()
    except TicketApiError as error:
        emit(ToolEndEvent(name=name, ok=False))
        return "Error: " + describe_api_error(error, ticket_id=ticket_id, page=page)
    except TicketSystemUnavailable:
        # Not a result for the model: with the ticket system gone nothing else in the request can
        # work, so the run ends with an `error` event naming the URL (agent/errors.py).
        emit(ToolEndEvent(name=name, ok=False))
        raise
    emit(ToolEndEvent(name=name, ok=True))
    return result


def _event_writer() -> Callable[[Any], None]:
    try:
        return get_stream_writer()
    except (RuntimeError, KeyError):  # called outside a graph run (e.g. tool.ainvoke in a script)
        return lambda _event: None


def idempotency_key(tool_call_id: str) -> str:
    """Same tool call -> same key (retries dedupe); another call or another run -> another key.

    The run's id is mixed in because some OpenAI-compatible servers number tool calls per
    response (call_0, call_1), which would make two separate requests share a key.
    """
    try:
        run_key = str(get_config().get("configurable", {}).get("request_id", ""))
    except RuntimeError:
        run_key = ""
    digest = hashlib.sha256(f"{run_key}:{tool_call_id}".encode()).hexdigest()
    return f"agent-{digest[:40]}"


def _list_params(args: dict[str, Any]) -> dict[str, Any]:
    mapping = {
        "search": "search", "title_contains": "title__icontains", "created_after": "created__gte",
        "created_before": "created__lte", "ordering": "ordering", "page": "page", "page_size": "page_size",
    }
    params = {mapping[name]: value for name, value in args.items() if name in mapping}
    if args.get("status"):
        params["resolution_status__in"] = ",".join(args["status"])
    if args.get("ids"):
        params["id__in"] = ",".join(str(ticket_id) for ticket_id in args["ids"])
    return params


def describe_api_error(error: TicketApiError, *, ticket_id: int | None = None, page: int | None = None) -> str:
    """A 4xx from the ticket API as one or two sentences the model can relay."""
    if error.status == 404:
        if ticket_id is not None:
            return f"ticket {ticket_id} does not exist."
        if page is not None:
            return f"page {page} is past the end of the results."
        return f"not found ({_flatten(error.body)})."
    if error.status == 422:
        about_status = isinstance(error.body, dict) and "resolution_status" in error.body
        return f"the ticket system refused the change: {_flatten(error.body)}" + (f" {WORKFLOW}" if about_status else "")
    if error.status == 412:
        return (
            f"ticket {ticket_id} was changed by someone else after it was read, so nothing was written; "
            "read it again and decide whether the change is still wanted."
        )
    if error.status == 400:
        return f"the ticket system rejected the input: {_flatten(error.body)}"
    if error.status in (401, 403):
        return "the ticket system rejected the assistant's credentials; an administrator must check TICKETS_API_TOKEN."
    return f"the ticket system refused the request (HTTP {error.status}): {_flatten(error.body)}"


def _flatten(body: Any) -> str:
    """DRF error bodies ({"field": ["message", ...]} or {"detail": "..."}) as plain text."""
    if isinstance(body, dict):
        parts = []
        for field, messages in body.items():
            text = " ".join(messages) if isinstance(messages, list) else str(messages)
            parts.append(text if field in ("detail", "non_field_errors") else f"{field}: {text}")
        return "; ".join(parts)
    return str(body)


# --- compact formatting of tickets -----------------------------------------------------------


def format_ticket(ticket: dict[str, Any], *, long: bool = False) -> str:
    limit = LONG_DESCRIPTION if long else SHORT_DESCRIPTION
    text = (
        f"#{ticket.get('id')} [{ticket.get('resolution_status')}] \"{ticket.get('title')}\": "
        f"{_shorten(str(ticket.get('description', '')), limit)}"
    )
    if long:
        text += f" (created {ticket.get('created')}, updated {ticket.get('updated')})"
    return text


def format_page(page: dict[str, Any], args: dict[str, Any]) -> str:
    count = page.get("count", 0)
    tickets = page.get("results", [])
    filters = ", ".join(f"{name} {_show(value)}" for name, value in args.items() if name not in ("page", "page_size"))
    scope = f" matching {filters}" if filters else ""
    if count == 0:
        return f"No tickets{scope}."
    first = (int(args.get("page", 1)) - 1) * int(args.get("page_size", 20)) + 1
    header = f"{count} ticket{'s' if count != 1 else ''}{scope}"
    if len(tickets) < count:
        header += f"; showing {first}-{first + len(tickets) - 1}"
    lines = [header + ":"] + [f"- {format_ticket(ticket)}" for ticket in tickets]
    if page.get("next"):
        lines.append(f"More tickets exist: call again with page={int(args.get('page', 1)) + 1}.")
    return "\n".join(lines)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return " or ".join(str(item) for item in value)
    return f'"{value}"' if isinstance(value, str) and not value.isupper() else str(value)


def describe_changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    labels = {"resolution_status": "status", "title": "title", "description": "description"}
    changes = []
    for field, label in labels.items():
        if before.get(field) != after.get(field):
            if field == "description":
                changes.append("description changed")
            else:
                changes.append(f"{label} {before.get(field)!s} -> {after.get(field)!s}")
    return ", ".join(changes) or "no visible change"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
