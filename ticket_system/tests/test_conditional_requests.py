"""ETag on single-ticket responses; If-None-Match on GET; If-Match on PUT, PATCH and DELETE."""

import pytest

from tickets.models import Ticket

BODY = {"title": "VPN outage", "description": "Nobody can connect."}


@pytest.fixture
def ticket_and_etag(api_client, list_url):
    response = api_client.post(list_url, BODY, format="json")
    assert response.status_code == 201
    return response.data["id"], response["ETag"]


def test_created_ticket_has_the_etag_a_get_returns(api_client, detail_url, ticket_and_etag):
    ticket_id, etag = ticket_and_etag
    response = api_client.get(detail_url(ticket_id))
    assert response.status_code == 200 and response["ETag"] == etag
    assert etag.startswith('"') and etag.endswith('"')


def test_if_none_match_with_the_current_etag_is_304_without_body(api_client, detail_url, ticket_and_etag):
    ticket_id, etag = ticket_and_etag
    response = api_client.get(detail_url(ticket_id), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b"" and response["ETag"] == etag


def test_if_none_match_with_an_old_etag_returns_the_ticket(api_client, detail_url, ticket_and_etag):
    ticket_id, _ = ticket_and_etag
    response = api_client.get(detail_url(ticket_id), HTTP_IF_NONE_MATCH='"something-else"')
    assert response.status_code == 200 and response.data["title"] == "VPN outage"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_write_with_the_current_etag_succeeds_and_returns_the_new_one(api_client, detail_url, ticket_and_etag, method):
    ticket_id, etag = ticket_and_etag
    body = {**BODY, "title": "VPN outage, floor 3", "resolution_status": "OPEN"}
    response = getattr(api_client, method)(detail_url(ticket_id), body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response["ETag"] == api_client.get(detail_url(ticket_id))["ETag"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_write_with_a_stale_etag_is_412_and_changes_nothing(api_client, detail_url, ticket_and_etag, method):
    ticket_id, stale = ticket_and_etag
    assert api_client.patch(detail_url(ticket_id), {"title": "Changed by someone else"}, format="json").status_code == 200
    before = Ticket.objects.values().get(pk=ticket_id)
    body = {**BODY, "resolution_status": "CLOSED"}
    response = getattr(api_client, method)(detail_url(ticket_id), body, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert "changed since you read it" in response.json()["detail"]
    assert Ticket.objects.values().get(pk=ticket_id) == before


def test_delete_with_the_current_etag_or_a_star_succeeds(api_client, detail_url, list_url, ticket_and_etag):
    ticket_id, etag = ticket_and_etag
    assert api_client.delete(detail_url(ticket_id), HTTP_IF_MATCH=etag).status_code == 204
    other = api_client.post(list_url, BODY, format="json").data["id"]
    assert api_client.delete(detail_url(other), HTTP_IF_MATCH="*").status_code == 204
    assert not Ticket.objects.exists()


def test_a_no_op_update_keeps_the_etag(api_client, detail_url, ticket_and_etag):
    ticket_id, etag = ticket_and_etag
    response = api_client.patch(detail_url(ticket_id), {"resolution_status": "open"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] == etag


def test_if_match_on_a_missing_ticket_is_404(api_client, detail_url):
    response = api_client.patch(detail_url(999), {"title": "x"}, format="json", HTTP_IF_MATCH='"abc"')
    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket with id '999' was not found."}
