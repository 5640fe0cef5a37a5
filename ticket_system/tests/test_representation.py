"""A ticket's JSON: TicketSerializer writes it directly (for speed); it must equal what DRF's
field-by-field representation of the same serializer would give, for every kind of timestamp."""

from datetime import datetime, timedelta, timezone

import pytest
from rest_framework import serializers

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
