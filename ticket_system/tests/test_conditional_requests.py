"""ETag on single-ticket responses; If-None-Match on GET; If-Match on PUT, PATCH and DELETE, as
RFC 9110 compares them (strong for If-Match, weak for If-None-Match, `*`, lists); the dates too."""

import pytest
from django.utils.http import http_date

from tickets import etags
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


def weak(etag: str) -> str:
    return f"W/{etag}"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_weak_if_match_never_matches_and_writes_nothing(api_client, detail_url, ticket_and_etag, row_state, method):
    # RFC 9110: If-Match uses the strong comparison, so W/"x" does not match even the current "x".
    ticket_id, etag = ticket_and_etag
    before = row_state(ticket_id)

    response = getattr(api_client, method)(detail_url(ticket_id), {**BODY, "resolution_status": "CLOSED"},
                                           format="json", HTTP_IF_MATCH=weak(etag))

    assert response.status_code == 412, response.content
    assert "changed since you read it" in response.json()["detail"]
    assert row_state(ticket_id) == before


@pytest.mark.parametrize("header", ["*", '"other", {etag}', '{etag}, "other"', 'W/"other",{etag}'])
def test_if_match_with_a_star_or_a_list_holding_the_current_etag_writes(api_client, detail_url, ticket_and_etag,
                                                                        header):
    ticket_id, etag = ticket_and_etag

    response = api_client.patch(detail_url(ticket_id), {"title": "Edited"}, format="json",
                                HTTP_IF_MATCH=header.format(etag=etag))

    assert response.status_code == 200, response.content
    assert api_client.get(detail_url(ticket_id)).json()["title"] == "Edited"


@pytest.mark.parametrize("header", ['"other", "another"', '"other", {weak}'])
def test_if_match_with_a_list_without_the_current_strong_etag_is_412(api_client, detail_url, ticket_and_etag,
                                                                     row_state, header):
    ticket_id, etag = ticket_and_etag
    before = row_state(ticket_id)

    response = api_client.patch(detail_url(ticket_id), {"title": "Edited"}, format="json",
                                HTTP_IF_MATCH=header.format(weak=weak(etag)))

    assert response.status_code == 412
    assert set(response.json()) == {"detail"}
    assert row_state(ticket_id) == before


@pytest.mark.parametrize("header", ["{weak}", "*", '"other", {etag}', '"other", {weak}'])
def test_if_none_match_compares_weakly_takes_a_star_and_lists(api_client, detail_url, ticket_and_etag, header):
    ticket_id, etag = ticket_and_etag

    response = api_client.get(detail_url(ticket_id), HTTP_IF_NONE_MATCH=header.format(etag=etag, weak=weak(etag)))

    assert response.status_code == 304 and response.content == b"" and response["ETag"] == etag


def test_if_none_match_with_a_list_of_other_etags_returns_the_ticket(api_client, detail_url, ticket_and_etag):
    ticket_id, etag = ticket_and_etag

    response = api_client.get(detail_url(ticket_id), HTTP_IF_NONE_MATCH='"a", W/"b"')

    assert response.status_code == 200 and response["ETag"] == etag
    assert response.json()["id"] == ticket_id


def test_a_get_with_a_stale_if_match_is_412_in_json(api_client, detail_url, ticket_and_etag):
    ticket_id, _ = ticket_and_etag

    response = api_client.get(detail_url(ticket_id), HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert "changed since you read it" in response.json()["detail"]


def test_a_put_with_if_none_match_star_on_an_existing_ticket_is_412(api_client, detail_url, ticket_and_etag,
                                                                    row_state):
    # "Only if it does not exist yet": the ticket exists, so nothing is written.
    ticket_id, _ = ticket_and_etag
    before = row_state(ticket_id)

    response = api_client.put(detail_url(ticket_id), {**BODY, "title": "Replaced", "resolution_status": "OPEN"},
                              format="json", HTTP_IF_NONE_MATCH="*")

    assert response.status_code == 412
    assert "If-None-Match" in response.json()["detail"]
    assert row_state(ticket_id) == before


def test_if_unmodified_since_compares_with_the_tickets_updated_time(api_client, detail_url, ticket_and_etag,
                                                                    row_state):
    ticket_id, _ = ticket_and_etag
    before = row_state(ticket_id)
    updated = int(before["updated"].timestamp())

    refused = api_client.patch(detail_url(ticket_id), {"title": "Edited"}, format="json",
                               HTTP_IF_UNMODIFIED_SINCE=http_date(updated - 60))
    assert refused.status_code == 412 and row_state(ticket_id) == before

    accepted = api_client.patch(detail_url(ticket_id), {"title": "Edited"}, format="json",
                                HTTP_IF_UNMODIFIED_SINCE=http_date(updated + 60))
    assert accepted.status_code == 200 and accepted.json()["title"] == "Edited"


@pytest.fixture
def etags_computed(monkeypatch) -> list[dict]:
    """The representations whose ETag the API computes, in order."""
    computed: list[dict] = []
    real = etags.etag_for

    def counting(representation: dict) -> str:
        computed.append(representation)
        return real(representation)

    monkeypatch.setattr(etags, "etag_for", counting)
    return computed


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_write_without_a_precondition_computes_one_etag(api_client, detail_url, ticket_and_etag, etags_computed,
                                                          method):
    ticket_id, _ = ticket_and_etag

    response = getattr(api_client, method)(detail_url(ticket_id), {**BODY, "resolution_status": "RESOLVED"},
                                           format="json")

    assert response.status_code == 200
    assert [body["resolution_status"] for body in etags_computed] == ["RESOLVED"]  # the written ticket's only


def test_a_write_with_if_match_computes_the_stored_and_the_written_etag_once_each(api_client, detail_url,
                                                                                  ticket_and_etag, etags_computed):
    ticket_id, etag = ticket_and_etag

    response = api_client.patch(detail_url(ticket_id), {"resolution_status": "CLOSED"}, format="json",
                                HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert [body["resolution_status"] for body in etags_computed] == ["OPEN", "CLOSED"]
