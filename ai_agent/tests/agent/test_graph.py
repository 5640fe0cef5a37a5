"""The router graph with a scripted model (real tool calls) against the real ticket API."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, SystemMessage, ToolMessage

from agent.errors import describe_error
from agent.events import ToolEndEvent, ToolStartEvent

pytestmark = pytest.mark.asyncio


async def test_get_specialist_fetches_one_ticket(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    ticket = ticket_store.create("Printer on floor 3 jams", "Every print job jams after two pages.")
    model = planned_model([step("get", f"Show ticket {ticket['id']}.", [("get_ticket", {"ticket_id": ticket["id"]})])])

    run = await run_agent(make_assistant(ticket_api.url, model), f"show ticket {ticket['id']}")

    assert run.tools_started == [ToolStartEvent("get_ticket", {"ticket_id": ticket["id"]})]
    assert run.tools_ended == [ToolEndEvent("get_ticket", True)]
    assert f"#{ticket['id']} [OPEN] \"Printer on floor 3 jams\"" in run.answer
    assert "Every print job jams after two pages." in run.answer


async def test_get_specialist_lists_with_filters_and_search(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    vpn_open = ticket_store.create("VPN drops", "The vpn disconnects hourly.")
    ticket_store.create("VPN slow", "vpn is slow", status="RESOLVED")
    ticket_store.create("Email bounce", "Mail to partners bounces.")
    calls = [("list_tickets", {"search": "vpn", "status": ["OPEN"]})]
    model = planned_model([step("get", "List open tickets about vpn.", calls)])

    run = await run_agent(make_assistant(ticket_api.url, model), "which tickets about vpn are still open?")

    assert run.tools_ended == [ToolEndEvent("list_tickets", True)]
    # Compact: a count and one line per ticket, not the API's JSON page.
    assert f"1 ticket matching status OPEN, search \"vpn\":\n- #{vpn_open['id']} [OPEN] \"VPN drops\"" in run.answer
    assert "VPN slow" not in run.answer and "Email" not in run.answer
    assert '"results"' not in run.answer


async def test_list_reports_count_and_next_page(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    for number in range(5):
        ticket_store.create(f"Ticket {number}", "Body.")
    model = planned_model([step("get", "List tickets, 2 per page.", [("list_tickets", {"page_size": 2})])])

    run = await run_agent(make_assistant(ticket_api.url, model), "list tickets")

    assert "5 tickets; showing 1-2:" in run.answer
    assert "More tickets exist: call again with page=2." in run.answer


async def test_create_specialist_creates_exactly_one_ticket(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    args = {"title": "VPN outage", "description": "Nobody can connect to the VPN since 9:00."}
    model = planned_model([step("create", "Create a ticket about the VPN outage.", [("create_ticket", args)])])

    run = await run_agent(make_assistant(ticket_api.url, model), "create a ticket about the VPN outage")

    [ticket] = ticket_store.all()
    assert (ticket["title"], ticket["description"], ticket["resolution_status"]) == (
        "VPN outage", "Nobody can connect to the VPN since 9:00.", "OPEN")
    assert run.tools_started == [ToolStartEvent("create_ticket", {**args, "status": "OPEN"})]
    assert f"Created ticket #{ticket['id']} [OPEN] \"VPN outage\"" in run.answer


async def test_update_specialist_reads_then_patches(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    ticket = ticket_store.create("Old title", "Old text.")
    calls = [("update_ticket", {"ticket_id": ticket["id"], "title": "New title", "status": "resolved"})]
    model = planned_model([step("update", "Rename and resolve.", calls)])

    run = await run_agent(make_assistant(ticket_api.url, model), "rename and resolve")

    after = ticket_store.get(ticket["id"])
    assert (after["title"], after["resolution_status"], after["description"]) == ("New title", "RESOLVED", "Old text.")
    assert "status OPEN -> RESOLVED" in run.answer and "title Old title -> New title" in run.answer


async def test_update_to_the_current_status_changes_nothing(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    ticket = ticket_store.create("Done already", "x", status="CLOSED")
    model = planned_model([step("update", "Close it.", [("update_ticket", {"ticket_id": ticket["id"], "status": "CLOSED"})])])

    run = await run_agent(make_assistant(ticket_api.url, model), "close it")

    assert "Nothing to change" in run.answer
    assert ticket_store.get(ticket["id"])["updated"] == ticket["updated"]


async def test_delete_specialist_deletes(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    ticket = ticket_store.create("Duplicate", "Same as another one.")
    model = planned_model([step("delete", "Delete it.", [("delete_ticket", {"ticket_id": ticket["id"]})])])

    run = await run_agent(make_assistant(ticket_api.url, model), f"delete ticket {ticket['id']}", answers=["yes"])

    assert [c.prompt for c in run.confirmations] == [f'Delete ticket {ticket["id"]} "Duplicate"?']
    assert ticket_store.get(ticket["id"]) is None
    assert f"Deleted ticket #{ticket['id']} [OPEN] \"Duplicate\"" in run.answer


async def test_multi_intent_request_is_finished_not_half_done(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    old = ticket_store.create("Old VPN ticket", "Stale.")
    steps = [
        step("create", "Create a ticket about the printer.", [("create_ticket", {"title": "Printer", "description": "Jams."})]),
        step("update", f"Close ticket {old['id']}.", [("update_ticket", {"ticket_id": old["id"], "status": "CLOSED"})]),
    ]
    model = planned_model(steps)

    run = await run_agent(make_assistant(ticket_api.url, model), f"create a ticket about the printer and close {old['id']}")

    assert ticket_store.get(old["id"])["resolution_status"] == "CLOSED"
    assert [t["title"] for t in ticket_store.all()] == ["Printer", "Old VPN ticket"]
    assert [e.name for e in run.tools_started] == ["create_ticket", "update_ticket"]
    # Control came back to the router after each specialist; its final answer summarises both.
    router_calls = [messages for tools, messages in model.calls if tools == ["route"]]
    assert len(router_calls) == 3
    assert run.answer.startswith("Summary: REPORT Created ticket") and "status OPEN -> CLOSED" in run.answer


async def test_only_the_routers_answer_is_streamed(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    ticket = ticket_store.create("Streamed", "x")
    model = planned_model(
        [step("get", "Show it.", [("get_ticket", {"ticket_id": ticket["id"]})])],
        summary=lambda reports: "Here is ticket number one",
    )

    run = await run_agent(make_assistant(ticket_api.url, model), "show it")

    # Word by word, and neither the routing call, its task, the tool args nor the specialist's report leak.
    assert run.tokens == ["Here", " is", " ticket", " number", " one"]


async def test_specialist_sees_only_its_tools_and_its_task(ticket_api, make_assistant, planned_model, step, run_agent):
    model = planned_model([step("create", "Create X.", [("create_ticket", {"title": "X", "description": "Y"})])])

    await run_agent(make_assistant(ticket_api.url, model), "create X")

    specialist_calls = [(tools, messages) for tools, messages in model.calls if tools != ["route"]]
    tools, messages = specialist_calls[0]
    assert tools == ["create_ticket"]
    assert isinstance(messages[0], SystemMessage) and "create specialist" in messages[0].text
    assert [m.text for m in messages[1:]] == ["Create X."]


async def test_missing_ticket_is_reported_not_raised(ticket_api, make_assistant, planned_model, step, run_agent):
    model = planned_model([step("update", "Close 999.", [("update_ticket", {"ticket_id": 999, "status": "CLOSED"})])])

    run = await run_agent(make_assistant(ticket_api.url, model), "close 999")

    assert run.tools_ended == [ToolEndEvent("update_ticket", False)]
    assert "Error: ticket 999 does not exist." in run.answer


async def test_forbidden_transition_reports_the_workflow(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    ticket = ticket_store.create("Finished", "x", status="CLOSED")
    model = planned_model([step("update", "Reopen it.", [("update_ticket", {"ticket_id": ticket["id"], "status": "OPEN"})])])

    run = await run_agent(make_assistant(ticket_api.url, model), "reopen it")

    assert ticket_store.get(ticket["id"])["resolution_status"] == "CLOSED"
    assert "the ticket system refused the change: resolution_status:" in run.answer
    assert "CLOSED" in run.answer and "OPEN" in run.answer and "CLOSED is final" in run.answer


async def test_bad_input_names_the_field(ticket_api, make_assistant, planned_model, step, run_agent):
    model = planned_model([step("get", "Tickets since yesterday.", [("list_tickets", {"created_after": "yesterday"})])])

    run = await run_agent(make_assistant(ticket_api.url, model), "tickets since yesterday")

    assert "Error: the ticket system rejected the input: created__gte:" in run.answer


async def test_invalid_tool_arguments_go_back_to_the_model(ticket_api, ticket_store, make_assistant, planned_model, step, run_agent):
    model = planned_model([step("update", "Change status to DONE.", [("update_ticket", {"ticket_id": 1, "status": "DONE"})])])

    run = await run_agent(make_assistant(ticket_api.url, model), "set 1 to done")

    assert run.tools_started == []  # validation stopped it before any API call
    assert "status" in run.answer and "OPEN" in run.answer
    assert ticket_store.all() == []


async def test_malformed_route_call_is_answered_and_the_router_recovers(ticket_api, make_assistant, scripted_model, make_tool_call, run_agent):
    def script(messages, tools):
        if "route" not in tools:
            raise AssertionError("no specialist should run")
        if not any(isinstance(m, ToolMessage) for m in messages):
            return AIMessage(content="", tool_calls=[make_tool_call("route", specialist="archive", task="x")])
        return AIMessage(content=f"Recovered after: {messages[-1].text}")

    run = await run_agent(make_assistant(ticket_api.url, scripted_model(script)), "archive everything")

    assert run.answer.startswith("Recovered after: Error: invalid route call (specialist:")


async def test_endless_tool_loop_stops_with_a_readable_error(ticket_api, make_assistant, scripted_model, make_tool_call, run_agent):
    def script(messages, tools):
        if "route" in tools:
            return AIMessage(content="", tool_calls=[make_tool_call("route", specialist="get", task="loop")])
        return AIMessage(content="", tool_calls=[make_tool_call("list_tickets")])

    assistant = make_assistant(ticket_api.url, scripted_model(script), AGENT_RECURSION_LIMIT="6")
    with pytest.raises(Exception) as raised:
        await run_agent(assistant, "loop forever")

    assert "more steps than allowed (AGENT_RECURSION_LIMIT)" in describe_error(raised.value)


async def test_text_in_separate_router_messages_is_kept_apart(ticket_api, make_assistant, scripted_model, make_tool_call, run_agent):
    def script(messages, tools):
        if "route" in tools:
            if not any(isinstance(m, ToolMessage) for m in messages):
                # Some models write a preamble in the message that also routes.
                return AIMessage(content="On it.", tool_calls=[make_tool_call("route", specialist="get", task="t")])
            return AIMessage(content="All done.")
        if isinstance(messages[-1], ToolMessage):
            return AIMessage(content="report")
        return AIMessage(content="", tool_calls=[make_tool_call("list_tickets")])

    run = await run_agent(make_assistant(ticket_api.url, scripted_model(script)), "anything")

    assert run.answer == "On it.\n\nAll done."


async def test_several_route_calls_in_one_message_run_one_after_another(
    ticket_api, ticket_store, make_assistant, scripted_model, make_tool_call, run_agent
):
    old = ticket_store.create("Old", "x")

    def script(messages, tools):
        if "route" in tools:
            if not any(isinstance(m, ToolMessage) for m in messages):
                return AIMessage(content="", tool_calls=[
                    make_tool_call("route", specialist="create", task="create"),
                    make_tool_call("route", specialist="update", task="close"),
                ])
            return AIMessage(content=" + ".join(m.text for m in messages if isinstance(m, ToolMessage)))
        if isinstance(messages[-1], ToolMessage):
            return AIMessage(content=messages[-1].text.split(":")[0])
        if messages[-1].text == "create":
            return AIMessage(content="", tool_calls=[make_tool_call("create_ticket", title="New", description="y")])
        return AIMessage(content="", tool_calls=[make_tool_call("update_ticket", ticket_id=old["id"], status="CLOSED")])

    model = scripted_model(script)
    run = await run_agent(make_assistant(ticket_api.url, model), "create and close")

    assert [e.name for e in run.tools_started] == ["create_ticket", "update_ticket"]
    assert ticket_store.get(old["id"])["resolution_status"] == "CLOSED"
    assert run.answer.startswith("Created ticket #") and f" + Updated ticket #{old['id']}" in run.answer
    assert sum(1 for tools, _ in model.calls if tools == ["route"]) == 2  # both reports came back together
