"""A client that disconnects cancels its run: no tool call afterwards, no task left behind."""

from __future__ import annotations

import time

import httpx
import pytest

pytestmark = pytest.mark.e2e  # starts the ticket API (and other processes)

API_DELAY = 2.0  # every ticket call takes this long, so the run is mid-tool when the client leaves


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def left_over(tasks: list[str], idle: list[str]) -> list[str]:
    """The tasks that were not there when the server was idle."""
    remaining = list(tasks)
    for task in idle:
        if task in remaining:
            remaining.remove(task)
    return remaining


def ticket_count(ticket_api) -> int:
    return httpx.get(ticket_api.url + "/api/tickets/", timeout=10).json()["count"]


def test_disconnecting_mid_run_stops_it_before_the_next_tool_call(
        ticket_api, start_slow_proxy, start_agent, chat, read_frames):
    proxy = start_slow_proxy(ticket_api.url, delay=API_DELAY)
    agent = start_agent(proxy.url)
    # One complete run first, so that long-lived tasks (e.g. sse-starlette's shutdown watcher)
    # belong to the idle baseline.
    assert chat(agent.url, "list tickets").events[-1] == "end"
    assert wait_for(lambda: not any("run_asgi" in task for task in agent.tasks()), timeout=5)
    idle_tasks = agent.tasks()  # the server's own tasks, no request in flight
    calls_before = len(proxy.requests)

    # Two intents: the run lists tickets (slow), then would create one. Leave during the listing.
    with httpx.Client(timeout=30) as client, client.stream(
            "GET", agent.url + "/chat",
            params={"message": "list tickets and create a ticket about the VPN outage"}) as response:
        first_tool = next(frame for frame in read_frames(response) if frame.name == "tool")
    left_at = time.monotonic()
    assert first_tool.data["name"] == "list_tickets"

    # The server notices at once: well before the slow listing could have finished, the run's
    # tasks are gone from its event loop.
    assert wait_for(lambda: agent.tasks() == idle_tasks, timeout=API_DELAY / 2), \
        f"tasks still running after the client left: {left_over(agent.tasks(), idle_tasks)}"
    assert time.monotonic() - left_at < API_DELAY

    # Long enough for the listing to finish and a create to reach the API, had the run gone on.
    time.sleep(2 * API_DELAY + 1)
    calls = [(method, path) for _, method, path in proxy.requests[calls_before:]]
    # At most the listing that was in flight when the client left (it may not have been sent yet).
    assert [method for method, _ in calls] in ([], ["GET"]), calls
    assert ticket_count(ticket_api) == 0
    assert agent.tasks() == idle_tasks, left_over(agent.tasks(), idle_tasks)

    # The service itself is fine and answers the next request in full.
    assert chat(agent.url, "list tickets").events[-1] == "end"
