"""The status workflow: OPEN -> RESOLVED|CLOSED, RESOLVED -> OPEN|CLOSED, CLOSED is final, same status is a no-op.

Checked in `tickets.workflow` itself and through PATCH and PUT for the whole 3x3 matrix.
"""

import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import httpx
import pytest

from tickets import workflow
from tickets.models import Status, Ticket

STATUSES = ["OPEN", "RESOLVED", "CLOSED"]
ALLOWED_MOVES = {("OPEN", "RESOLVED"), ("OPEN", "CLOSED"), ("RESOLVED", "OPEN"), ("RESOLVED", "CLOSED")}
MATRIX = list(itertools.product(STATUSES, STATUSES))


def allowed(current: str, new: str) -> bool:
    return current == new or (current, new) in ALLOWED_MOVES


def test_status_choices_are_exactly_the_three_statuses():
    assert [Status.OPEN, Status.RESOLVED, Status.CLOSED] == STATUSES
    assert sorted(Status.values) == sorted(STATUSES)


def test_allowed_transitions_table():
    assert workflow.ALLOWED_TRANSITIONS == {
        "OPEN": frozenset({"RESOLVED", "CLOSED"}),
        "RESOLVED": frozenset({"OPEN", "CLOSED"}),
        "CLOSED": frozenset(),
    }
    assert all(isinstance(targets, frozenset) for targets in workflow.ALLOWED_TRANSITIONS.values())


@pytest.mark.parametrize(("current", "new"), MATRIX)
def test_is_allowed(current, new):
    assert workflow.is_allowed(current, new) is allowed(current, new)


@pytest.mark.parametrize(("current", "new"), [pair for pair in MATRIX if allowed(*pair)])
def test_ensure_allowed_accepts_allowed_moves(current, new):
    assert workflow.ensure_allowed(current, new) is None


@pytest.mark.parametrize(("current", "new"), [pair for pair in MATRIX if not allowed(*pair)])
def test_ensure_allowed_refuses_forbidden_moves_naming_both_statuses(current, new):
    with pytest.raises(workflow.TransitionNotAllowed) as raised:
        workflow.ensure_allowed(current, new)

    assert isinstance(raised.value, ValueError)
    assert current in str(raised.value) and new in str(raised.value)


def assert_forbidden_response(response, current: str, new: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"resolution_status"}
    [message] = body["resolution_status"]
    assert current in message and new in message


@pytest.mark.parametrize(("current", "new"), MATRIX)
def test_patch_applies_the_workflow(api_client, make_ticket, detail_url, row_state, current, new):
    ticket = make_ticket(resolution_status=current)
    before = row_state(ticket.pk)

    response = api_client.patch(detail_url(ticket.pk), {"resolution_status": new.lower()}, format="json")

    if allowed(current, new):
        assert response.status_code == 200, response.content
        assert response.json()["resolution_status"] == new
        assert row_state(ticket.pk)["resolution_status"] == new
    else:
        assert_forbidden_response(response, current, new)
        assert row_state(ticket.pk) == before


@pytest.mark.parametrize(("current", "new"), MATRIX)
def test_put_applies_the_workflow_and_a_refused_put_changes_nothing(api_client, make_ticket, detail_url, row_state,
                                                                    current, new):
    ticket = make_ticket(title="Before", description="Before", resolution_status=current)
    before = row_state(ticket.pk)

    response = api_client.put(detail_url(ticket.pk),
                              {"title": "After", "description": "After", "resolution_status": new}, format="json")

    if allowed(current, new):
        assert response.status_code == 200, response.content
        after = row_state(ticket.pk)
        assert (after["title"], after["description"], after["resolution_status"]) == ("After", "After", new)
    else:
        assert_forbidden_response(response, current, new)
        assert row_state(ticket.pk) == before


