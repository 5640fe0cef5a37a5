"""Realistic demo tickets, generated fast and reproducibly (a seeded random generator).

Word frequencies are known, which the benchmarks rely on: every description names exactly one of
COMMON_WORDS (so each appears in about a third of all tickets), and RARE_WORD appears in about one
ticket in RARE_EVERY.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

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
STATUSES = ("OPEN", "RESOLVED", "CLOSED")
STATUS_WEIGHTS = (0.3, 0.3, 0.4)


def demo_rows(count: int, seed: int = 42, now: datetime | None = None) -> Iterator[tuple[str, str, datetime, datetime, str]]:
    """(title, description, created, updated, resolution_status) tuples, oldest first."""
    rng = random.Random(seed)
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
        description = f"The {system} ({area}) {rng.choice(PROBLEMS)}. {details}"
        if rng.randrange(RARE_EVERY) == 0:
            description += f" The {RARE_WORD} ticket cache looks stale."
        created = start + step * index + timedelta(seconds=rng.random())
        updated = created + timedelta(hours=rng.random() * 72)
        yield title, description, created, min(updated, end), rng.choices(STATUSES, STATUS_WEIGHTS)[0]
