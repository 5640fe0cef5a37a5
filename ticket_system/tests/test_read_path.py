"""The lean read path (bench/README.md) gives exactly what Django's and DRF's generic code give:
`selectors.ticket` the same ticket as `selectors.tickets().get(pk=...)`, and TicketSerializer, which
writes the JSON directly, what DRF's field-by-field representation of it would, for every kind of
timestamp. And a filter added to the selectors' base queryset reaches every read and write."""

from datetime import datetime, timedelta, timezone

import pytest
from rest_framework import serializers

from tickets import selectors
from tickets.models import Ticket
from tickets.serializers import TicketSerializer

MOMENTS = [
    datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc),  # no microseconds: isoformat omits them
    datetime(2026, 11, 30, 8, 0, 0, 123456, tzinfo=timezone.utc),
    datetime(1, 1, 1, tzinfo=timezone.utc),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
    datetime(2026, 6, 1, 23, 30, 5, 7, tzinfo=timezone(timedelta(hours=-5))),  # saved from another zone
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_direct_representation_equals_drf_field_by_field(make_ticket, moment):
    ticket = make_ticket(title="Ünïcode \"quoted\"", description="line\nbreak", created=moment,
                         updated=datetime(2027, 1, 2, 3, 4, 5, tzinfo=timezone.utc), resolution_status="RESOLVED")
    ticket.refresh_from_db()
    serializer = TicketSerializer(ticket)

    generic = serializers.ModelSerializer.to_representation(serializer, ticket)

    assert serializer.data == generic
    assert serializer.data["created"].endswith("Z")


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_the_fast_read_gives_the_ticket_django_reads(make_ticket, moment):
    ticket = make_ticket(title="Ünïcode", description="line\nbreak", created=moment, resolution_status="CLOSED")

    fast, generic = selectors.ticket(ticket.pk), selectors.tickets().get(pk=ticket.pk)

    fields = [field.attname for field in Ticket._meta.concrete_fields]
    assert [getattr(fast, name) for name in fields] == [getattr(generic, name) for name in fields]
    assert fast.created.tzinfo is not None and not fast._state.adding and fast._state.db == generic._state.db


def test_the_fast_read_of_a_missing_ticket_is_none(make_ticket):
    assert selectors.ticket(make_ticket().pk + 1) is None


@pytest.fixture
def hide_tickets_titled_hidden(monkeypatch):
    """The selectors' base queryset with one filter added, as a soft delete would add one."""
    monkeypatch.setattr(selectors, "tickets", lambda: Ticket.objects.exclude(title="Hidden"))
    selectors.statement.cache_clear()  # compiled once per process: compile it again with the filter
    yield
    monkeypatch.undo()
    selectors.statement.cache_clear()


def test_a_filter_added_to_the_base_queryset_applies_to_every_read_and_write(
        hide_tickets_titled_hidden, api_client, make_ticket, list_url, detail_url, row_state):
    hidden, shown = make_ticket(title="Hidden"), make_ticket(title="Shown")
    before = row_state(hidden.pk)

    assert selectors.ticket(hidden.pk) is None
    assert selectors.ticket(shown.pk) == shown
    assert api_client.get(detail_url(hidden.pk)).status_code == 404
    assert api_client.get(detail_url(shown.pk)).status_code == 200
    assert [ticket["id"] for ticket in api_client.get(list_url).json()["results"]] == [shown.pk]
    assert api_client.patch(detail_url(hidden.pk), {"title": "Found"}, format="json").status_code == 404
    assert api_client.delete(detail_url(hidden.pk)).status_code == 404
    assert row_state(hidden.pk) == before


def test_the_admin_reads_through_the_base_queryset_too(hide_tickets_titled_hidden, admin_client, make_ticket):
    hidden, shown = make_ticket(title="Hidden"), make_ticket(title="Shown")

    changelist = admin_client.get("/admin/tickets/ticket/")

    assert [ticket.pk for ticket in changelist.context["cl"].result_list] == [shown.pk]
    assert admin_client.get(f"/admin/tickets/ticket/{hidden.pk}/change/").status_code == 302  # "does not exist"
    assert admin_client.get(f"/admin/tickets/ticket/{shown.pk}/change/").status_code == 200
