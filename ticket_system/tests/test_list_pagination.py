"""GET /api/tickets/: the page envelope, 20 a page, ?page= and ?page_size=, default order newest first."""

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import pytest

from tickets.models import Ticket

START = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def forty_five_ids() -> list[int]:
    """45 tickets with distinct `created` values; their ids in the default order (newest first)."""
    tickets = Ticket.objects.bulk_create(
        Ticket(title=f"ticket {number}", description="d") for number in range(45))
    for number, ticket in enumerate(tickets):
        Ticket.objects.filter(pk=ticket.pk).update(created=START + timedelta(minutes=number))
    return [ticket.pk for ticket in reversed(tickets)]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def ids_of(response) -> list[int]:
    return [ticket["id"] for ticket in response.json()["results"]]


def test_an_empty_list_is_one_empty_page(api_client, list_url):
    response = api_client.get(list_url)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_first_page_holds_20_newest_tickets_and_links_to_the_next(api_client, list_url, forty_five_ids):
    response = api_client.get(list_url)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 45
    assert ids_of(response) == forty_five_ids[:20]
    assert body["previous"] is None
    assert query_of(body["next"])["page"] == ["2"]


def test_the_last_page_holds_the_rest_and_links_back(api_client, list_url, forty_five_ids):
    response = api_client.get(list_url, {"page": 3})

    body = response.json()
    assert response.status_code == 200
    assert ids_of(response) == forty_five_ids[40:]
    assert body["next"] is None
    assert query_of(body["previous"]).get("page", ["1"]) == ["2"]


def test_following_next_links_visits_every_ticket_once_in_order(api_client, list_url, forty_five_ids):
    seen: list[int] = []
    url = f"{list_url}?page_size=7"
    while url:
        response = api_client.get(url)
        assert response.status_code == 200
        assert len(response.json()["results"]) <= 7
        seen += ids_of(response)
        url = response.json()["next"]

    assert seen == forty_five_ids


@pytest.mark.parametrize(("page_size", "expected"), [(1, 1), (20, 20), (44, 44), (200, 45)])
def test_page_size_chooses_how_many_tickets_a_page_holds(api_client, list_url, forty_five_ids, page_size, expected):
    response = api_client.get(list_url, {"page_size": page_size})

    assert response.status_code == 200
    assert ids_of(response) == forty_five_ids[:expected]
    assert response.json()["count"] == 45


def test_next_link_keeps_page_size_and_filters(api_client, list_url, forty_five_ids):
    response = api_client.get(list_url, {"page_size": 5, "title__icontains": "ticket"})

    query = query_of(response.json()["next"])
    assert query["page_size"] == ["5"]
    assert query["title__icontains"] == ["ticket"]
    assert query["page"] == ["2"]


def test_results_are_full_tickets(api_client, list_url, make_ticket, assert_ticket_json):
    ticket = make_ticket(title="Only one", resolution_status="CLOSED")

    [result] = api_client.get(list_url).json()["results"]

    assert_ticket_json(result, ticket)


def test_default_order_is_newest_first_then_highest_id(api_client, list_url, make_ticket):
    same_moment = START
    older = make_ticket(created=same_moment - timedelta(days=1))
    tie_low = make_ticket(created=same_moment)
    tie_high = make_ticket(created=same_moment)
    newest = make_ticket(created=same_moment + timedelta(seconds=1))

    response = api_client.get(list_url)

    assert ids_of(response) == [newest.pk, tie_high.pk, tie_low.pk, older.pk]


@pytest.mark.parametrize("page_size", ["0", "201", "-1", "abc", "1.5", "²", "٣", "５", "+5", "9" * 5000])
def test_a_page_size_outside_1_to_200_is_a_400_naming_it(api_client, list_url, make_ticket, assert_param_error,
                                                          page_size):
    make_ticket()

    response = api_client.get(list_url, {"page_size": page_size})

    assert_param_error(response, 400, "page_size")


@pytest.mark.parametrize("page", [4, 1000, 2**63, 430871353482374742016, "9" * 5000])
def test_a_page_past_the_end_is_a_404(api_client, list_url, forty_five_ids, assert_detail_error, page):
    response = api_client.get(list_url, {"page": page})

    assert_detail_error(response, 404)


def test_page_last_is_the_last_page(api_client, list_url, forty_five_ids):
    response = api_client.get(list_url, {"page": "last"})

    assert response.status_code == 200, response.content
    assert ids_of(response) == forty_five_ids[40:]


def test_page_two_of_an_empty_list_is_a_404(api_client, list_url, assert_detail_error):
    assert_detail_error(api_client.get(list_url, {"page": 2}), 404)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "²", "٣", "①", "１", "+1", "0" * 30])
def test_a_page_that_is_not_a_positive_number_is_a_400_naming_it(api_client, list_url, make_ticket,
                                                                 assert_param_error, page):
    make_ticket()

    assert_param_error(api_client.get(list_url, {"page": page}), 400, "page")
