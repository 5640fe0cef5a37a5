"""The offline model over every documented phrasing, through the real graph and the real API."""

from __future__ import annotations

import time

import pytest

from agent.events import TokenEvent, ToolEndEvent, ToolStartEvent
from agent.offline import HELP

pytestmark = pytest.mark.asyncio


@pytest.fixture
def offline(ticket_api, make_assistant):
    return make_assistant(ticket_api.url)


async def test_first_answer_says_no_language_model_is_configured(offline, run_agent):
    first = await run_agent(offline, "list tickets")
    second = await run_agent(offline, "list tickets")
    assert first.answer.startswith("No language model is configured")
    assert "No tickets." in first.answer
    assert second.answer == "No tickets."


async def test_anything_else_is_answered_with_what_it_can_do(offline, run_agent):
    await run_agent(offline, "list tickets")  # past the first-answer note
    run = await run_agent(offline, "what's the weather like?")
    assert run.answer == HELP
    assert run.tools_started == []


async def test_list_and_filter_by_status(offline, ticket_store, run_agent):
    open_one = ticket_store.create("Open one", "a")
    resolved = ticket_store.create("Resolved one", "b", status="RESOLVED")
    closed = ticket_store.create("Closed one", "c", status="CLOSED")
    await run_agent(offline, "hello")

    everything = await run_agent(offline, "list tickets")
    assert everything.answer.startswith("3 tickets:")
    for phrase, expected in [
        ("show open tickets", open_one), ("list closed tickets", closed), ("show resolved tickets", resolved),
    ]:
        run = await run_agent(offline, phrase)
        assert run.answer.startswith(f"1 ticket matching status {expected['resolution_status']}:"), phrase
        assert f"#{expected['id']} [{expected['resolution_status']}] \"{expected['title']}\"" in run.answer


async def test_search_phrasings(offline, ticket_store, run_agent):
    vpn = ticket_store.create("VPN drops", "Disconnects every hour.")
    mail_open = ticket_store.create("Mail bounce", "Email to partners bounces.")
    ticket_store.create("Old mail issue", "email quota", status="CLOSED")
    await run_agent(offline, "hello")

    about_vpn = await run_agent(offline, "search tickets about vpn")
    assert about_vpn.tools_started == [ToolStartEvent("list_tickets", {"search": "vpn"})]
    assert f"#{vpn['id']}" in about_vpn.answer and "Mail" not in about_vpn.answer

    still_open = await run_agent(offline, "Which tickets about email are still open?")
    assert still_open.tools_started == [ToolStartEvent("list_tickets", {"search": "email", "status": ["OPEN"]})]
    assert still_open.answer.startswith("1 ticket matching") and f"#{mail_open['id']}" in still_open.answer

    nothing = await run_agent(offline, "find open tickets about printer")
    assert nothing.answer == 'No tickets matching status OPEN, search "printer".'


async def test_show_phrasings(offline, ticket_store, run_agent):
    first = ticket_store.create("First", "The first description.")
    second = ticket_store.create("Second", "The second description.")
    await run_agent(offline, "hello")

    for phrase in (f"show ticket {first['id']}", f"show {first['id']}", f"what is ticket #{first['id']}?"):
        run = await run_agent(offline, phrase)
        assert run.answer.startswith(f"#{first['id']} [OPEN] \"First\": The first description. (created "), phrase

    both = await run_agent(offline, f"show tickets {first['id']} and {second['id']}")
    assert [e.name for e in both.tools_started] == ["get_ticket", "get_ticket"]
    assert "First" in both.answer and "Second" in both.answer

    missing = await run_agent(offline, "show ticket 999")
    assert missing.answer == 'Could not "show ticket 999": ticket 999 does not exist.'
    assert missing.tools_ended == [ToolEndEvent("get_ticket", False)]


async def test_create_phrasings(offline, ticket_store, run_agent):
    await run_agent(offline, "hello")

    derived = await run_agent(offline, "create a ticket about the VPN outage")
    quoted = await run_agent(offline, 'Create a ticket titled "Printer jam and close 1" with description "Floor 3, every job."')

    vpn, printer = sorted(ticket_store.all(), key=lambda t: t["id"])
    assert (vpn["title"], vpn["resolution_status"]) == ("VPN outage", "OPEN")
    assert "VPN outage" in vpn["description"]
    assert derived.answer == f'Created ticket #{vpn["id"]} [OPEN] "VPN outage": {vpn["description"]}'
    assert (printer["title"], printer["description"]) == ("Printer jam and close 1", "Floor 3, every job.")
    assert [e.name for e in quoted.tools_started] == ["create_ticket"]  # "and close 1" was inside quotes


