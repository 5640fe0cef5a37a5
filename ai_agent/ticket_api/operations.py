"""The ticket operations as plain async functions: one implementation for every front end.

Each operation takes a Call (the client, and the key that identifies this call) and its validated
arguments, and returns an Outcome: the text for a language model and the same result as data.
The API's refusals (4xx) become an Outcome that failed, with a sentence saying why; an unreachable
ticket system is raised (TicketSystemUnavailable), since nothing else can work then.

The assistant's LangChain tools (agent/tools.py) are one front end over OPERATIONS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from ticket_api.arguments import CreateTicketArgs, DeleteTicketArgs, GetTicketArgs, ListTicketsArgs, UpdateTicketArgs
from ticket_api.client import TicketApiError, TicketClient
from ticket_api.formatting import describe_changes, format_page, format_ticket
from ticket_api.models import Ticket
from ticket_api.refusals import describe_api_error
from ticket_api.rules import DEFAULT_PAGE_SIZE, OPEN, WORKFLOW

ERROR_PREFIX = "Error: "


class ResultData(BaseModel):
    """An operation's result as data: the tickets it shows and the one it is about."""

    ok: bool = True
    tickets: list[Ticket] = Field(default_factory=list)
    # The one ticket a follow-up's "it" would mean: the ticket created, shown or changed (or kept,
    # when a deletion was declined). None for lists, deletions and failures.
    subject: int | None = None
    next_page: int | None = None  # set when a list has more pages


@dataclass(frozen=True)
class Outcome:
    text: str
    data: ResultData

    @classmethod
    def failure(cls, sentence: str) -> Outcome:
        return cls(ERROR_PREFIX + sentence, ResultData(ok=False))

    @classmethod
    def about(cls, text: str, ticket: Ticket) -> Outcome:
        return cls(text, ResultData(tickets=[ticket], subject=ticket.id))


@dataclass(frozen=True)
class Call:
    """One call of an operation: the client to use, and a key that is the same for every retry of
    this call and different for any other call (a create sends it as its Idempotency-Key)."""

    client: TicketClient
    key: str


ArgsT = TypeVar("ArgsT", bound=BaseModel)


@dataclass(frozen=True)
class Operation(Generic[ArgsT]):
    name: str
    description: str
    arguments: type[ArgsT]
    action: Callable[[Call, ArgsT], Awaitable[Outcome]]

    async def run(self, call: Call, args: ArgsT) -> Outcome:
        try:
            return await self.action(call, args)
        except TicketApiError as error:
            # A ticket id or page in the arguments makes a 404 or 412 say which one.
            about = {"ticket_id": getattr(args, "ticket_id", None), "page": getattr(args, "page", None)}
            return Outcome.failure(describe_api_error(error, **about))


async def _get(call: Call, args: GetTicketArgs) -> Outcome:
    ticket = await call.client.get_ticket(args.ticket_id)
    return Outcome.about(format_ticket(ticket, long=True), ticket)


async def _list(call: Call, args: ListTicketsArgs) -> Outcome:
    page = await call.client.list_tickets(args.query())
    next_page = (args.page or 1) + 1 if page.next else None
    return Outcome(format_page(page, args), ResultData(tickets=page.results, next_page=next_page))


async def _create(call: Call, args: CreateTicketArgs) -> Outcome:
    ticket = await call.client.create_ticket(args.ticket(), idempotency_key=call.key)
    return Outcome.about(f"Created ticket {format_ticket(ticket)}", ticket)


async def _update(call: Call, args: UpdateTicketArgs) -> Outcome:
    # Reading first gives a clean 404, lets us report "old -> new" and skip no-op writes, and its
    # ETag makes the write fail (412) rather than overwrite a change made since.
    before, etag = await call.client.read_ticket(args.ticket_id)
    changes = before.differs_from(args.changes())
    if not changes.given():
        return Outcome.about(f"Nothing to change: ticket {format_ticket(before)} already has those values.", before)
    after = await call.client.update_ticket(args.ticket_id, changes, if_match=etag)
    return Outcome.about(
        f"Updated ticket #{after.id}: {describe_changes(before, after)}. Now: {format_ticket(after)}", after
    )


async def _delete(call: Call, args: DeleteTicketArgs) -> Outcome:
    before, etag = await call.client.read_ticket(args.ticket_id)
    await call.client.delete_ticket(args.ticket_id, if_match=etag)
    return Outcome(f"Deleted ticket {format_ticket(before)}", ResultData(tickets=[before]))


GET = Operation(
    "get_ticket",
    "Fetch one ticket by its id: title, status, full description, created/updated times.",
    GetTicketArgs, _get,
)
LIST = Operation(
    "list_tickets",
    f"List or search tickets, newest first, {DEFAULT_PAGE_SIZE} per page. Filters combine (AND). Returns the "
    "total count and the tickets of the page (id, status, title, short description). "
    "With no arguments it lists all tickets. " + WORKFLOW,
    ListTicketsArgs, _list,
)
CREATE = Operation(
    "create_ticket",
    f"Create a new ticket. Title and description are required; status defaults to {OPEN}.",
    CreateTicketArgs, _create,
)
UPDATE = Operation(
    "update_ticket",
    "Change a ticket's title, description and/or status (only the fields given change). "
    "It reads the ticket first and reports what changed. " + WORKFLOW,
    UpdateTicketArgs, _update,
)
DELETE = Operation(
    "delete_ticket",
    "Delete a ticket permanently by its id. The person is asked to confirm first; without their "
    "yes nothing is deleted. It reads the ticket first to report what was deleted.",
    DeleteTicketArgs, _delete,
)
OPERATIONS: tuple[Operation, ...] = (GET, LIST, CREATE, UPDATE, DELETE)
