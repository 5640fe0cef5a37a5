"""The lean read path (bench/README.md) gives exactly what Django's and DRF's generic code give:
`Ticket.objects.by_id` the same ticket as `get(pk=...)`, and TicketSerializer, which writes the JSON
directly, what DRF's field-by-field representation of it would, for every kind of timestamp."""

from datetime import datetime, timedelta, timezone

import pytest
from rest_framework import serializers

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
def test_by_id_reads_the_ticket_django_reads(make_ticket, moment):
    ticket = make_ticket(title="Ünïcode", description="line\nbreak", created=moment, resolution_status="CLOSED")

    fast, generic = Ticket.objects.by_id(ticket.pk), Ticket.objects.get(pk=ticket.pk)

    fields = [field.attname for field in Ticket._meta.concrete_fields]
    assert [getattr(fast, name) for name in fields] == [getattr(generic, name) for name in fields]
    assert fast.created.tzinfo is not None and not fast._state.adding


def test_by_id_of_a_missing_ticket_is_none(make_ticket):
    assert Ticket.objects.by_id(make_ticket().pk + 1) is None