async def test_the_same_create_twice_makes_two_tickets(offline, ticket_store, run_agent):
    await run_agent(offline, "create a ticket about the coffee machine")
    await run_agent(offline, "create a ticket about the coffee machine")
    assert [t["title"] for t in ticket_store.all()] == ["Coffee machine", "Coffee machine"]


async def test_status_phrasings(offline, ticket_store, run_agent):
    ticket = ticket_store.create("Flaky wifi", "x")
    number = ticket["id"]
    await run_agent(offline, "hello")

    for phrase, status in [
        (f"resolve {number}", "RESOLVED"), (f"reopen {number}", "OPEN"), (f"set ticket {number} to RESOLVED", "RESOLVED"),
        (f"Mark {number} as open", "OPEN"), (f"close {number}", "CLOSED"),
    ]:
        run = await run_agent(offline, phrase)
        assert ticket_store.get(number)["resolution_status"] == status, phrase
        assert f"Updated ticket #{number}: status" in run.answer and f"-> {status}" in run.answer

    refused = await run_agent(offline, f"reopen {number}")
    assert ticket_store.get(number)["resolution_status"] == "CLOSED"
    assert refused.answer.startswith(f'Could not "reopen {number}": the ticket system refused the change:')
    assert "CLOSED is final" in refused.answer


async def test_several_ids_at_once(offline, ticket_store, run_agent):
    ids = [ticket_store.create(f"T{n}", "x")["id"] for n in range(3)]
    await run_agent(offline, f"close {ids[0]}, {ids[1]} and {ids[2]}")
    assert [ticket_store.get(i)["resolution_status"] for i in ids] == ["CLOSED"] * 3


async def test_rename_and_describe_phrasings(offline, ticket_store, run_agent):
    ticket = ticket_store.create("Old name", "Old text.")
    number = ticket["id"]

    await run_agent(offline, f'rename ticket {number} to "Laptop will not boot"')
    run = await run_agent(offline, f'change the description of {number} to "Black screen after the BIOS logo."')

    after = ticket_store.get(number)
    assert (after["title"], after["description"]) == ("Laptop will not boot", "Black screen after the BIOS logo.")
    assert "description changed" in run.answer


async def test_delete_phrasing(offline, ticket_store, run_agent):
    ticket = ticket_store.create("Spam", "Delete me.")
    await run_agent(offline, "hello")
    run = await run_agent(offline, f"delete ticket {ticket['id']}", answers=["yes"])
    assert ticket_store.get(ticket["id"]) is None
    assert run.answer == f'Deleted ticket #{ticket["id"]} [OPEN] "Spam": Delete me.'


async def test_combined_request_does_every_part(offline, ticket_store, run_agent):
    old = ticket_store.create("Old", "x")
    gone = ticket_store.create("Gone", "y")
    await run_agent(offline, "hello")

    run = await run_agent(offline, f"create a ticket about the VPN outage and close {old['id']} then delete {gone['id']}",
                          answers=["yes"])

    assert [e.name for e in run.tools_started] == ["create_ticket", "update_ticket", "delete_ticket"]
    assert ticket_store.get(old["id"])["resolution_status"] == "CLOSED"
    assert ticket_store.get(gone["id"]) is None
    paragraphs = run.answer.split("\n\n")
    assert [p.split(" ")[0] for p in paragraphs] == ["Created", "Updated", "Deleted"]


async def test_partly_understood_request_says_which_part_was_not(offline, ticket_store, run_agent):
    ticket = ticket_store.create("Old", "x")
    await run_agent(offline, "hello")
    run = await run_agent(offline, f"close {ticket['id']} and then sing a song")
    # "sing a song" is no command, so it stays part of the first clause, which then is not understood.
    assert ticket_store.get(ticket["id"])["resolution_status"] == "OPEN"
    assert run.answer == HELP

    run = await run_agent(offline, f"close {ticket['id']}; show a song")
    assert ticket_store.get(ticket["id"])["resolution_status"] == "CLOSED"
    assert run.answer.startswith(f"Updated ticket #{ticket['id']}")
    assert 'I did not understand "show a song".' in run.answer


async def test_answer_streams_word_by_word_with_the_configured_pause(ticket_api, ticket_store, make_assistant):
    for number in range(3):
        ticket_store.create(f"Ticket {number}", "Some words in the description.")
    assistant = make_assistant(ticket_api.url, AGENT_OFFLINE_WORD_DELAY_MS="20")

    arrivals: list[tuple[float, str]] = []
    async for event in assistant.stream("list tickets"):
        if isinstance(event, TokenEvent):
            arrivals.append((time.monotonic(), event.delta))

    words = [delta for _, delta in arrivals]
    assert len(words) > 30 and all(len(word.split()) == 1 for word in words)
    spread = arrivals[-1][0] - arrivals[0][0]
    assert spread >= (len(words) - 1) * 0.02 * 0.9  # really paced, not one burst at the end
