"""POST /api/tickets/: 201 with the ticket and a Location header; defaults, normalisation, read-only fields."""

from datetime import datetime, timedelta, timezone

import pytest

from tickets.models import Ticket


def test_create_returns_201_the_stored_ticket_and_its_location(api_client, list_url, detail_url, assert_ticket_json):
    response = api_client.post(list_url, {"title": "VPN down", "description": "Cannot connect since 9am."},
                               format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get()
    assert_ticket_json(body, ticket)
    assert (ticket.title, ticket.description) == ("VPN down", "Cannot connect since 9am.")
    assert response["Location"].endswith(detail_url(ticket.pk))
    assert api_client.get(response["Location"]).json() == body


def test_status_defaults_to_open(api_client, list_url):
    response = api_client.post(list_url, {"title": "t", "description": "d"}, format="json")

    assert response.status_code == 201
    assert response.json()["resolution_status"] == "OPEN"
    assert Ticket.objects.get().resolution_status == "OPEN"


@pytest.mark.parametrize(("sent", "stored"), [
    ("OPEN", "OPEN"), ("open", "OPEN"), ("Resolved", "RESOLVED"), ("resolved", "RESOLVED"),
    ("CLOSED", "CLOSED"), ("cLoSeD", "CLOSED"),
])
def test_status_is_accepted_in_any_case_and_returned_upper_case(api_client, list_url, sent, stored):
    response = api_client.post(list_url, {"title": "t", "description": "d", "resolution_status": sent}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["resolution_status"] == stored
    assert Ticket.objects.get().resolution_status == stored


def test_timestamps_are_utc_iso_8601_ending_in_z_and_set_by_the_server(api_client, list_url):
    before = datetime.now(timezone.utc)
    body = api_client.post(list_url, {"title": "t", "description": "d"}, format="json").json()
    after = datetime.now(timezone.utc)

    for name in ("created", "updated"):
        assert body[name].endswith("Z")
        moment = datetime.fromisoformat(body[name])
        assert moment.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= moment <= after + timedelta(seconds=1)


def test_read_only_fields_sent_in_the_body_are_ignored(api_client, list_url):
    response = api_client.post(list_url, {
        "title": "t", "description": "d",
        "id": 4242, "created": "2001-01-01T00:00:00Z", "updated": "2001-01-01T00:00:00Z",
    }, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["id"] == ticket.pk != 4242
    assert ticket.created.year > 2001 and ticket.updated.year > 2001
    assert not body["created"].startswith("2001") and not body["updated"].startswith("2001")


def test_title_is_trimmed_and_may_be_255_characters_as_sent(api_client, list_url):
    title = "x" * 251
    response = api_client.post(list_url, {"title": f"  {title}\n ", "description": "d"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["title"] == title
    assert Ticket.objects.get().title == title


def test_a_title_over_255_characters_as_sent_is_a_400_even_if_trimming_would_shorten_it(api_client, list_url):
    # The OpenAPI document's maxLength counts the text as sent; the API must refuse what it refuses.
    response = api_client.post(list_url, {"title": f"  {'x' * 255}", "description": "d"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["Ensure this field has no more than 255 characters."]}
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("title", ["a", "Ünïcødé ✓ 票"])
def test_short_and_unicode_titles_are_kept_verbatim(api_client, list_url, title):
    response = api_client.post(list_url, {"title": title, "description": "d"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["title"] == title
    assert Ticket.objects.get().title == title


def test_description_may_be_20000_characters(api_client, list_url):
    description = "é" * 20_000
    response = api_client.post(list_url, {"title": "t", "description": description}, format="json")

    assert response.status_code == 201, response.content
    assert Ticket.objects.get().description == description


def test_each_post_creates_one_new_ticket(api_client, list_url):
    first = api_client.post(list_url, {"title": "a", "description": "d"}, format="json").json()
    second = api_client.post(list_url, {"title": "a", "description": "d"}, format="json").json()

    assert first["id"] != second["id"]
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/json;charset=UTF-8"])
def test_json_with_a_charset_parameter_is_json(api_client, list_url, content_type):
    response = api_client.generic("POST", list_url, '{"title": "t", "description": "d"}', content_type=content_type)

    assert response.status_code == 201, response.content
    assert Ticket.objects.count() == 1
