"""Tickets and pages as compact text for a language model: one line a ticket, not the API's JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ticket_api.arguments import ListTicketsArgs
from ticket_api.models import Ticket, TicketPage
from ticket_api.rules import DEFAULT_PAGE_SIZE

SHORT_DESCRIPTION = 140  # in lists and write reports
LONG_DESCRIPTION = 1500  # when one ticket is shown


def format_ticket(ticket: Ticket, *, long: bool = False) -> str:
    limit = LONG_DESCRIPTION if long else SHORT_DESCRIPTION
    text = f"#{ticket.id} [{ticket.status}] \"{ticket.title}\": {_shorten(ticket.description, limit)}"
    if long:
        text += f" (created {_timestamp(ticket.created)}, updated {_timestamp(ticket.updated)})"
    return text


def format_page(page: TicketPage, args: ListTicketsArgs) -> str:
    filters = ", ".join(f"{name} {_show(value)}" for name, value in args.filters().items())
    scope = f" matching {filters}" if filters else ""
    if page.count == 0:
        return f"No tickets{scope}."
    number = args.page or 1
    first = (number - 1) * (args.page_size or DEFAULT_PAGE_SIZE) + 1
    header = f"{page.count} ticket{'s' if page.count != 1 else ''}{scope}"
    if len(page.results) < page.count:
        header += f"; showing {first}-{first + len(page.results) - 1}"
    lines = [header + ":"] + [f"- {format_ticket(ticket)}" for ticket in page.results]
    if page.next:
        lines.append(more_pages_hint(number + 1))
    return "\n".join(lines)


def more_pages_hint(next_page: int) -> str:
    """The last line of a page that has a next one."""
    return f"More tickets exist: call again with page={next_page}."


def describe_changes(before: Ticket, after: Ticket) -> str:
    changes = []
    for field in ("status", "title"):
        if getattr(before, field) != getattr(after, field):
            changes.append(f"{field} {getattr(before, field)} -> {getattr(after, field)}")
    if before.description != after.description:
        changes.append("description changed")
    return ", ".join(changes) or "no visible change"


def _show(value: Any) -> str:
    if isinstance(value, list):
        return " or ".join(str(item) for item in value)
    return f'"{value}"' if isinstance(value, str) and not value.isupper() else str(value)


def _timestamp(moment: datetime) -> str:
    # As the API writes it (ISO 8601, "Z" for UTC), so the model sees the API's own text.
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
