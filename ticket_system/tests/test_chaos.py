"""Chaos mode: a share of /api/tickets/ calls fail with 503 + Retry-After, and calls are delayed.

Health, docs and admin are untouched.
"""

import time

import httpx
import pytest

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


def test_calls_are_delayed_up_to_the_maximum(api_client, settings, list_url):
    settings.TICKETS_CHAOS_MAX_DELAY_MS = 300
    durations = []
    for _ in range(10):
        started = time.monotonic()
        assert api_client.get(list_url).status_code == 200
        durations.append(time.monotonic() - started)

    assert max(durations) < 0.3 + 1.0  # the bound, plus slack for a busy shared test machine
    assert sum(durations) > 0.3  # ten uniform delays up to 300 ms average 1.5 s in all


@pytest.mark.parametrize("path", UNTOUCHED_PATHS)
def test_health_docs_and_admin_are_not_delayed(api_client, settings, path):
    settings.TICKETS_CHAOS_MAX_DELAY_MS = 2000
    started = time.monotonic()

    for _ in range(5):
        assert api_client.get(path).status_code == 200

    assert time.monotonic() - started < 1.5  # five delays up to 2 s would take 5 s on average


@pytest.mark.e2e
def test_a_real_server_has_chaos_off_by_default(ticket_api):
    with httpx.Client(base_url=ticket_api.url) as client:
        started = time.monotonic()
        statuses = [client.get("/api/tickets/").status_code for _ in range(40)]
        elapsed = time.monotonic() - started

    assert set(statuses) == {200}
    assert elapsed < 10
