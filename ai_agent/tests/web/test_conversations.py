"""Threads over /chat: follow-ups remember the conversation, across restarts and across processes."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e  # starts the ticket API (and other processes)


def tickets(ticket_api) -> list[dict]:
    return httpx.get(ticket_api.url + "/api/tickets/", timeout=10).json()["results"]


def turn(chat, url: str, message: str, thread_id: str | None = None):
    """One message of a thread, read to the end; returns the result and the thread id from `end`."""
    params = {"message": message, **({"thread_id": thread_id} if thread_id else {})}
    result = chat(url, params=params)
    assert result.status == 200, result.text
    assert result.events[-1] == "end", result.text
    return result, result.named("end")[0].data["thread_id"]


def test_follow_ups_in_a_thread_act_on_the_ticket_the_conversation_touched(agent, ticket_api, chat):
    other = httpx.post(ticket_api.url + "/api/tickets/", json={"title": "Printer jam", "description": "Floor 3"},
                       timeout=10).json()
    _, thread = turn(chat, agent.url, "create a ticket about the VPN outage")
    [created] = [t for t in tickets(ticket_api) if t["id"] != other["id"]]

    result, same = turn(chat, agent.url, "close it", thread)
    assert same == thread
    assert [f.data for f in result.named("tool")] == [
        {"name": "update_ticket", "args": {"ticket_id": created["id"], "status": "CLOSED"}}]

    turn(chat, agent.url, 'rename it to "VPN down on floor 3"', thread)
    shown, _ = turn(chat, agent.url, "show it", thread)

    after = httpx.get(f"{ticket_api.url}/api/tickets/{created['id']}/", timeout=10).json()
    assert (after["title"], after["resolution_status"]) == ("VPN down on floor 3", "CLOSED")
    assert "VPN down on floor 3" in shown.answer
    # "it" follows the conversation: after showing the printer ticket, "it" is that one.
    turn(chat, agent.url, f"show ticket {other['id']}", thread)
    turn(chat, agent.url, "resolve it", thread)
    assert httpx.get(f"{ticket_api.url}/api/tickets/{other['id']}/", timeout=10).json()["resolution_status"] == "RESOLVED"


def test_create_and_close_it_in_one_message(agent, ticket_api, chat):
    result, _ = turn(chat, agent.url, "create a ticket about the printer and close it")

    [ticket] = tickets(ticket_api)
    assert ticket["resolution_status"] == "CLOSED"
    assert [f.data["name"] for f in result.named("tool")] == ["create_ticket", "update_ticket"]


def test_without_the_thread_there_is_no_memory(agent, ticket_api, chat):
    turn(chat, agent.url, "create a ticket about the VPN outage")

    fresh, _ = turn(chat, agent.url, "close it")  # no thread_id: a new conversation

    assert fresh.named("tool") == []
    assert "do not know which ticket" in fresh.answer
    assert tickets(ticket_api)[0]["resolution_status"] == "OPEN"


def test_an_unknown_thread_id_starts_a_fresh_thread_under_that_id(agent, ticket_api, chat):
    result, thread = turn(chat, agent.url, "close it", "never-seen-before-42")

    assert thread == "never-seen-before-42"
    assert result.named("tool") == []
    turn(chat, agent.url, "create a ticket about the VPN outage", thread)
    turn(chat, agent.url, "close it", thread)
    assert tickets(ticket_api)[0]["resolution_status"] == "CLOSED"


def test_a_long_thread_keeps_working_within_a_small_history_budget(start_agent, ticket_api, chat):
    agent = start_agent(ticket_api.url, AGENT_HISTORY_MAX_TOKENS="500")
    _, thread = turn(chat, agent.url, "create a ticket about the VPN outage")
    for _ in range(6):  # each turn lists the ticket: the history outgrows the budget quickly
        turn(chat, agent.url, "list tickets", thread)
    _, thread = turn(chat, agent.url, "create a ticket about the printer", thread)

    result, _ = turn(chat, agent.url, "close it", thread)  # the latest turns are still in view

    printer = next(t for t in tickets(ticket_api) if "rinter" in t["title"])
    assert [f.data["args"] for f in result.named("tool")] == [{"ticket_id": printer["id"], "status": "CLOSED"}]


def test_a_thread_survives_a_restart_of_the_agent_on_sqlite(start_agent_process, ticket_api, chat, tmp_path):
    agent = start_agent_process(ticket_api.url, AGENT_DATA_DIR=str(tmp_path / "agent-data"))
    _, thread = turn(chat, agent.url, "create a ticket about the VPN outage")

    agent.stop()
    agent.start()
    turn(chat, agent.url, "close it", thread)

    assert tickets(ticket_api)[0]["resolution_status"] == "CLOSED"
    assert (tmp_path / "agent-data" / "conversations.sqlite3").is_file()


@pytest.mark.postgres
def test_two_agent_processes_on_one_postgres_share_threads(start_agent_process, ticket_api, chat, fresh_postgres_database):
    database = fresh_postgres_database("agent_threads")
    first = start_agent_process(ticket_api.url, AGENT_CHECKPOINT_URL=database)
    second = start_agent_process(ticket_api.url, AGENT_CHECKPOINT_URL=database)

    _, thread = turn(chat, first.url, "create a ticket about the VPN outage")
    [ticket] = tickets(ticket_api)
    result, _ = turn(chat, second.url, "delete it", thread)

    # The second process knows the thread's ticket, and pauses for the confirmation...
    [question] = [f.data for f in result.named("confirm")]
    assert question["prompt"] == f'Delete ticket {ticket["id"]} "{ticket["title"]}"?'
    # ...which the first process can answer: the paused run lives in the shared store.
    answered = chat(first.url, params={"thread_id": thread, "confirm": "yes"})
    assert answered.events[-1] == "end", answered.text
    assert tickets(ticket_api) == []
    assert not (first.log_path.parent / "conversations.sqlite3").exists()