@pytest.mark.parametrize("status", STATUSES)
def test_setting_the_status_a_ticket_already_has_is_a_no_op(api_client, make_ticket, detail_url, row_state, status):
    ticket = make_ticket(resolution_status=status, updated=datetime(2020, 1, 1, tzinfo=timezone.utc))
    before = row_state(ticket.pk)

    response = api_client.patch(detail_url(ticket.pk), {"resolution_status": status.lower()}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["resolution_status"] == status
    assert row_state(ticket.pk) == before  # not even `updated` moves


def test_a_closed_ticket_can_still_be_edited_without_changing_its_status(api_client, make_ticket, detail_url):
    ticket = make_ticket(resolution_status="CLOSED")

    response = api_client.patch(detail_url(ticket.pk), {"title": "Typo fixed"}, format="json")

    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert (ticket.title, ticket.resolution_status) == ("Typo fixed", "CLOSED")


def test_a_reopened_ticket_can_be_resolved_again(api_client, make_ticket, detail_url):
    ticket = make_ticket()

    statuses = [api_client.patch(detail_url(ticket.pk), {"resolution_status": status}, format="json").json()
                ["resolution_status"] for status in ("RESOLVED", "OPEN", "RESOLVED", "CLOSED")]

    assert statuses == ["RESOLVED", "OPEN", "RESOLVED", "CLOSED"]


@pytest.mark.parametrize("value", ["DONE", "", "opened", "résolu"])
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_an_unsupported_status_is_a_422_naming_the_three_statuses(api_client, list_url, make_ticket, detail_url,
                                                                  row_state, method, value):
    ticket = make_ticket()
    before = row_state(ticket.pk)
    url = list_url if method == "post" else detail_url(ticket.pk)

    response = getattr(api_client, method)(url, {"title": "t", "description": "d", "resolution_status": value},
                                           format="json")

    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"resolution_status"}
    [message] = body["resolution_status"]
    assert all(status in message for status in STATUSES)
    assert row_state(ticket.pk) == before
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_status_error_with_other_field_errors_is_a_400_listing_all(api_client, list_url, make_ticket, detail_url,
                                                                     row_state, assert_param_error, method):
    ticket = make_ticket()
    before = row_state(ticket.pk)
    url = list_url if method == "post" else detail_url(ticket.pk)

    response = getattr(api_client, method)(url, {"title": "   ", "description": "d", "resolution_status": "DONE"},
                                           format="json")

    assert_param_error(response, 400, "title", "resolution_status")
    assert row_state(ticket.pk) == before
    assert Ticket.objects.count() == 1


def test_a_status_error_with_an_unexpected_field_is_a_400_listing_both(api_client, list_url, assert_param_error):
    response = api_client.post(list_url, {"title": "t", "description": "d", "resolution_status": "DONE", "foo": 1},
                               format="json")

    assert_param_error(response, 400, "foo", "resolution_status")
    assert not Ticket.objects.exists()


def test_a_forbidden_move_with_other_field_errors_is_a_400_listing_all(api_client, make_ticket, detail_url,
                                                                       row_state, assert_param_error):
    ticket = make_ticket(resolution_status="CLOSED")
    before = row_state(ticket.pk)

    response = api_client.patch(detail_url(ticket.pk), {"title": "", "resolution_status": "OPEN"}, format="json")

    assert_param_error(response, 400, "title", "resolution_status")
    assert row_state(ticket.pk) == before


@pytest.mark.e2e
def test_closed_stays_final_under_concurrent_changes_on_a_real_server(ticket_api):
    # Round after round, one OPEN and one CLOSED race on a RESOLVED ticket. Either order is fine
    # (OPEN then CLOSED, or CLOSED then a refused OPEN) but the ticket must end CLOSED: ending
    # OPEN means the OPEN was checked against a stale status and overwrote the CLOSED.
    tickets = f"{ticket_api.url}/api/tickets/"
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(40):
            ticket = client.post(tickets, json={"title": "t", "description": "d", "resolution_status": "RESOLVED"})
            url = f"{tickets}{ticket.json()['id']}/"
            results = list(pool.map(lambda new: (new, client.patch(url, json={"resolution_status": new}).status_code),
                                    ["OPEN", "CLOSED"]))
            assert ("CLOSED", 200) in results and {code for _, code in results} <= {200, 422}, results
            assert client.get(url).json()["resolution_status"] == "CLOSED", results
