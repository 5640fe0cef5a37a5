"""Priority, assignee and tags (issue 11) through the HTTP API: writes, reads, list filters,
ordering by rank, counts that stay exact, and the services' record of what changed."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from tickets import search, selectors, services
from tickets.models import Ticket
from tickets.serializers import TicketSerializer

LOW, NORMAL, HIGH, URGENT = "LOW", "NORMAL", "HIGH", "URGENT"


@pytest.fixture
def users(django_user_model):
    """Two active users and an inactive one."""
    make = django_user_model.objects.create_user
    return {"ana": make("ana"), "ben": make("ben"), "gone": make("gone", is_active=False)}


@pytest.fixture
def create(api_client, list_url):
    def post(**fields) -> dict:
        response = api_client.post(list_url, {"title": "VPN down", "description": "No tunnel.", **fields}, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    return post


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [ticket["id"] for ticket in response.json()["results"]]


def test_a_new_ticket_is_normal_unassigned_and_untagged(create, assert_ticket_json):
    body = create()

    assert (body["priority"], body["assignee"], body["tags"]) == (NORMAL, None, [])
    assert_ticket_json(body, Ticket.objects.get(pk=body["id"]))


def test_the_fields_are_taken_in_any_case_and_tags_are_trimmed_lowered_deduplicated_and_sorted(create, users,
                                                                                                assert_ticket_json):
    body = create(priority="uRgEnt", assignee="ana", tags=[" VPN ", "floor-3", "vpn", "a.b_c"])

    assert (body["priority"], body["assignee"], body["tags"]) == (URGENT, "ana", ["a.b_c", "floor-3", "vpn"])
    assert_ticket_json(body, Ticket.objects.get(pk=body["id"]))


def test_every_read_shows_the_fields(api_client, create, users, list_url, detail_url):
    body = create(priority="high", assignee="ben", tags=["printer"])

    assert api_client.get(detail_url(body["id"])).json() == body
    [listed] = api_client.get(list_url).json()["results"]
    assert listed == body


@pytest.mark.parametrize("value", ["SOON", "", "low!"])
def test_a_priority_that_does_not_exist_is_a_422_naming_the_allowed_ones(api_client, list_url, value):
    response = api_client.post(list_url, {"title": "t", "description": "d", "priority": value}, format="json")

    assert response.status_code == 422, response.content
    assert response.json() == {"priority": [f"'{value}' is not a ticket priority: use one of LOW, NORMAL, HIGH, URGENT."]}
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("value", [3, None, ["HIGH"], {"name": "HIGH"}, True])
def test_a_priority_that_is_no_string_is_a_400(api_client, list_url, assert_param_error, value):
    response = api_client.post(list_url, {"title": "t", "description": "d", "priority": value}, format="json")

    assert_param_error(response, 400, "priority")


@pytest.mark.parametrize("username", ["nobody", "gone", "ANA", "ana ", "", "a\x00", "x" * 151, 5, ["ana"]])
def test_an_unknown_or_inactive_assignee_is_a_400_naming_assignee(api_client, create, users, detail_url, row_state,
                                                                  assert_param_error, username):
    ticket = create(assignee="ana")
    before = row_state(ticket["id"])

    response = api_client.patch(detail_url(ticket["id"]), {"assignee": username, "title": "Changed"}, format="json")

    assert_param_error(response, 400, "assignee")
    assert row_state(ticket["id"]) == before


def test_null_unassigns(api_client, create, users, detail_url):
    ticket = create(assignee="ana")

    response = api_client.patch(detail_url(ticket["id"]), {"assignee": None}, format="json")

    assert response.status_code == 200 and response.json()["assignee"] is None


@pytest.mark.parametrize("value", [
    "vpn", None, {"vpn": True}, [1], ["vpn", None], [""], ["  "], ["no/slash"], ["has space"], ["x" * 33],
    ["ümlaut"], ["\u212a"], ["vpn\x00"], [f"t{n}" for n in range(21)],
])
def test_tags_that_break_the_rule_are_a_400_naming_tags(api_client, create, detail_url, row_state,
                                                        assert_param_error, value):
    ticket = create(tags=["kept"])
    before = row_state(ticket["id"])

    response = api_client.patch(detail_url(ticket["id"]), {"tags": value}, format="json")

    assert_param_error(response, 400, "tags")
    assert row_state(ticket["id"]) == before


def test_the_longest_tag_and_the_most_tags_are_accepted(create):
    names = [f"t{n:02}" for n in range(19)] + ["x" * 32]

    assert create(tags=names)["tags"] == sorted(names)


def test_a_put_that_does_not_name_the_new_fields_leaves_them(api_client, create, users, detail_url):
    ticket = create(priority="HIGH", assignee="ana", tags=["vpn"])

    response = api_client.put(detail_url(ticket["id"]), {"title": "New title", "description": "d",
                                                         "resolution_status": "OPEN"}, format="json")

    assert response.status_code == 200
    assert (response.json()["priority"], response.json()["assignee"], response.json()["tags"]) == (HIGH, "ana", ["vpn"])


def test_a_change_of_tags_alone_is_a_change_of_the_ticket(api_client, create, detail_url):
    ticket = create(tags=["vpn"])
    etag = api_client.get(detail_url(ticket["id"]))["ETag"]

    response = api_client.patch(detail_url(ticket["id"]), {"tags": ["vpn", "floor-3"]}, format="json",
                                HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["floor-3", "vpn"]
    assert response.json()["updated"] > ticket["updated"]
    assert response["ETag"] != etag
    stale = api_client.patch(detail_url(ticket["id"]), {"priority": "LOW"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412


def test_the_same_values_again_change_nothing(api_client, create, users, detail_url):
    ticket = create(priority="HIGH", assignee="ana", tags=["vpn", "floor-3"])

    response = api_client.patch(detail_url(ticket["id"]), {"priority": "high", "assignee": "ana",
                                                           "tags": ["FLOOR-3", "vpn", "vpn"]}, format="json")

    assert response.json() == ticket  # `updated` too


@pytest.fixture
def triaged(create, users) -> dict[str, int]:
    """Tickets with every priority, some assigned, some tagged; oldest first."""
    return {
        "low": create(priority="LOW", tags=["vpn"])["id"],
        "urgent": create(priority="URGENT", assignee="ben", tags=["vpn", "floor-3"])["id"],
        "normal": create(assignee="ana", tags=["floor-3"])["id"],
        "high": create(priority="HIGH", assignee="ana")["id"],
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({"priority": "urgent"}, ["urgent"]),
    ({"priority__in": "low,HIGH"}, ["high", "low"]),
    ({"assignee": "ana"}, ["high", "normal"]),
    ({"assignee": "nobody"}, []),
    ({"assignee__isnull": "true"}, ["low"]),
    ({"assignee__isnull": "False"}, ["high", "normal", "urgent"]),
    ({"tag": "vpn"}, ["urgent", "low"]),
    ({"tag": ["vpn", "FLOOR-3"]}, ["urgent"]),
    ({"tag": "floor-3", "assignee": "ana"}, ["normal"]),
    ({"tag": "none-such"}, []),
])
def test_list_filters(api_client, list_url, triaged, params, expected):
    response = api_client.get(list_url, params)

    assert ids(response) == [triaged[name] for name in expected]
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(("name", "value"), [
    ("priority", "soon"), ("priority__in", "HIGH,soon"), ("assignee__isnull", "maybe"), ("assignee__isnull", "1"),
    ("tag", "no/slash"), ("tag", "x" * 33), ("assignee", "a\x00"),
])
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api_client, list_url, triaged, assert_param_error, name,
                                                          value):
    assert_param_error(api_client.get(list_url, {name: value}), 400, name)


@pytest.mark.parametrize(("ordering", "expected"), [
    ("-priority", ["urgent", "high", "normal", "low"]),
    ("priority", ["low", "normal", "high", "urgent"]),
    ("assignee", ["normal", "high", "urgent", "low"]),  # ana (by id), ben, then the unassigned
    ("-assignee", ["urgent", "high", "normal", "low"]),  # ben, ana (by id, descending), then the unassigned
])
def test_ordering_by_priority_follows_the_rank_and_by_assignee_the_username(api_client, list_url, triaged, ordering,
                                                                            expected):
    assert ids(api_client.get(list_url, {"ordering": ordering})) == [triaged[name] for name in expected]


def test_counts_stay_exact_when_only_tags_change(api_client, list_url, detail_url, triaged):
    assert api_client.get(list_url, {"tag": "vpn"}).json()["count"] == 2

    api_client.patch(detail_url(triaged["high"]), {"tags": ["vpn"]}, format="json")
    assert api_client.get(list_url, {"tag": "vpn"}).json()["count"] == 3
    api_client.patch(detail_url(triaged["low"]), {"tags": []}, format="json")
    assert api_client.get(list_url, {"tag": "vpn"}).json()["count"] == 2


def test_counts_stay_exact_when_an_assignee_is_renamed(api_client, list_url, triaged, users):
    assert api_client.get(list_url, {"assignee": "ana"}).json()["count"] == 2

    users["ana"].username = "anna"
    users["ana"].save()

    assert api_client.get(list_url, {"assignee": "ana"}).json()["count"] == 0
    assert api_client.get(list_url, {"assignee": "anna"}).json()["count"] == 2


def test_the_services_return_old_and_new_values_as_the_api_shows_them(create, users):
    ticket = Ticket.objects.get(pk=create(tags=["vpn"])["id"])

    changes = services.update_ticket(ticket, {"priority": 4, "assignee": users["ana"], "tags": ["dns", "vpn"]})

    assert changes == {"priority": ("NORMAL", "URGENT"), "assignee": (None, "ana"), "tags": (["vpn"], ["dns", "vpn"])}
    assert services.update_ticket(ticket, {"assignee": None}) == {"assignee": ("ana", None)}


def test_the_fast_read_shows_tags_and_assignee_as_drf_would(create, users):
    ticket_id = create(priority="LOW", assignee="ben", tags=["b", "a-1", "a.1", "a_1"])["id"]
    fast = selectors.ticket(ticket_id)
    generic = selectors.tickets().get(pk=ticket_id)
    serializer = TicketSerializer(fast)

    assert serializer.data == serializers.ModelSerializer.to_representation(TicketSerializer(generic), generic)
    assert serializer.data["tags"] == sorted(["b", "a-1", "a.1", "a_1"])


@pytest.mark.parametrize("many_matches", [0, 5_000], ids=["tested-in-order", "fetched-by-tag"])
def test_a_tag_finds_the_same_tickets_whichever_way_it_is_looked_up(api_client, list_url, triaged, monkeypatch,
                                                                   many_matches):
    monkeypatch.setattr(search, "MANY_MATCHES", many_matches)  # selectors.with_tag's choice of query

    assert ids(api_client.get(list_url, {"tag": "vpn"})) == [triaged["urgent"], triaged["low"]]
    assert ids(api_client.get(list_url, {"tag": ["vpn", "floor-3"], "ordering": "priority"})) == [triaged["urgent"]]
