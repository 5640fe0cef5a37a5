"""The ticket status workflow: the one place that says which status changes are allowed.

OPEN -> RESOLVED or CLOSED; RESOLVED -> OPEN or CLOSED; CLOSED is final. Setting the status a
ticket already has is always allowed (a no-op). services.update_ticket enforces it on every write;
the API's serializer and the admin's form check it earlier, to report it with other field errors.
"""

from __future__ import annotations

from .models import Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class TransitionNotAllowed(ValueError):
    def __init__(self, current: str, new: str) -> None:
        super().__init__(f"A ticket cannot move from {current} to {new}: {describe(current)}")
        self.current = current
        self.new = new


def describe(current: str) -> str:
    targets = sorted(ALLOWED_TRANSITIONS[current])
    if not targets:
        return f"{current} is final."
    return f"from {current} it can move to {' or '.join(targets)}."


def summary() -> str:
    """The whole workflow in one sentence, e.g. for the API's documentation."""
    parts = [f"{current} -> {' or '.join(sorted(targets))}" if targets else f"{current} is final"
             for current, targets in ALLOWED_TRANSITIONS.items()]
    return ", ".join(parts) + "."


def not_a_status(value: str) -> str:
    """The refusal of a value that is no status (the API's 422 and the list filter's 400)."""
    return f"'{value}' is not a ticket status: use one of {', '.join(Status.values)}."


def is_allowed(current: str, new: str) -> bool:
    return current == new or new in ALLOWED_TRANSITIONS[current]


def ensure_allowed(current: str, new: str) -> None:
    if not is_allowed(current, new):
        raise TransitionNotAllowed(current, new)
