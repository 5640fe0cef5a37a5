"""?search=: every word must appear, case-insensitively, as a substring of the title or the description."""

import pytest


@pytest.fixture
def tickets(make_ticket) -> dict[str, int]:
    rows = {
        "jammed": ("Printer jammed", "Paper stuck in tray 2"),
        "offline": ("Printer offline", "Network cable unplugged"),
        "vpn": ("VPN down", "Cannot reach the PRINTER server either"),
        "percent": ("Disk 100% full", "Clean up a big log"),
        "underscore": ("Disk 1000 full", "A_B path"),
    }
    return {name: make_ticket(title=title, description=description).pk
            for name, (title, description) in rows.items()}


def found(api_client, list_url, tickets: dict[str, int], search: str) -> set[str]:
    response = api_client.get(list_url, {"search": search})
    assert response.status_code == 200, response.content
    by_id = {ticket_id: name for name, ticket_id in tickets.items()}
    return {by_id[ticket["id"]] for ticket in response.json()["results"]}


@pytest.mark.parametrize(("search", "expected"), [
    ("printer", {"jammed", "offline", "vpn"}),
    ("PRINT", {"jammed", "offline", "vpn"}),
    ("printer paper", {"jammed"}),
    ("paper printer", {"jammed"}),
    ("printer network", {"offline"}),
    ("vpn printer", {"vpn"}),
    ("  printer    TRAY  ", {"jammed"}),
    ("printer nowhere", set()),
    ("100%", {"percent"}),
    ("a_b", {"underscore"}),
    ("disk full", {"percent", "underscore"}),
])
def test_search_matches_tickets_containing_every_word(api_client, list_url, tickets, search, expected):
    assert found(api_client, list_url, tickets, search) == expected


def test_an_empty_search_filters_nothing(api_client, list_url, tickets):
    assert found(api_client, list_url, tickets, "") == set(tickets)


def test_search_combines_with_filters(api_client, list_url, tickets, make_ticket):
    closed = make_ticket(title="Printer recycled", description="gone", resolution_status="CLOSED")

    response = api_client.get(list_url, {"search": "printer", "resolution_status": "CLOSED"})

    assert [ticket["id"] for ticket in response.json()["results"]] == [closed.pk]


def test_a_repeated_word_counts_once(api_client, list_url, tickets):
    assert found(api_client, list_url, tickets, " ".join(["printer"] * 500)) == found(api_client, list_url, tickets, "printer")


def test_too_many_different_words_are_a_400_naming_search(api_client, list_url, tickets, assert_param_error):
    # Each word is a condition of the query; SQLite refuses about a thousand of them with a 500.
    words = " ".join(f"w{number}" for number in range(33))
    assert_param_error(api_client.get(list_url, {"search": words}), 400, "search")
    assert api_client.get(list_url, {"search": words.rsplit(" ", 1)[0]}).status_code == 200
