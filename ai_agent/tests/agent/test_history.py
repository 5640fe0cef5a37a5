"""A thread's history reaches the router model, trimmed to the budget and always a valid conversation."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from agent.assistant import new_thread_id

pytestmark = pytest.mark.asyncio


def router_views(model) -> list[list]:
    return [messages for tools, messages in model.calls if "route" in tools]


async def test_the_router_sees_earlier_turns_of_its_thread_only(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    ticket_store.create("VPN outage", "Floor 3.")
    model = planned_model([step("get", "List.", [("list_tickets", {})])])
    assistant = make_assistant(ticket_api.url, model)
    thread = new_thread_id()

    await run_agent(assistant, "first question", thread_id=thread)
    await run_agent(assistant, "second question", thread_id=thread)
    await run_agent(assistant, "elsewhere")  # another thread

    last = router_views(model)[-1]
    humans = [str(m.text) for m in last if isinstance(m, HumanMessage)]
    assert humans == ["elsewhere"]
    second_turn = router_views(model)[-3]  # "second question": its first router call
    assert [str(m.text) for m in second_turn if isinstance(m, HumanMessage)] == ["first question", "second question"]
    assert any(isinstance(m, ToolMessage) and "VPN outage" in str(m.text) for m in second_turn)


async def test_a_long_thread_is_trimmed_to_whole_turns_within_the_budget(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    for number in range(15):
        ticket_store.create(f"Ticket number {number}", "A description long enough to take some room. " * 3)
    model = planned_model([step("get", "List.", [("list_tickets", {})])])
    assistant = make_assistant(ticket_api.url, model, AGENT_HISTORY_MAX_TOKENS="3500")
    thread = new_thread_id()

    for turn in range(8):
        await run_agent(assistant, f"question {turn}", thread_id=thread)

    view = router_views(model)[-1]
    assert isinstance(view[0], SystemMessage)
    history = view[1:]
    humans = [str(m.text) for m in history if isinstance(m, HumanMessage)]
    assert humans[-1] == "question 7"
    assert 1 < len(humans) < 8, humans  # earlier turns, but not all of them
    assert humans == [f"question {n}" for n in range(8 - len(humans), 8)]  # the most recent, in order
    assert isinstance(history[0], HumanMessage)
    calls = {call["id"] for m in history if isinstance(m, AIMessage) for call in m.tool_calls}
    assert all(m.tool_call_id in calls for m in history if isinstance(m, ToolMessage))
