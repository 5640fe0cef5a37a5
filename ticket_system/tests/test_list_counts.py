"""A list's `count` is exact after every kind of write, even though counts are computed once per
state of the tickets table and reused (tickets/counts.py): a repeated list costs no COUNT."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

LISTS = [
    {"search": "printer"},
    {"search": "printer jam"},
    {"title__icontains": "printer"},
    {"search": "printer", "resolution_status": "OPEN"},
    {"created__gte": "2000-01-01"},
    {"id__in": "1,2,3,4,5,6,7,8,9,10"},
]


def count(api_client, list_url, params: dict) -> int:
    response = api_client.get(list_url, params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


@pytest.mark.parametrize("params", LISTS)
def test_counts_follow_every_write(api_client, list_url, detail_url, make_ticket, params):
    for _ in range(3):
        make_ticket(title="Printer jam", description="Paper stuck.")
    make_ticket(title="VPN down", description="No printer involved? It is: printer on floor 2.")
    before = count(api_client, list_url, params)

    created = api_client.post(list_url, {"title": "Printer jam again", "description": "x"}, format="json").json()
    after_post = count(api_client, list_url, params)
    api_client.patch(detail_url(created["id"]), {"title": "Scanner jam"}, format="json")
    after_patch = count(api_client, list_url, params)
    api_client.patch(detail_url(created["id"]), {"title": "Printer jam", "resolution_status": "CLOSED"},
                     format="json")
    after_close = count(api_client, list_url, params)
    api_client.delete(detail_url(created["id"]))
    after_delete = count(api_client, list_url, params)

    matches_new = {  # does the new ticket belong to this list, as it was after each write?
        "post": "id__in" not in params or created["id"] <= 10,
        "patch": "search" not in params and "title__icontains" not in params and (
            "id__in" not in params or created["id"] <= 10),
        "close": "resolution_status" not in params and ("id__in" not in params or created["id"] <= 10),
    }
    assert after_post == before + matches_new["post"]
    assert after_patch == before + matches_new["patch"]
    assert after_close == before + matches_new["close"]
    assert after_delete == before


def test_a_repeated_search_does_not_count_again(api_client, list_url, make_ticket):
    for _ in range(3):
        make_ticket(title="Printer jam", description="Paper stuck.")
    assert count(api_client, list_url, {"search": "printer ja"}) == 3

    with CaptureQueriesContext(connection) as queries:
        assert count(api_client, list_url, {"search": "printer ja"}) == 3

    assert not [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]


def test_lists_that_differ_only_in_a_value_are_counted_apart(api_client, list_url, make_ticket):
    """Counts are kept per list (its narrowing query parameters); paging and order share one."""
    tickets = [make_ticket(title=f"Printer {n}", description="Jammed.") for n in range(3)]
    first, second = tickets[0].id, tickets[1].id

    assert count(api_client, list_url, {"id__in": f"{first}"}) == 1
    assert count(api_client, list_url, {"id__in": f"{first},{second}"}) == 2
    assert count(api_client, list_url, {"title__icontains": "printer 1"}) == 1
    assert count(api_client, list_url, {"title__icontains": "printer"}) == 3
    assert count(api_client, list_url, {"search": "printer 2"}) == 1
    assert count(api_client, list_url, {"search": "printer", "ordering": "title", "page_size": 1}) == 3
