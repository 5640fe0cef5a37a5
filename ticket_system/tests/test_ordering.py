"""?ordering= created, title, id, updated, resolution_status, each also descending; anything else is a 400."""

from datetime import datetime, timezone

import pytest

FIELDS = ["created", "title", "id", "updated", "resolution_status"]


def day(number: int) -> datetime:
    return datetime(2024, 5, number, tzinfo=timezone.utc)


@pytest.fixture
def tickets(make_ticket) -> list[dict]:
    """Four tickets whose created, updated, title and id orders all differ. Titles are lower-case
    ASCII with distinct first letters so every database collation sorts them alike."""
    rows = [("delta", 1, 3, "RESOLVED"), ("alpha", 2, 1, "CLOSED"), ("charlie", 3, 4, "OPEN"), ("bravo", 4, 2, "OPEN")]
    made = [make_ticket(title=title, resolution_status=status, created=day(created), updated=day(updated))
            for title, created, updated, status in rows]
    return [{"id": t.pk, "title": t.title, "created": t.created, "updated": t.updated,
             "resolution_status": t.resolution_status} for t in made]


def listed(api_client, list_url, ordering: str) -> list[dict]:
    response = api_client.get(list_url, {"ordering": ordering})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("field", ["created", "title", "id", "updated"])
@pytest.mark.parametrize("descending", [False, True])
def test_ordering_by_a_unique_field_sorts_by_it(api_client, list_url, tickets, field, descending):
    expected = [ticket["id"] for ticket in sorted(tickets, key=lambda ticket: ticket[field], reverse=descending)]

    results = listed(api_client, list_url, f"-{field}" if descending else field)

    assert [ticket["id"] for ticket in results] == expected


@pytest.mark.parametrize(("ordering", "expected"), [
    ("resolution_status", ["CLOSED", "OPEN", "OPEN", "RESOLVED"]),
    ("-resolution_status", ["RESOLVED", "OPEN", "OPEN", "CLOSED"]),
])
def test_ordering_by_status_sorts_by_its_name(api_client, list_url, tickets, ordering, expected):
    assert [ticket["resolution_status"] for ticket in listed(api_client, list_url, ordering)] == expected


@pytest.mark.parametrize("ordering", ["bogus", "-bogus", "description", "title,bogus", "--title", "pk"])
def test_an_unknown_ordering_field_is_a_400_naming_ordering(api_client, list_url, tickets, assert_param_error,
                                                            ordering):
    assert_param_error(api_client.get(list_url, {"ordering": ordering}), 400, "ordering")
