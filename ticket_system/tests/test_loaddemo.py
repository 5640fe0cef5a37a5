"""`manage.py loaddemo --count N`: N realistic tickets, with the search index and the status counts
in step, whether the table was empty or not."""

from __future__ import annotations

import io

from django.core.management import CommandError, call_command
from django.db.models import Count

import pytest

from tickets.demo import COMMON_WORDS, DEMO_ASSIGNEES
from tickets.models import StatusCount, Ticket


def counts_match_the_rows() -> bool:
    real = dict(Ticket.objects.values_list("resolution_status").annotate(n=Count("id")))
    kept = {count.status: count.tickets for count in StatusCount.objects.all() if count.tickets}
    return real == kept


def test_loaddemo_adds_tickets_that_search_and_counts_see(api_client, list_url, make_ticket):
    make_ticket(title="Existing printer ticket")

    call_command("loaddemo", "--count", "600", stdout=io.StringIO())

    assert Ticket.objects.count() == 601
    assert counts_match_the_rows()
    for word in COMMON_WORDS:
        plain = Ticket.objects.filter(description__icontains=word).count() + \
            Ticket.objects.filter(title__icontains=word).exclude(description__icontains=word).count()
        body = api_client.get(list_url, {"search": word}).json()
        assert body["count"] == plain and 150 <= plain <= 260, (word, plain)
    assert api_client.get(list_url).json()["count"] == 601


def test_loaddemo_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="--count"):
        call_command("loaddemo", "--count", "0")


def test_loaddemo_fills_priorities_assignees_and_tags(api_client, list_url):
    call_command("loaddemo", "--count", "600", stdout=io.StringIO())

    def count(**params) -> int:
        return api_client.get(list_url, params).json()["count"]

    assert all(count(priority=name) > 0 for name in ("LOW", "NORMAL", "HIGH", "URGENT"))
    assert count(priority="URGENT") < count(priority="NORMAL")
    assigned = {name: count(assignee=name) for name in DEMO_ASSIGNEES}
    assert all(assigned.values()) and 0 < count(assignee__isnull="true") < 600
    assert sum(assigned.values()) + count(assignee__isnull="true") == 600
    for word in COMMON_WORDS:  # every ticket is tagged with its area
        assert 150 <= count(tag=word) <= 260, word
    assert count(tag=COMMON_WORDS) == 0 and count(tag="floor-3") > 0
