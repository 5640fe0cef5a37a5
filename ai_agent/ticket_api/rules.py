"""What the ticket API accepts, as data: the statuses and their workflow, orderings and limits.

The API is the authority; tests/agent/test_ticket_api_contract.py reads its /api/schema/ and
tries its workflow, and fails when this file says something else. Everything in the agent that
needs one of these facts imports it from here.
"""

from __future__ import annotations

from typing import Literal

OPEN, RESOLVED, CLOSED = "OPEN", "RESOLVED", "CLOSED"
STATUSES = (OPEN, RESOLVED, CLOSED)
Status = Literal[STATUSES]  # type: ignore[valid-type]
# In rank order, lowest first; a new ticket is NORMAL.
PRIORITIES = ("LOW", "NORMAL", "HIGH", "URGENT")
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
DEFAULT_PRIORITY = "NORMAL"
STATUS_FIELD = "resolution_status"  # the API's name for a ticket's status

# Which status a ticket may move to from each status. Setting the status it already has is a no-op.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    OPEN: (RESOLVED, CLOSED),
    RESOLVED: (OPEN, CLOSED),
    CLOSED: (),
}

# priority sorts by rank (-priority: URGENT first), assignee by username (the API's rules).
ORDERING_FIELDS = ("created", "updated", "title", "id", STATUS_FIELD, "priority", "assignee")
ORDERINGS = tuple(ordering for field in ORDERING_FIELDS for ordering in (field, f"-{field}"))
Ordering = Literal[ORDERINGS]  # type: ignore[valid-type]
DEFAULT_ORDERING = "-created"  # newest first

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
TITLE_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 20_000

SEARCH_RULE = (
    "every word must appear (case-insensitive, also inside longer words) in the title or the description"
)


def _workflow_sentence() -> str:
    moves = [f"{status} -> {' or '.join(targets)}" for status, targets in TRANSITIONS.items() if targets]
    finals = [
        f"{status} is final (a {status.lower()} ticket can never be reopened or changed to another status)"
        for status, targets in TRANSITIONS.items() if not targets
    ]
    return (
        f"Statuses: {', '.join(STATUSES)}. Allowed changes: {'; '.join(moves + finals)}. "
        "Setting the status a ticket already has changes nothing."
    )


WORKFLOW = _workflow_sentence()
