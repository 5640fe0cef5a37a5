"""Fixtures for the ticket API's contract tests.

Test modules here cannot import each other (pytest runs with --import-mode=importlib and several
folders are called `tests`), so everything they share is a fixture of this file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from rest_framework.test import APIClient

from tickets.models import Ticket, TicketTag
from tickets.priorities import Priority

LIST_URL = "/api/tickets/"
TICKET_KEYS = {"id", "title", "description", "created", "updated", "resolution_status", "priority", "assignee", "tags"}


@pytest.fixture(autouse=True)
def _database(db) -> None:
    """Almost every test reads or writes tickets; each runs in a transaction rolled back afterwards."""


@pytest.fixture(autouse=True)
def _plain_api(settings) -> None:
    """Pin auth and chaos off, so only the tests that switch them on see them (the defaults of a
    real process are tested against the real process, see test_auth.py and test_chaos.py)."""
    settings.TICKETS_API_TOKEN = None
    settings.TICKETS_CHAOS_FAILURE_RATE = 0.0
    settings.TICKETS_CHAOS_MAX_DELAY_MS = 0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live_api(request, start_ticket_api):
    """The ticket API under gunicorn on a fresh database: a new SQLite file, or a new, uniquely
    named PostgreSQL database (dropped afterwards), so the PostgreSQL pass of the suite and
    parallel runs never share one."""
    if request.param == "sqlite":
        return start_ticket_api()
    url = request.getfixturevalue("fresh_postgres_database")("test_live_api")
    return start_ticket_api(DATABASE_URL=url)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def list_url() -> str:
    return LIST_URL


@pytest.fixture
def detail_url() -> Callable[[object], str]:
    def url(ticket_id: object) -> str:
        return f"{LIST_URL}{ticket_id}/"

    return url


@pytest.fixture
def make_ticket() -> Callable[..., Ticket]:
    """Create a ticket straight in the database; `created`/`updated` are forced with an UPDATE
    because the model sets them itself on save."""

    def make(
        title: str = "Printer on fire",
        description: str = "Smoke is coming out of the second floor printer.",
        resolution_status: str = "OPEN",
        created: datetime | None = None,
        updated: datetime | None = None,
    ) -> Ticket:
        ticket = Ticket.objects.create(title=title, description=description, resolution_status=resolution_status)
        forced = {name: value for name, value in (("created", created), ("updated", updated)) if value}
        if forced:
            Ticket.objects.filter(pk=ticket.pk).update(**forced)
            ticket.refresh_from_db()
        return ticket

    return make


@pytest.fixture
def row_state() -> Callable[[int], dict | None]:
    """The stored state of a ticket (None when gone): compare before/after to prove a rejected
    request lost and changed nothing."""

    def state(ticket_id: int) -> dict | None:
        state = Ticket.objects.filter(pk=ticket_id).values(
            "id", "title", "description", "resolution_status", "created", "updated", "priority", "assignee"
        ).first()
        if state is not None:
            state["tags"] = sorted(TicketTag.objects.filter(ticket_id=ticket_id).values_list("name", flat=True))
        return state

    return state


@pytest.fixture
def assert_ticket_json() -> Callable[[dict, Ticket], None]:
    """Assert that a response body is exactly the API's view of the stored ticket."""

    def check(body: dict, ticket: Ticket) -> None:
        ticket.refresh_from_db()
        assert set(body) == TICKET_KEYS
        assert body["id"] == ticket.pk
        assert body["title"] == ticket.title
        assert body["description"] == ticket.description
        assert body["resolution_status"] == ticket.resolution_status
        assert body["priority"] == Priority(ticket.priority).name
        assert body["assignee"] == (ticket.assignee.username if ticket.assignee else None)
        assert body["tags"] == sorted(ticket.tags.values_list("name", flat=True))
        for name in ("created", "updated"):
            assert body[name].endswith("Z"), f"{name} must be UTC ending in Z: {body[name]}"
            assert datetime.fromisoformat(body[name]) == getattr(ticket, name)

    return check


@pytest.fixture
def assert_param_error() -> Callable[..., None]:
    """Assert a DRF-style error body naming exactly the given keys, each with a list of messages."""

    def check(response, status: int, *keys: str) -> None:
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == set(keys), body
        for key in keys:
            assert isinstance(body[key], list) and body[key], body
            assert all(isinstance(message, str) and message for message in body[key]), body

    return check


@pytest.fixture
def assert_detail_error() -> Callable[..., str]:
    """Assert a JSON `{"detail": "<message>"}` body with the given status."""

    def check(response, status: int) -> str:
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"detail"}, body
        assert isinstance(body["detail"], str) and body["detail"]
        return body["detail"]

    return check
