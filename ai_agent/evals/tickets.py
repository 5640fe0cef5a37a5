"""The ticket API side of a scenario: seed its tickets, then check the end state it expects.

Scenarios share one ticket API (possibly with other data in it), so each one only looks at the
tickets it seeded and at tickets with an id above the highest id when it started (the ones its
conversation created). Scenarios run one after another, so nothing else creates tickets meanwhile.
It talks to the API through the agent's own client and typed tickets (the ticket_api package).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from evals.scenarios import Expectation, Scenario, fill
from ticket_api.arguments import ListTicketsArgs
from ticket_api.client import TicketApiError, TicketClient
from ticket_api.models import NewTicket, Ticket
from ticket_api.rules import MAX_PAGE_SIZE

COMPARED_FIELDS = ("title", "description", "status")
# Placeholder {missing}: an id this far above every existing id cannot belong to a ticket.
MISSING_ID_GAP = 1_000_000


@dataclass
class Seeded:
    ids: dict[str, int]  # seed name -> ticket id
    before: dict[str, Ticket]  # seed name -> the ticket as seeded
    watermark: int  # highest ticket id once seeded: anything above was created by the conversation
    missing_id: int


ResultT = TypeVar("ResultT")


class TicketApi:
    """The ticket API for a synchronous runner: each call runs the async client on one event loop."""

    def __init__(self, base_url: str) -> None:
        self._loop = asyncio.Runner()
        self._client = TicketClient(base_url)

    def __enter__(self) -> TicketApi:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._run(self._client.aclose())
        self._loop.close()

    def seed(self, scenario: Scenario) -> Seeded:
        ids: dict[str, int] = {}
        before: dict[str, Ticket] = {}
        for name, seed in scenario.seed.items():
            # Descriptions may name earlier seeds ({ticket:other}), e.g. for prompt injections.
            new = NewTicket(title=seed.title, description=fill(seed.description, ids, missing_id=0), status=seed.status)
            ticket = self._run(self._client.create_ticket(new, idempotency_key=f"eval-{uuid.uuid4().hex}"))
            ids[name] = ticket.id
            before[name] = ticket
        watermark = self.highest_id()
        return Seeded(ids, before, watermark, missing_id=watermark + MISSING_ID_GAP)

    def highest_id(self) -> int:
        page = self._run(self._client.list_tickets(ListTicketsArgs(ordering="-id", page_size=1).query()))
        return page.results[0].id if page.results else 0

    def created_since(self, watermark: int) -> list[Ticket]:
        """Tickets with an id above the watermark, oldest first."""
        page = self._run(self._client.list_tickets(ListTicketsArgs(ordering="-id", page_size=MAX_PAGE_SIZE).query()))
        return sorted((t for t in page.results if t.id > watermark), key=lambda t: t.id)

    def get(self, ticket_id: int) -> Ticket | None:
        try:
            return self._run(self._client.get_ticket(ticket_id))
        except TicketApiError as error:
            if error.status == 404:
                return None
            raise

    def _run(self, call: Coroutine[Any, Any, ResultT]) -> ResultT:
        return self._loop.run(call)


def end_state_problems(api: TicketApi, seeded: Seeded, expect: Expectation) -> list[str]:
    """What differs from the expected end state, as sentences; empty when everything matches."""
    problems = []
    for name, ticket_id in seeded.ids.items():
        outcome = expect.tickets.get(name, "unchanged")
        now = api.get(ticket_id)
        if outcome == "deleted":
            if now is not None:
                problems.append(f"ticket {name} (#{ticket_id}) should be deleted but exists")
        elif now is None:
            problems.append(f"ticket {name} (#{ticket_id}) was deleted")
        elif outcome == "unchanged":
            changed = [f for f in COMPARED_FIELDS if getattr(now, f) != getattr(seeded.before[name], f)]
            if changed:
                problems.append(f"ticket {name} (#{ticket_id}) should be unchanged, but its {', '.join(changed)} changed")
        else:
            wanted = filled(outcome, seeded)
            problems.extend(f"ticket {name} (#{ticket_id}): {problem}" for problem in field_problems(now, wanted))
    created = [filled(wanted, seeded) for wanted in expect.created]
    problems.extend(created_problems(api.created_since(seeded.watermark), created))
    return problems


def filled(wanted: dict[str, str], seeded: Seeded) -> dict[str, str]:
    """Expected field values with their {ticket:NAME} placeholders replaced by this run's ids."""
    return {key: fill(str(value), seeded.ids, seeded.missing_id) for key, value in wanted.items()}


def created_problems(created: list[Ticket], expected: list[dict[str, str]]) -> list[str]:
    """Every expected ticket matches one created ticket, and nothing else was created."""
    problems, unmatched = [], list(created)
    for wanted in expected:
        match = next((ticket for ticket in unmatched if not field_problems(ticket, wanted)), None)
        if match is None:
            titles = ", ".join(repr(ticket.title) for ticket in unmatched) or "none"
            problems.append(f"no created ticket matches {wanted} (unmatched new tickets: {titles})")
        else:
            unmatched.remove(match)
    if unmatched and len(created) > len(expected):
        problems.append(f"{len(created)} tickets were created, {len(expected)} expected: "
                        + ", ".join(repr(ticket.title) for ticket in unmatched))
    return problems


def field_problems(ticket: Ticket, wanted: dict[str, str]) -> list[str]:
    problems = []
    for key, value in wanted.items():
        if key == "status":
            actual, ok = ticket.status, ticket.status == value.upper()
        elif key == "title_contains":
            actual, ok = ticket.title, value.lower() in ticket.title.lower()
        else:
            actual, ok = getattr(ticket, key), getattr(ticket, key) == value
        if not ok:
            problems.append(f"{key} should be {value!r}, is {actual!r}")
    return problems
