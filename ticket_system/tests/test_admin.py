"""The Django admin for tickets: changelist, search, filters, read-only dates, bulk actions and the workflow."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.messages import constants, get_messages
from django.urls import reverse
from django.utils import timezone

from tickets.admin import TicketAdmin
from tickets.models import Ticket, TicketTag

CHANGELIST = "/admin/tickets/ticket/"


def change_url(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def listed_ids(response) -> set[int]:
    assert response.status_code == 200
    return {ticket.pk for ticket in response.context["cl"].result_list}


def filter_link(response, field_path: str, label: str) -> str:
    """The query string of one choice of the changelist filter on `field_path`, as the sidebar links it."""
    changelist = response.context["cl"]
    [spec] = [spec for spec in changelist.filter_specs if getattr(spec, "field_path", None) == field_path]
    [choice] = [choice for choice in spec.choices(changelist) if str(choice["display"]).lower() == label.lower()]
    return choice["query_string"]


def messages_of(response) -> dict[int, list[str]]:
    by_level: dict[int, list[str]] = {}
    for message in get_messages(response.wsgi_request):
        by_level.setdefault(message.level, []).append(str(message))
    return by_level


def mentioned_ids(text: str) -> set[int]:
    return {int(number) for number in re.findall(r"#(\d+)\b", text)}


def test_tickets_are_registered_with_ticket_admin():
    assert isinstance(admin.site._registry[Ticket], TicketAdmin)


def test_the_changelist_shows_the_contract_columns(admin_client, make_ticket):
    ticket = make_ticket(title="Projector flickers")

    response = admin_client.get(CHANGELIST)

    columns = [column for column in response.context["cl"].list_display if column != "action_checkbox"]
    assert columns == ["id", "title", "resolution_status", "priority", "assignee", "tag_list", "created", "updated"]
    assert listed_ids(response) == {ticket.pk}
    assert b"Projector flickers" in response.content


def test_search_looks_in_title_and_description(admin_client, make_ticket):
    in_title = make_ticket(title="Printer jammed", description="tray 2")
    in_description = make_ticket(title="Paper everywhere", description="The PRINTER ate it")
    make_ticket(title="VPN down", description="no tunnel")

    assert listed_ids(admin_client.get(CHANGELIST, {"q": "printer"})) == {in_title.pk, in_description.pk}


def test_the_status_filter_selects_one_status(admin_client, make_ticket):
    closed = make_ticket(resolution_status="CLOSED")
    make_ticket(resolution_status="OPEN")
    make_ticket(resolution_status="RESOLVED")
    link = filter_link(admin_client.get(CHANGELIST), "resolution_status", "Closed")

    assert listed_ids(admin_client.get(CHANGELIST + link)) == {closed.pk}


def test_the_created_date_filter_selects_recent_tickets(admin_client, make_ticket):
    recent = make_ticket()
    make_ticket(created=timezone.now() - timedelta(days=400))
    link = filter_link(admin_client.get(CHANGELIST), "created", "Past 7 days")

    assert listed_ids(admin_client.get(CHANGELIST + link)) == {recent.pk}


def test_created_and_updated_are_read_only_on_the_change_form(admin_client, make_ticket):
    ticket = make_ticket()

    response = admin_client.get(change_url(ticket))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"title", "description", "resolution_status", "priority",
                                                              "assignee", "tags"}
    readonly = set(TicketAdmin.readonly_fields)
    assert {"created", "updated"} <= readonly


def test_the_change_form_saves_an_allowed_transition(admin_client, make_ticket):
    ticket = make_ticket(resolution_status="OPEN")

    response = admin_client.post(change_url(ticket), {
        "title": "Edited in admin", "description": "d", "resolution_status": "RESOLVED", "priority": "2"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.title, ticket.resolution_status) == ("Edited in admin", "RESOLVED")


@pytest.mark.parametrize(("current", "new"), [("CLOSED", "OPEN"), ("CLOSED", "RESOLVED")])
def test_the_change_form_refuses_a_forbidden_transition(admin_client, make_ticket, row_state, current, new):
    ticket = make_ticket(resolution_status=current)
    before = row_state(ticket.pk)

    response = admin_client.post(change_url(ticket), {
        "title": "Edited in admin", "description": "d", "resolution_status": new, "priority": "2"})

    assert response.status_code == 200  # the form is shown again, with its error
    assert response.context["adminform"].form.errors
    assert row_state(ticket.pk) == before


def run_action(admin_client, action: str, tickets: list[Ticket]):
    return admin_client.post(CHANGELIST, {
        "action": action, "_selected_action": [ticket.pk for ticket in tickets], "index": "0", "select_across": "0",
    })


def statuses_of(tickets: list[Ticket]) -> list[str]:
    return [Ticket.objects.get(pk=ticket.pk).resolution_status for ticket in tickets]


def test_mark_resolved_moves_open_tickets_and_names_the_skipped_closed_ones(admin_client, make_ticket):
    open_ones = [make_ticket(resolution_status="OPEN") for _ in range(2)]
    closed = make_ticket(resolution_status="CLOSED")

    response = run_action(admin_client, "mark_resolved", [*open_ones, closed])

    assert response.status_code == 302
    assert statuses_of([*open_ones, closed]) == ["RESOLVED", "RESOLVED", "CLOSED"]
    messages = messages_of(response)
    [success] = messages[constants.SUCCESS]
    assert re.search(r"\b2\b", success) and "RESOLVED" in success
    [warning] = messages[constants.WARNING]
    assert mentioned_ids(warning) == {closed.pk}
    assert "CLOSED" in warning and "RESOLVED" in warning


def test_mark_resolved_without_skips_gives_no_warning(admin_client, make_ticket):
    open_ones = [make_ticket(resolution_status="OPEN") for _ in range(3)]

    response = run_action(admin_client, "mark_resolved", open_ones)

    assert statuses_of(open_ones) == ["RESOLVED"] * 3
    messages = messages_of(response)
    assert constants.WARNING not in messages
    [success] = messages[constants.SUCCESS]
    assert re.search(r"\b3\b", success)


def test_mark_resolved_skips_every_closed_ticket_by_id(admin_client, make_ticket):
    closed = [make_ticket(resolution_status="CLOSED") for _ in range(3)]
    opened = make_ticket(resolution_status="OPEN")

    response = run_action(admin_client, "mark_resolved", [*closed, opened])

    assert statuses_of([*closed, opened]) == ["CLOSED"] * 3 + ["RESOLVED"]
    [warning] = messages_of(response)[constants.WARNING]
    assert mentioned_ids(warning) == {ticket.pk for ticket in closed}


def test_mark_closed_closes_open_and_resolved_tickets(admin_client, make_ticket):
    tickets = [make_ticket(resolution_status="OPEN"), make_ticket(resolution_status="RESOLVED")]

    response = run_action(admin_client, "mark_closed", tickets)

    assert response.status_code == 302
    assert statuses_of(tickets) == ["CLOSED", "CLOSED"]
    messages = messages_of(response)
    assert constants.WARNING not in messages
    [success] = messages[constants.SUCCESS]
    assert re.search(r"\b2\b", success) and "CLOSED" in success


def test_mark_closed_does_not_skip_an_already_closed_ticket(admin_client, make_ticket):
    # CLOSED -> CLOSED is the same status, so allowed: nothing to warn about.
    tickets = [make_ticket(resolution_status="CLOSED"), make_ticket(resolution_status="OPEN")]

    response = run_action(admin_client, "mark_closed", tickets)

    assert statuses_of(tickets) == ["CLOSED", "CLOSED"]
    assert constants.WARNING not in messages_of(response)


def test_saving_the_change_form_without_changes_saves_nothing(admin_client, make_ticket, row_state):
    ticket = make_ticket(title="As it was", description="d", updated=timezone.now() - timedelta(days=3))
    before = row_state(ticket.pk)

    response = admin_client.post(change_url(ticket), {
        "title": "As it was", "description": "d", "resolution_status": "OPEN", "priority": "2"})

    assert response.status_code == 302
    assert row_state(ticket.pk) == before  # not even `updated` moves


def test_the_add_form_creates_a_ticket(admin_client):
    response = admin_client.post(reverse("admin:tickets_ticket_add"), {
        "title": "Added in admin", "description": "d", "resolution_status": "RESOLVED", "priority": "2"})

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.resolution_status) == ("Added in admin", "RESOLVED")
    assert ticket.updated == ticket.created
    [added] = messages_of(response)[constants.SUCCESS]
    assert f"#{ticket.pk} Added in admin" in added  # the admin names the ticket the service created


def test_the_delete_view_deletes_the_ticket(admin_client, make_ticket, row_state):
    ticket, other = make_ticket(), make_ticket()

    response = admin_client.post(reverse("admin:tickets_ticket_delete", args=[ticket.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert row_state(ticket.pk) is None and row_state(other.pk) is not None


def test_the_delete_selected_action_deletes_only_the_selected_tickets(admin_client, make_ticket, row_state):
    selected, kept = [make_ticket(), make_ticket()], make_ticket()

    response = admin_client.post(CHANGELIST, {
        "action": "delete_selected", "_selected_action": [ticket.pk for ticket in selected], "post": "yes"})

    assert response.status_code == 302
    assert [row_state(ticket.pk) for ticket in selected] == [None, None]
    assert row_state(kept.pk) is not None


@pytest.mark.parametrize("object_id", ["²", "١", "abc"])
def test_a_change_form_for_an_id_that_is_not_ascii_digits_says_it_does_not_exist(admin_client, make_ticket,
                                                                                 object_id):
    make_ticket()

    response = admin_client.get(f"{CHANGELIST}{object_id}/change/")

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


# Priority, assignee and tags (issue 11).

@pytest.fixture
def agent_user(django_user_model):
    return django_user_model.objects.create_user("agent-smith")


def test_the_change_form_saves_priority_assignee_and_tags_through_the_services(admin_client, make_ticket,
                                                                               agent_user, row_state):
    ticket = make_ticket()

    response = admin_client.post(change_url(ticket), {
        "title": ticket.title, "description": ticket.description, "resolution_status": "OPEN",
        "priority": "4", "assignee": str(agent_user.pk), "tags": "VPN, floor-3 vpn"})

    assert response.status_code == 302
    stored = row_state(ticket.pk)
    assert (stored["priority"], stored["assignee"], stored["tags"]) == (4, agent_user.pk, ["floor-3", "vpn"])
    assert admin_client.get(change_url(ticket)).context["adminform"].form.initial["tags"] == "floor-3, vpn"


def test_the_change_form_refuses_a_bad_tag_and_changes_nothing(admin_client, make_ticket, row_state):
    ticket = make_ticket()
    before = row_state(ticket.pk)

    response = admin_client.post(change_url(ticket), {
        "title": "Changed", "description": "d", "resolution_status": "OPEN", "priority": "2", "tags": "vpn no/slash"})

    assert response.status_code == 200
    assert "tags" in response.context["adminform"].form.errors
    assert row_state(ticket.pk) == before


def test_the_changelist_filters_by_priority_assignee_and_tag(admin_client, make_ticket, agent_user):
    urgent, assigned, tagged = make_ticket(), make_ticket(), make_ticket()
    Ticket.objects.filter(pk=urgent.pk).update(priority=4)
    Ticket.objects.filter(pk=assigned.pk).update(assignee=agent_user)
    TicketTag.objects.create(ticket=tagged, name="vpn")
    changelist = admin_client.get(CHANGELIST)

    assert listed_ids(admin_client.get(CHANGELIST + filter_link(changelist, "priority", "Urgent"))) == {urgent.pk}
    assert listed_ids(admin_client.get(CHANGELIST + filter_link(changelist, "assignee", "agent-smith"))) == {assigned.pk}
    assert listed_ids(admin_client.get(CHANGELIST, {"tag": "vpn"})) == {tagged.pk}
    assert b"vpn" in changelist.content and b"agent-smith" in changelist.content


def test_assign_to_me_assigns_the_selected_tickets_to_the_admin(admin_client, admin_user, make_ticket, row_state):
    selected, kept = [make_ticket(), make_ticket()], make_ticket()

    response = run_action(admin_client, "assign_to_me", selected)

    assert response.status_code == 302
    assert [row_state(ticket.pk)["assignee"] for ticket in [*selected, kept]] == [admin_user.pk, admin_user.pk, None]
    [success] = messages_of(response)[constants.SUCCESS]
    assert re.search(r"\b2\b", success) and admin_user.username in success
