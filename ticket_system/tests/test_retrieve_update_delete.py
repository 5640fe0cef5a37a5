"""GET, PUT, PATCH and DELETE of one ticket: 200 with the ticket, 204 on delete, and what is stored."""

from datetime import datetime, timezone

import httpx
import pytest

from tickets.models import Ticket

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def test_get_returns_the_ticket(api_client, make_ticket, detail_url, assert_ticket_json):
    ticket = make_ticket(title="Mail bounce", description="All mail to sales@ bounces.", resolution_status="RESOLVED")

    response = api_client.get(detail_url(ticket.pk))

    assert response.status_code == 200
    assert_ticket_json(response.json(), ticket)


def test_put_replaces_every_writable_field(api_client, make_ticket, detail_url, assert_ticket_json):
    ticket = make_ticket(created=LONG_AGO, updated=LONG_AGO)

    response = api_client.put(detail_url(ticket.pk), {
        "title": "New title", "description": "New description", "resolution_status": "resolved",
    }, format="json")

    assert response.status_code == 200, response.content
    assert_ticket_json(response.json(), ticket)
    assert (ticket.title, ticket.description, ticket.resolution_status) == (
        "New title", "New description", "RESOLVED")
    assert ticket.created == LONG_AGO
    assert ticket.updated > LONG_AGO


def test_put_ignores_read_only_fields(api_client, make_ticket, detail_url):
    ticket = make_ticket(created=LONG_AGO)

    response = api_client.put(detail_url(ticket.pk), {
        "title": "t", "description": "d", "resolution_status": "OPEN",
        "id": ticket.pk + 100, "created": "2030-01-01T00:00:00Z", "updated": "2030-01-01T00:00:00Z",
    }, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == ticket.pk
    ticket.refresh_from_db()
    assert ticket.created == LONG_AGO
    assert ticket.updated.year < 2030
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(("change", "stored"), [
    ({"title": "Only the title"}, {"title": "Only the title"}),
    ({"description": "Only the description"}, {"description": "Only the description"}),
    ({"resolution_status": "closed"}, {"resolution_status": "CLOSED"}),
])
def test_patch_changes_only_the_fields_sent(api_client, make_ticket, detail_url, row_state, assert_ticket_json,
                                            change, stored):
    ticket = make_ticket(updated=LONG_AGO)
    before = row_state(ticket.pk)

    response = api_client.patch(detail_url(ticket.pk), change, format="json")

    assert response.status_code == 200, response.content
    assert_ticket_json(response.json(), ticket)
    after = row_state(ticket.pk)
    assert after == {**before, **stored, "updated": after["updated"]}
    assert after["updated"] > LONG_AGO


def test_patch_ignores_read_only_fields(api_client, make_ticket, detail_url):
    ticket = make_ticket(created=LONG_AGO)

    response = api_client.patch(detail_url(ticket.pk), {"id": 999, "created": "2030-01-01T00:00:00Z"}, format="json")

    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert response.json()["id"] == ticket.pk
    assert ticket.created == LONG_AGO


def test_delete_returns_204_and_removes_the_ticket(api_client, make_ticket, detail_url):
    ticket = make_ticket()
    other = make_ticket()

    response = api_client.delete(detail_url(ticket.pk))

    assert response.status_code == 204
    assert response.content == b""
    assert list(Ticket.objects.values_list("pk", flat=True)) == [other.pk]
    assert api_client.get(detail_url(ticket.pk)).status_code == 404


def test_a_deleted_ticket_cannot_be_deleted_twice(api_client, make_ticket, detail_url):
    ticket = make_ticket()
    api_client.delete(detail_url(ticket.pk))

    assert api_client.delete(detail_url(ticket.pk)).status_code == 404


def test_options_on_a_ticket_answers_outside_a_transaction(live_api):
    # DRF's OPTIONS metadata calls get_object as if for a PUT; under a real server (no test
    # transaction around the request) locking the row there failed with a 500 on PostgreSQL.
    created = httpx.post(f"{live_api.url}/api/tickets/", json={"title": "Mail", "description": "Bounces."})
    response = httpx.options(f"{live_api.url}/api/tickets/{created.json()['id']}/")

    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert httpx.get(f"{live_api.url}/api/tickets/{created.json()['id']}/").json() == created.json()
