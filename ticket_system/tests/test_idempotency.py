"""Idempotency-Key on POST: a repeat returns the first 201 and creates nothing.

The same key with another body is a 422.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets.models import IdempotencyRecord, Ticket

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



def test_a_key_older_than_24_hours_is_forgotten(api_client, list_url):
    first = post(api_client, list_url, BODY, "key-1")
    IdempotencyRecord.objects.update(created=timezone.now() - timedelta(hours=24, seconds=1))

    again = post(api_client, list_url, BODY, "key-1")
    replayed = post(api_client, list_url, BODY, "key-1")

    assert first.status_code == again.status_code == replayed.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    assert replayed.json() == again.json()
    assert Ticket.objects.count() == 2


def test_a_key_just_under_24_hours_old_is_still_honoured(api_client, list_url):
    first = post(api_client, list_url, BODY, "key-1")
    IdempotencyRecord.objects.update(created=timezone.now() - timedelta(hours=23, minutes=59))

    assert post(api_client, list_url, BODY, "key-1").json() == first.json()
    assert post(api_client, list_url, {**BODY, "title": "Other"}, "key-1").status_code == 422
    assert Ticket.objects.count() == 1


def test_expired_keys_are_purged_when_new_keys_arrive(api_client, list_url):
    post(api_client, list_url, BODY, "old-key")
    IdempotencyRecord.objects.update(created=timezone.now() - timedelta(days=2))

    post(api_client, list_url, BODY, "new-key")

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new-key"]


def test_an_overlong_key_is_a_400_naming_the_header(api_client, list_url, assert_param_error):
    response = post(api_client, list_url, BODY, "k" * 256)

    assert_param_error(response, 400, "Idempotency-Key")
    assert not Ticket.objects.exists()
