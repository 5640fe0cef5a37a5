"""Cancelling the task that consumes Assistant.stream stops the whole run: no tool call afterwards."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from agent.events import ToolEndEvent

pytestmark = pytest.mark.asyncio


def two_creates(step):
    return [
        step("create", "Create first.", [("create_ticket", {"title": "First", "description": "1"})]),
        step("create", "Create second.", [("create_ticket", {"title": "Second", "description": "2"})]),
    ]


async def test_cancelled_consumer_stops_the_run_before_the_next_tool_call(
    ticket_api, ticket_store, make_assistant, planned_model, step, run_agent
):
    # Every model message streams slowly, so the second create comes ~1.5 s after the first one ends.
    model = planned_model(two_creates(step), summary=lambda reports: "both created", word_delay_s=0.1)
    model.script = _with_preamble(model.script, "let me think about this one")
    assistant = make_assistant(ticket_api.url, model)
    first_done = asyncio.Event()
    seen = []

    async def consume() -> None:
        async for event in assistant.stream("create first and second"):
            seen.append(event)
            if event == ToolEndEvent("create_ticket", True):
                first_done.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_done.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    model_calls_at_cancel = len(model.calls)
    await asyncio.sleep(3)  # long enough for the second create to have happened if the run went on
    assert [t["title"] for t in ticket_store.all()] == ["First"]
    assert len(model.calls) == model_calls_at_cancel  # no model call after the cancel either
    assert _other_tasks() == []


async def test_closing_the_stream_early_stops_the_run(ticket_api, ticket_store, make_assistant, planned_model, step):
    model = planned_model(two_creates(step), summary=lambda reports: "both created", word_delay_s=0.1)
    model.script = _with_preamble(model.script, "let me think about this one")
    assistant = make_assistant(ticket_api.url, model)

    stream = assistant.stream("create first and second")
    async for event in stream:
        if event == ToolEndEvent("create_ticket", True):
            break
    await stream.aclose()

    await asyncio.sleep(3)
    assert [t["title"] for t in ticket_store.all()] == ["First"]
    assert _other_tasks() == []


async def test_cancel_during_a_slow_ticket_call_starts_no_further_call(
    start_ticket_api, make_assistant, planned_model, step
):
    # The API delays every call up to 1.5 s; cancel while the first create is in flight.
    api = start_ticket_api(TICKETS_CHAOS_FAILURE_RATE="0", TICKETS_CHAOS_MAX_DELAY_MS="1500")
    model = planned_model(two_creates(step), summary=lambda reports: "both created")
    assistant = make_assistant(api.url, model)
    started = asyncio.Event()

    async def consume() -> None:
        async for event in assistant.stream("create first and second"):
            if getattr(event, "name", None) == "create_ticket":
                started.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(started.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    await asyncio.sleep(4)
    titles = [t["title"] for t in httpx.get(f"{api.url}/api/tickets/", timeout=10).json()["results"]]
    assert "Second" not in titles  # the in-flight first POST may or may not have landed
    assert _other_tasks() == []


def _with_preamble(script, words: str):
    """Give every specialist tool-call message some text first, so it streams for a while."""

    def wrapped(messages, tools):
        message = script(messages, tools)
        if message.tool_calls and "route" not in tools:
            return message.model_copy(update={"content": words})
        return message

    return wrapped


def _other_tasks() -> list[str]:
    current = asyncio.current_task()
    return [repr(task) for task in asyncio.all_tasks() if task is not current and not task.done()]
