"""A client that disconnects cancels its run: no tool call afterwards, no task left behind.

The proxy in front of the ticket API holds the run's ticket call while the client leaves, so the
run is mid-tool for as long as the test needs, and nothing is left to timing.
"""

from __future__ import annotations

import time

import httpx
import pytest

pytestmark = pytest.mark.e2e  # starts the ticket API (and other processes)

# What the server gets to drop a run's tasks once its client has gone; a test that hits it fails.
SETTLE_TIMEOUT_S = 20
# Longer than that, so that a run that ignored the disconnect is still stuck in the held call
# when the test looks, instead of giving up on it by itself.
TICKET_TIMEOUT_S = "60"


def wait_for(condition, timeout: float) -> bool:
    """Poll `condition` (state on the server's event loop, which offers no event to wait on)."""
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
        ticket_api, start_proxy, start_agent, chat, read_frames):
    proxy = start_proxy(ticket_api.url)
    agent = start_agent(proxy.url, AGENT_TICKET_TIMEOUT_S=TICKET_TIMEOUT_S)
    # One complete run first, so that long-lived tasks (e.g. sse-starlette's shutdown watcher)
    # belong to the idle baseline.
    assert chat(agent.url, "list tickets").events[-1] == "end"
    assert wait_for(lambda: not any("run_asgi" in task for task in agent.tasks()), timeout=SETTLE_TIMEOUT_S)
    idle_tasks = agent.tasks()  # the server's own tasks, no request in flight
    calls_before = len(proxy.seen)

    # Two intents: the run lists tickets (held at the proxy), then would create one. Leave while
    # the listing is held.
    proxy.hold()
    with httpx.Client(timeout=30) as client, client.stream(
            "GET", agent.url + "/chat",
            params={"message": "list tickets and create a ticket about the VPN outage"}) as response:
        first_tool = next(frame for frame in read_frames(response) if frame.name == "tool")
        assert first_tool.data["name"] == "list_tickets"
        [(method, path, _)] = proxy.wait_for_requests(calls_before + 1)[calls_before:]
        assert (method, path.partition("?")[0]) == ("GET", "/api/tickets/")

    # The server notices at once: while the listing is still held, the run's tasks are gone.
    assert wait_for(lambda: agent.tasks() == idle_tasks, timeout=SETTLE_TIMEOUT_S), \
        f"tasks still running after the client left: {left_over(agent.tasks(), idle_tasks)}"

    # Let the listing through; a run that went on would now create the ticket.
    proxy.release()
    proxy.wait_until_idle()
    # The service itself is fine and answers the next request in full.
    assert chat(agent.url, "list tickets").events[-1] == "end"
    # Stopping the agent ends everything it could still send: what the proxy saw is final.
    agent.stop()
    proxy.wait_until_idle()
    calls = [(method, path.partition("?")[0]) for method, path, _ in proxy.seen[calls_before:]]
    assert calls == [("GET", "/api/tickets/"), ("GET", "/api/tickets/")], calls  # the held one, the next run's
    assert ticket_count(ticket_api) == 0
