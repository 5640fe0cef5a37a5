"""tickets.services: the one home of ticket writes (the API and the admin call it; see test_admin.py
and test_workflow.py for the same rules through their entry points)."""

from datetime import datetime, timezone

import pytest
from django.db import transaction

from tickets import services, workflow
from tickets.models import Ticket

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def test_create_stores_an_open_ticket_whose_updated_is_its_created():
    ticket = services.create_ticket(title="Printer", description="Jammed")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.title, stored.description, stored.resolution_status) == ("Printer", "Jammed", "OPEN")
    assert stored.updated == stored.created


def test_update_saves_and_returns_each_change_with_its_old_and_new_value(make_ticket, row_state):
    ticket = make_ticket(title="Old", resolution_status="OPEN", updated=LONG_AGO)

    changes = services.update_ticket(ticket, {"title": "New", "description": ticket.description,
                                              "resolution_status": "RESOLVED"})

    assert changes == {"title": ("Old", "New"), "resolution_status": ("OPEN", "RESOLVED")}
    stored = row_state(ticket.pk)
    assert (stored["title"], stored["resolution_status"]) == ("New", "RESOLVED")
    assert stored["updated"] > LONG_AGO


def test_an_update_that_changes_nothing_saves_nothing(make_ticket, row_state, django_assert_num_queries):
    ticket = make_ticket(title="Same", resolution_status="CLOSED", updated=LONG_AGO)
    before = row_state(ticket.pk)

    with django_assert_num_queries(0):
        changes = services.update_ticket(ticket, {"title": "Same", "resolution_status": "CLOSED"})

    assert changes == {}
    assert row_state(ticket.pk) == before


def test_a_move_the_workflow_forbids_raises_and_saves_nothing(make_ticket, row_state):
    ticket = make_ticket(resolution_status="CLOSED")
    before = row_state(ticket.pk)

    with pytest.raises(workflow.TransitionNotAllowed):
        services.update_ticket(ticket, {"title": "Changed too", "resolution_status": "OPEN"})

    assert row_state(ticket.pk) == before


def test_a_caught_refusal_leaves_the_callers_transaction_usable(make_ticket, row_state):
    # The admin's bulk actions go on after a refused ticket, in the same transaction.
    closed, opened = make_ticket(resolution_status="CLOSED"), make_ticket(resolution_status="OPEN")

    with transaction.atomic():
        with pytest.raises(workflow.TransitionNotAllowed):
            services.update_ticket(closed, {"resolution_status": "RESOLVED"})
        services.update_ticket(opened, {"resolution_status": "RESOLVED"})

    assert [row_state(ticket.pk)["resolution_status"] for ticket in (closed, opened)] == ["CLOSED", "RESOLVED"]


def test_delete_removes_the_ticket(make_ticket, row_state):
    ticket, other = make_ticket(), make_ticket()

    services.delete_ticket(ticket)

    assert row_state(ticket.pk) is None and row_state(other.pk) is not None
