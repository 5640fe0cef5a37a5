"""Cancelling the task that consumes Assistant.stream stops the whole run: no tool call afterwards.

No waiting "long enough": the next step of the run is held (the model's answer at the fake OpenAI
server, or the ticket call at the proxy) until the cancel has returned; then it is released and
every other task on the event loop is awaited to its end (a run that went on would finish its
work there), and only then are the tickets, the model's calls and the ticket calls counted.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from agent.events import ToolEndEvent
from tests.support.fake_openai import Reply

pytestmark = pytest.mark.asyncio

# A run that ignored the cancel finishes well within this; a test that hits it fails.
SETTLE_TIMEOUT_S = 60


def two_creates(step):
    return [
        step("create", "Create first.", [("create_ticket", {"title": "First", "description": "1"})]),
        step("create", "Create second.", [("create_ticket", {"title": "Second", "description": "2"})]),
    ]


def two_creates_held_after_the_first(report_held: threading.Event):
    """A model (for the fake OpenAI server) that creates First, then Second; its report on First
    is held after the first word until `report_held` is set, so the run cannot reach the second
    create before the test lets it."""

    def answer(request):
        if request.tool_names == ["route"]:
            reports = sum(message["role"] == "tool" for message in request.messages)
            if reports < 2:
                task = "Create first." if reports == 0 else "Create second."
                return Reply(tool_calls=[("route", {"specialist": "create", "task": task})])
            return Reply(text="Both created.")
        first = "first" in [m for m in request.messages if m["role"] == "user"][-1]["content"]
        if request.messages[-1]["role"] == "tool":
            return Reply(text="Created First." if first else "Created Second.", hold=report_held if first else None)
        return Reply(tool_calls=[("create_ticket", {"title": "First" if first else "Second", "description": "d"})])

    return answer


@pytest.fixture
def held_run(ticket_api, start_proxy, start_fake_llm, make_assistant):
    """(assistant, proxy, llm, report_held): the openai provider, through the proxy, on that model."""
    report_held = threading.Event()
    proxy = start_proxy(ticket_api.url)
    llm = start_fake_llm(two_creates_held_after_the_first(report_held))
    assistant = make_assistant(proxy.url, AGENT_LLM_PROVIDER="openai", OPENAI_BASE_URL=f"{llm.url}/v1",
                               OPENAI_API_KEY="sk-test", OPENAI_MODEL="m")
    yield assistant, proxy, llm, report_held
    report_held.set()


async def test_cancelled_consumer_stops_the_run_before_the_next_tool_call(held_run, ticket_store):
    assistant, proxy, llm, report_held = held_run
    first_done = asyncio.Event()

    async def consume() -> None:
        async for event in assistant.stream("create first and second"):
            if event == ToolEndEvent("create_ticket", True):
                first_done.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_done.wait(), timeout=30)
    await cancel(task)
    report_held.set()  # a run that went on would now route and make the second create

    assert await still_running_after_the_others_settle() == []
    assert [t["title"] for t in ticket_store.all()] == ["First"]
    assert [method for method, _, _ in proxy.seen] == ["POST"]
    assert [request.tool_names for request in llm.requests].count(["route"]) == 1  # the router was not asked again


async def test_closing_the_stream_early_stops_the_run(held_run, ticket_store):
    assistant, proxy, llm, report_held = held_run

    stream = assistant.stream("create first and second")
    async for event in stream:
        if event == ToolEndEvent("create_ticket", True):
            break
    await stream.aclose()
    report_held.set()

    assert await still_running_after_the_others_settle() == []
    assert [t["title"] for t in ticket_store.all()] == ["First"]
    assert [method for method, _, _ in proxy.seen] == ["POST"]


async def test_cancel_during_a_slow_ticket_call_starts_no_further_call(
    ticket_api, start_proxy, ticket_store, make_assistant, planned_model, step
):
    # The proxy holds the first create at the door: the cancel comes while that call is in flight.
    proxy = start_proxy(ticket_api.url)
    proxy.hold()
    model = planned_model(two_creates(step), summary=lambda reports: "both created")
    assistant = make_assistant(proxy.url, model)

    task = asyncio.create_task(drain(assistant.stream("create first and second")))
    [(method, _, _)] = await asyncio.to_thread(proxy.wait_for_requests, 1)
    assert method == "POST"
    await cancel(task)

    assert await still_running_after_the_others_settle() == []
    proxy.release()  # the held create now reaches the API, answered to a caller that has gone
    await asyncio.to_thread(proxy.wait_until_idle)
    assert "Second" not in [t["title"] for t in ticket_store.all()]
    assert [method for method, _, _ in proxy.seen] == ["POST"]


async def drain(events) -> None:
    async for _ in events:
        pass


async def cancel(task: asyncio.Task) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def still_running_after_the_others_settle() -> list[str]:
    """Wait for every other task on this loop to end; those still running after SETTLE_TIMEOUT_S."""
    current = asyncio.current_task()
    others = [task for task in asyncio.all_tasks() if task is not current]
    if not others:
        return []
    _, pending = await asyncio.wait(others, timeout=SETTLE_TIMEOUT_S)
    return [repr(task) for task in pending]
