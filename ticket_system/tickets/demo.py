"""Realistic demo tickets, generated fast and reproducibly (a seeded random generator).

Word frequencies are known, which the benchmarks rely on: every description names exactly one of
COMMON_WORDS (so each appears in about a third of all tickets, and each ticket is tagged with it),
and RARE_WORD appears in about one ticket in RARE_EVERY. Priorities, assignees (DEMO_ASSIGNEES,
about ASSIGNED_SHARE of the tickets; the rest unassigned) and the other tags come from a second
generator, so titles, descriptions, dates and statuses are those of earlier versions.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from .models import Status
from .priorities import Priority

COMMON_WORDS = ("network", "mailbox", "printer")
RARE_WORD = "kerberos"
RARE_EVERY = 5_000
SPAN = timedelta(days=3 * 365)

SYSTEMS = {
    "network": ["VPN", "Wi-Fi", "firewall", "DNS", "proxy", "switch"],
    "mailbox": ["Outlook", "shared calendar", "mail relay", "spam filter", "distribution list"],
    "printer": ["label printer", "scanner", "plotter", "badge printer", "copier"],
}
PROBLEMS = ["is down", "is slow", "keeps disconnecting", "rejects my login", "shows an error",
            "stopped working after the update", "needs a new licence", "is unreachable from floor 3"]
PEOPLE = ["Ana", "Ben", "Chloe", "Dmitri", "Esther", "Farid", "Grace", "Hiro", "Ines", "Jonas"]
DETAILS = [
    "It started this morning around {hour}:00.",
    "{person} from accounting reported it first.",
    "Restarting did not help.",
    "The error code is E{code}.",
    "About {count} people are affected.",
    "It works from home but not in the office.",
    "We need this fixed before the quarterly close.",
]
STATUSES = tuple(Status.values)  # OPEN, RESOLVED, CLOSED: the order STATUS_WEIGHTS follows
STATUS_WEIGHTS = (0.3, 0.3, 0.4)
PRIORITY_WEIGHTS = {Priority.LOW: 0.2, Priority.NORMAL: 0.55, Priority.HIGH: 0.2, Priority.URGENT: 0.05}
DEMO_ASSIGNEES = ("ana", "ben", "chloe", "dmitri", "esther")
ASSIGNED_SHARE = 0.6
VIP_SHARE = 0.05


class DemoTicket(NamedTuple):
    title: str
    description: str
    created: datetime
    updated: datetime
    resolution_status: str
    priority: int  # the rank
    assignee: str | None  # one of DEMO_ASSIGNEES
    tags: tuple[str, ...]  # valid tags, sorted


def tag_of(system: str) -> str:
    return system.lower().replace(" ", "-")


def demo_rows(count: int, seed: int = 42, now: datetime | None = None) -> Iterator[DemoTicket]:
    """Demo tickets, oldest first."""
    rng, triage = random.Random(seed), random.Random(seed + 1)
    end = now or datetime.now(timezone.utc)
    start = end - SPAN
    step = SPAN / max(count, 1)
    for index in range(count):
        area = COMMON_WORDS[index % len(COMMON_WORDS)]
        system = rng.choice(SYSTEMS[area])
        title = f"{system} {rng.choice(PROBLEMS)}"
        details = " ".join(
            rng.choice(DETAILS).format(hour=rng.randint(7, 18), person=rng.choice(PEOPLE),
                                       code=rng.randint(100, 999), count=rng.randint(2, 40))
            for _ in range(rng.randint(1, 3))
        )
        problem = rng.choice(PROBLEMS)
        description = f"The {system} ({area}) {problem}. {details}"
        if rng.randrange(RARE_EVERY) == 0:
            description += f" The {RARE_WORD} ticket cache looks stale."
        created = start + step * index + timedelta(seconds=rng.random())
        updated = created + timedelta(hours=rng.random() * 72)
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        tags = {area, tag_of(system)} | ({"floor-3"} if "floor 3" in problem else set())
        if triage.random() < VIP_SHARE:
            tags.add("vip")
        assignee = triage.choice(DEMO_ASSIGNEES) if triage.random() < ASSIGNED_SHARE else None
        yield DemoTicket(title, description, created, min(updated, end), status,
                         int(triage.choices(list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()))[0]), assignee, tuple(sorted(tags)))
