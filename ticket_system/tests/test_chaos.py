"""Chaos mode: a share of /api/tickets/ calls fail with 503 + Retry-After, and calls are delayed.

Health, docs and admin are untouched.
"""

import subprocess
import sys
from types import SimpleNamespace

import httpx
import pytest

from tickets import middleware
from tickets.models import Ticket

UNTOUCHED_PATHS = ["/api/health/", "/api/schema/", "/api/docs/", "/admin/login/"]


@pytest.fixture
def ticket_calls(make_ticket, list_url, detail_url) -> list[tuple[str, str, str]]:
    ticket = make_ticket()
    body = '{"title": "t", "description": "d", "resolution_status": "RESOLVED"}'
    return [("GET", list_url, ""), ("POST", list_url, body), ("GET", detail_url(ticket.pk), ""),
            ("PUT", detail_url(ticket.pk), body), ("PATCH", detail_url(ticket.pk), body),
            ("DELETE", detail_url(ticket.pk), "")]


def test_at_rate_one_every_ticket_call_is_a_503_with_retry_after_and_changes_nothing(
        api_client, settings, ticket_calls, assert_detail_error):
    settings.TICKETS_CHAOS_FAILURE_RATE = 1.0
    before = list(Ticket.objects.values())

    for method, url, body in ticket_calls:
        response = api_client.generic(method, url, body, content_type="application/json")
        assert_detail_error(response, 503)
        assert response["Retry-After"].isdigit(), response["Retry-After"]

    assert list(Ticket.objects.values()) == before


@pytest.mark.parametrize("path", UNTOUCHED_PATHS)
def test_at_rate_one_health_docs_and_admin_are_untouched(api_client, settings, path):
    settings.TICKETS_CHAOS_FAILURE_RATE = 1.0

    assert api_client.get(path).status_code == 200


def test_at_rate_one_the_admin_changelist_is_untouched(admin_client, settings, make_ticket):
    settings.TICKETS_CHAOS_FAILURE_RATE = 1.0
    make_ticket()

    assert admin_client.get("/admin/tickets/ticket/").status_code == 200


def test_the_failure_rate_is_the_share_of_failed_calls(api_client, settings, list_url):
    settings.TICKETS_CHAOS_FAILURE_RATE = 0.3
    calls = 300

    statuses = [api_client.get(list_url).status_code for _ in range(calls)]

    assert set(statuses) == {200, 503}
    # Binomial(300, 0.3) has a standard deviation of 8 calls: 0.18..0.42 is over 4 of them each side.
    assert 0.18 <= statuses.count(503) / calls <= 0.42


@pytest.fixture
def chaos_sleeps(monkeypatch) -> list[float]:
    """Every delay the chaos middleware asks for, in seconds; none is actually slept."""
    sleeps: list[float] = []
    monkeypatch.setattr(middleware, "time", SimpleNamespace(sleep=sleeps.append))
    return sleeps


def test_calls_are_delayed_up_to_the_maximum(api_client, settings, list_url, chaos_sleeps):
    settings.TICKETS_CHAOS_MAX_DELAY_MS = 300

    for _ in range(10):
        assert api_client.get(list_url).status_code == 200

    assert len(chaos_sleeps) == 10  # one delay a call
    assert all(0 <= delay <= 0.3 for delay in chaos_sleeps), chaos_sleeps
    assert len(set(chaos_sleeps)) > 1  # drawn afresh for each call


def test_a_maximum_of_zero_means_no_delay_at_all(api_client, settings, list_url, chaos_sleeps):
    settings.TICKETS_CHAOS_MAX_DELAY_MS = 0

    for _ in range(10):
        assert api_client.get(list_url).status_code == 200

    assert chaos_sleeps == []


@pytest.mark.parametrize("path", UNTOUCHED_PATHS)
def test_health_docs_and_admin_are_not_delayed(api_client, settings, path, chaos_sleeps):
    settings.TICKETS_CHAOS_MAX_DELAY_MS = 2000

    for _ in range(5):
        assert api_client.get(path).status_code == 200

    assert chaos_sleeps == []


@pytest.mark.e2e
def test_a_real_server_has_chaos_off_by_default(ticket_api):
    from conftest import TICKET_SYSTEM_DIR  # noqa: PLC0415 (the root conftest)

    with httpx.Client(base_url=ticket_api.url) as client:
        statuses = [client.get("/api/tickets/").status_code for _ in range(40)]
    # The settings that server runs with, read by Django from the same environment.
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c",
         "from django.conf import settings; print(settings.TICKETS_CHAOS_FAILURE_RATE, settings.TICKETS_CHAOS_MAX_DELAY_MS)"],
        cwd=TICKET_SYSTEM_DIR, env=ticket_api.env, capture_output=True, text=True, check=True)

    assert set(statuses) == {200}
    assert shown.stdout.split() == ["0.0", "0"]  # no failures, no delay (each proven above)
