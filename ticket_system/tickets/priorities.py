"""Ticket priorities: their names, their ranks and the sentence refusing anything else.

Stored as the rank (a small integer), so ordering by priority and its index follow the rank
(`-priority`: URGENT, HIGH, NORMAL, LOW), never the alphabet; the API shows and takes the name.
"""

from __future__ import annotations

from django.db import models


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


NAMES = tuple(priority.name for priority in Priority)


def from_name(text: str) -> Priority | None:
    """The priority named `text` in any letter case (surrounding blanks ignored), or None."""
    return Priority.__members__.get(text.strip().upper())


def not_a_priority(value: str) -> str:
    """The refusal of a value that is no priority (the API's 422 and the list filter's 400)."""
    return f"'{value}' is not a ticket priority: use one of {', '.join(NAMES)}."
