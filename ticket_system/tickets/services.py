"""Every ticket write: create, update and delete, one function each, called by the API and the admin.

Each write is one transaction (joined with the caller's when there is one), so what is added to a
write later (its event in the ticket's history) commits or rolls back with it. Refusals are raised
before the transaction starts: a caller may catch one and go on (the admin's bulk actions do).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from . import workflow
from .models import Status, Ticket

# Field name -> (value before, value after) of each field a write changed.
Changes = dict[str, tuple[Any, Any]]


def create_ticket(*, title: str, description: str, resolution_status: str = Status.OPEN) -> Ticket:
    with transaction.atomic(savepoint=False):
        return Ticket.objects.create(title=title, description=description, resolution_status=resolution_status)


def update_ticket(ticket: Ticket, changes: Mapping[str, Any]) -> Changes:
    """Give `ticket` the values in `changes` (field name -> new value) and return what changed.

    A status change must be allowed by the workflow (workflow.TransitionNotAllowed otherwise).
    When nothing differs nothing is saved, so `updated` keeps its value."""
    if "resolution_status" in changes:
        workflow.ensure_allowed(ticket.resolution_status, changes["resolution_status"])
    changed = {name: (getattr(ticket, name), new) for name, new in changes.items() if getattr(ticket, name) != new}
    if not changed:
        return changed
    with transaction.atomic(savepoint=False):
        for name, (_, new) in changed.items():
            setattr(ticket, name, new)
        ticket.save(update_fields=[*changed, "updated"])
    return changed


def delete_ticket(ticket: Ticket) -> None:
    with transaction.atomic(savepoint=False):
        ticket.delete()
