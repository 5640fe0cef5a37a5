"""Idempotency-Key on POST: a repeat returns the first 201 and creates nothing.

The same key with another body is a 422.
"""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tickets.models import Ticket

BODY = {"title": "Laptop broken", "description": "Screen cracked."}


def post(api_client, list_url, body: dict, key: str | None):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return api_client.post(list_url, body, format="json", **headers)


def test_a_repeated_post_returns_the_first_response_and_creates_nothing(api_client, list_url):
    first = post(api_client, list_url, BODY, "key-1")
    repeat = post(api_client, list_url, BODY, "key-1")

    assert first.status_code == repeat.status_code == 201
    assert repeat.json() == first.json()
    assert repeat["Location"] == first["Location"]
    assert list(Ticket.objects.values_list("pk", flat=True)) == [first.json()["id"]]


def test_a_repeat_returns_the_first_response_even_after_the_ticket_changed(api_client, list_url, detail_url):
    first = post(api_client, list_url, BODY, "key-1")
    api_client.patch(detail_url(first.json()["id"]), {"title": "Changed since"}, format="json")

    repeat = post(api_client, list_url, BODY, "key-1")

    assert repeat.status_code == 201
    assert repeat.json() == first.json()
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("other", [
    {**BODY, "title": "Another title"},
    {**BODY, "resolution_status": "CLOSED"},
    {"title": "x", "description": "y"},
])
def test_the_same_key_with_another_body_is_a_422_and_creates_nothing(api_client, list_url, other):
    first = post(api_client, list_url, BODY, "key-1")

    response = post(api_client, list_url, other, "key-1")

    assert response.status_code == 422, response.content
    assert isinstance(response.json(), dict) and response.json()
    assert list(Ticket.objects.values_list("pk", flat=True)) == [first.json()["id"]]
    assert Ticket.objects.get().title == BODY["title"]


def test_different_keys_create_different_tickets(api_client, list_url):
    first = post(api_client, list_url, BODY, "key-1")
    second = post(api_client, list_url, BODY, "key-2")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert Ticket.objects.count() == 2


def test_without_a_key_every_post_creates_a_ticket(api_client, list_url):
    ids = {post(api_client, list_url, BODY, None).json()["id"] for _ in range(3)}

    assert len(ids) == 3
    assert Ticket.objects.count() == 3



@pytest.mark.e2e
def test_concurrent_repeats_on_a_real_server_create_one_ticket(ticket_api):
    # A client that times out and retries can have both requests in flight at once.
    def send(_: int) -> httpx.Response:
        return httpx.post(f"{ticket_api.url}/api/tickets/", json=BODY, headers={"Idempotency-Key": "race"},
                          timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(8)))

    assert [response.status_code for response in responses] == [201] * 8, [r.text for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    assert httpx.get(f"{ticket_api.url}/api/tickets/").json()["count"] == 1
