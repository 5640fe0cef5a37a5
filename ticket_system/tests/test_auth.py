"""Bearer-token auth: off by default; with TICKETS_API_TOKEN every /api/tickets/ call needs it.

Health, schema and docs stay open.
"""

import httpx
import pytest

from tickets.models import Ticket

TOKEN = "s3cret-token"


@pytest.fixture
def token(settings) -> str:
    settings.TICKETS_API_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def calls(make_ticket, list_url, detail_url) -> list[tuple[str, str, str, int]]:
    """Every ticket endpoint: (method, url, JSON body, status when authorised)."""
    ticket = make_ticket()
    body = '{"title": "t", "description": "d", "resolution_status": "OPEN"}'
    return [
        ("GET", list_url, "", 200),
        ("POST", list_url, body, 201),
        ("GET", detail_url(ticket.pk), "", 200),
        ("PUT", detail_url(ticket.pk), body, 200),
        ("PATCH", detail_url(ticket.pk), '{"title": "patched"}', 200),
        ("DELETE", detail_url(ticket.pk), "", 204),
        ("GET", detail_url(ticket.pk + 1000), "", 404),
    ]


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Bearer wrong", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}",
    f"Token {TOKEN}", f"Basic {TOKEN}", TOKEN, f"Bearer  {TOKEN} extra",
])
def test_without_the_right_token_every_ticket_call_is_a_401(api_client, token, calls,
                                                            assert_detail_error, authorization):
    before = list(Ticket.objects.values())
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}

    for method, url, body, _ in calls:
        response = api_client.generic(method, url, body, content_type="application/json", **headers)
        assert_detail_error(response, 401)

    assert list(Ticket.objects.values()) == before


def test_with_the_right_token_every_ticket_call_works(api_client, token, calls):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    statuses = [api_client.generic(method, url, body, content_type="application/json").status_code
                for method, url, body, _ in calls]

    assert statuses == [expected for *_, expected in calls]


def test_the_token_is_read_at_request_time(api_client, settings, list_url):
    settings.TICKETS_API_TOKEN = "first"
    assert api_client.get(list_url, HTTP_AUTHORIZATION="Bearer first").status_code == 200

    settings.TICKETS_API_TOKEN = "second"
    assert api_client.get(list_url, HTTP_AUTHORIZATION="Bearer first").status_code == 401
    assert api_client.get(list_url, HTTP_AUTHORIZATION="Bearer second").status_code == 200


@pytest.mark.parametrize("path", ["/api/health/", "/api/schema/", "/api/docs/"])
def test_health_and_docs_stay_open(api_client, token, path):
    assert api_client.get(path).status_code == 200


def test_admin_login_page_does_not_ask_for_the_token(api_client, token):
    assert api_client.get("/admin/login/").status_code == 200


@pytest.mark.e2e
def test_a_real_server_needs_no_token_by_default(ticket_api):
    tickets = f"{ticket_api.url}/api/tickets/"

    created = httpx.post(tickets, json={"title": "t", "description": "d"})
    listed = httpx.get(tickets)

    assert created.status_code == 201, created.text
    assert listed.status_code == 200
    assert [ticket["id"] for ticket in listed.json()["results"]] == [created.json()["id"]]
