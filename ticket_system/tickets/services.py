"""Every ticket write: create, update and delete, one function each, called by the API and the admin.

Each write is one transaction (joined with the caller's when there is one), so what is added to a
write later (its event in the ticket's history) commits or rolls back with it. Refusals are raised
before the transaction starts: a caller may catch one and go on (the admin's bulk actions do).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from . import workflow
from .models import Status, Ticket, TicketTag
from .priorities import Priority

# Field name -> (value before, value after) of each field a write changed, as the API shows them:
# priorities by name, the assignee by username, tags as sorted lists.
Changes = dict[str, tuple[Any, Any]]


def create_ticket(*, title: str, description: str, resolution_status: str = Status.OPEN,
                  priority: int = Priority.NORMAL, assignee: AbstractBaseUser | None = None,
                  tags: Iterable[str] = ()) -> Ticket:
    """A new ticket; `tags` already follow the tag rule (tickets/tags.py)."""
    with transaction.atomic(savepoint=False):
        ticket = Ticket.objects.create(title=title, description=description, resolution_status=resolution_status,
                                       priority=priority, assignee=assignee)
        TicketTag.objects.bulk_create(TicketTag(ticket=ticket, name=name) for name in sorted(set(tags)))
    ticket.tag_names = sorted(set(tags))
    return ticket


def update_ticket(ticket: Ticket, changes: Mapping[str, Any]) -> Changes:
    """Give `ticket` the values in `changes` (field name -> new value; `tags` a list of tags) and
    return what changed.

    A status change must be allowed by the workflow (workflow.TransitionNotAllowed otherwise).
    When nothing differs nothing is saved, so `updated` keeps its value. A change of tags alone
    saves the ticket too: the ticket changed, so its `updated` moves (and its ETag changes)."""
    if "resolution_status" in changes:
        workflow.ensure_allowed(ticket.resolution_status, changes["resolution_status"])
    fields = {name: new for name, new in changes.items() if name != "tags"}
    changed = {name: (getattr(ticket, name), new) for name, new in fields.items() if getattr(ticket, name) != new}
    tags = None
    if "tags" in changes and ticket.tag_names != sorted(set(changes["tags"])):
        tags = (ticket.tag_names, sorted(set(changes["tags"])))
    if not changed and tags is None:
        return {}
    with transaction.atomic(savepoint=False):
        for name, (_, new) in changed.items():
            setattr(ticket, name, new)
        ticket.save(update_fields=[*changed, "updated"])
        if tags is not None:
            replace_tags(ticket, *tags)
    ticket.__dict__.pop("assignee_username", None)  # read again from the new assignee when asked
    shown = {name: (shown_value(name, old), shown_value(name, new)) for name, (old, new) in changed.items()}
    return {**shown, "tags": tags} if tags is not None else shown


def replace_tags(ticket: Ticket, old: list[str], new: list[str]) -> None:
    TicketTag.objects.filter(ticket=ticket, name__in=set(old) - set(new)).delete()
    TicketTag.objects.bulk_create(TicketTag(ticket=ticket, name=name) for name in sorted(set(new) - set(old)))
    ticket.tag_names = new


def shown_value(name: str, value: Any) -> Any:
    """A field's value as the API shows it."""
    if name == "priority":
        return Priority(value).name
    if name == "assignee":
        return value.get_username() if value is not None else None
    return value


def delete_ticket(ticket: Ticket) -> None:
    with transaction.atomic(savepoint=False):
        ticket.delete()
