"""The azure and openai providers end to end: langchain-openai's real client, a local fake server
speaking the chat-completions wire format (streamed chunks, tool calls), and the real ticket API."""

from __future__ import annotations

import threading

import pytest

from agent.errors import describe_error
from agent.events import TokenEvent, ToolEndEvent, UsageEvent
from tests.support.fake_openai import FAKE_INPUT_TOKENS, FAKE_OUTPUT_TOKENS, Reply, error_reply

pytestmark = pytest.mark.asyncio

ANSWER = "I created ticket VPN outage for you."


def create_flow(answer_held: threading.Event):
    """Router routes to create; the create specialist calls create_ticket, then reports.

    The router's answer is held after its first word until `answer_held` is set.
    """

    def answer(request):
        roles = [m["role"] for m in request.messages]
        if request.tool_names == ["route"]:
            if "tool" not in roles:
                return Reply(tool_calls=[("route", {"specialist": "create", "task": "Create a ticket about the VPN outage."})])
            return Reply(text=ANSWER, hold=answer_held)
        if roles[-1] == "tool":
            return Reply(text="Created ticket 1, VPN outage.")
        return Reply(tool_calls=[("create_ticket", {"title": "VPN outage", "description": "Nobody can connect."})])

    return answer


async def _run_releasing_on_the_first_token(assistant, message, answer_held: threading.Event):
    """The run's events; the held answer is released only once its first token has reached us,
    so the run completes only if tokens stream (a buffering client would see the answer cut off)."""
    events = []
    async for event in assistant.stream(message):
        events.append(event)
        if isinstance(event, TokenEvent):
            answer_held.set()
    return events


async def test_azure_provider_end_to_end(ticket_api, ticket_store, start_fake_llm, make_assistant):
    answer_held = threading.Event()
    llm = start_fake_llm(create_flow(answer_held))
    assistant = make_assistant(
        ticket_api.url,
        AGENT_LLM_PROVIDER="",  # inferred from AZURE_OPENAI_ENDPOINT
        AZURE_OPENAI_ENDPOINT=llm.url,
        AZURE_OPENAI_API_KEY="azure-test-key",
        AZURE_OPENAI_API_VERSION="2024-10-21",
        AZURE_OPENAI_CHAT_DEPLOYMENT="router-deployment",
        AZURE_OPENAI_CHAT_DEPLOYMENT_MINI="mini-deployment",
    )

    events = await _run_releasing_on_the_first_token(assistant, "create a ticket about the VPN outage", answer_held)

    assert assistant.model_info()["provider"] == "azure"
    paths = [request.path for request in llm.requests]
    assert paths == [
        "/openai/deployments/router-deployment/chat/completions",
        "/openai/deployments/mini-deployment/chat/completions",
        "/openai/deployments/mini-deployment/chat/completions",
        "/openai/deployments/router-deployment/chat/completions",
    ]
    assert {request.query["api-version"] for request in llm.requests} == {"2024-10-21"}
    assert {request.headers["api-key"] for request in llm.requests} == {"azure-test-key"}
    assert all(request.body["stream"] is True for request in llm.requests)
    assert [request.tool_names for request in llm.requests] == [["route"], ["create_ticket"], ["create_ticket"], ["route"]]
    # The router's second call sees the specialist's report as the answer to its route call.
    route_call_id = llm.requests[3].messages[-2]["tool_calls"][0]["id"]
    assert llm.requests[3].messages[-1] == {"role": "tool", "tool_call_id": route_call_id, "content": "Created ticket 1, VPN outage."}
    _assert_ticket_created_and_tokens_streamed(ticket_store, events, llm)


async def test_openai_provider_end_to_end(ticket_api, ticket_store, start_fake_llm, make_assistant):
    answer_held = threading.Event()
    llm = start_fake_llm(create_flow(answer_held))
    assistant = make_assistant(
        ticket_api.url,
        AGENT_LLM_PROVIDER="openai",
        OPENAI_BASE_URL=f"{llm.url}/v1",
        OPENAI_API_KEY="sk-test-key",
        OPENAI_MODEL="big-model",
        OPENAI_MODEL_MINI="small-model",
    )

    events = await _run_releasing_on_the_first_token(assistant, "create a ticket about the VPN outage", answer_held)

    assert {request.path for request in llm.requests} == {"/v1/chat/completions"}
    assert [request.body["model"] for request in llm.requests] == ["big-model", "small-model", "small-model", "big-model"]
    assert {request.headers["authorization"] for request in llm.requests} == {"Bearer sk-test-key"}
    _assert_ticket_created_and_tokens_streamed(ticket_store, events, llm)


def _assert_ticket_created_and_tokens_streamed(ticket_store, events, llm):
    # Usage: every model call counted (router and specialists), tokens as the server reported them.
    assert all(request.body["stream_options"] == {"include_usage": True} for request in llm.requests)
    assert events[-1] == UsageEvent(model_calls=4, input_tokens=4 * FAKE_INPUT_TOKENS, output_tokens=4 * FAKE_OUTPUT_TOKENS)
    [ticket] = ticket_store.all()
    assert (ticket["title"], ticket["description"]) == ("VPN outage", "Nobody can connect.")
    assert ToolEndEvent("create_ticket", True) in events
    tokens = [event.delta for event in events if isinstance(event, TokenEvent)]
    assert "".join(tokens) == ANSWER  # only the router's answer: no routing, no tool args, no report
    # Really streamed, word by word: the whole answer arrived although the server held everything
    # after its first word until that word had reached us.
    assert len(tokens) == len(ANSWER.split(" "))


AZURE_ENV = {
    "AGENT_LLM_PROVIDER": "azure",
    "AZURE_OPENAI_API_KEY": "wrong-key",
    "AZURE_OPENAI_CHAT_DEPLOYMENT": "router-deployment",
    "AGENT_MODEL_MAX_RETRIES": "0",
}
OPENAI_ENV = {"AGENT_LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-wrong", "OPENAI_MODEL": "m", "AGENT_MODEL_MAX_RETRIES": "0"}


@pytest.mark.parametrize(
    ("provider", "status", "expected"),
    [
        ("azure", 401, "The language model rejected the credentials: check AZURE_OPENAI_API_KEY."),
        ("openai", 401, "The language model rejected the credentials: check OPENAI_API_KEY."),
        ("azure", 404, "The language model deployment was not found: check AZURE_OPENAI_CHAT_DEPLOYMENT"),
        ("openai", 404, "The language model was not found: check OPENAI_MODEL"),
        ("azure", 429, "The language model is rate limiting us; try again in a minute."),
        ("openai", 500, "The language model service failed; try again shortly."),
        ("azure", 400, "The language model rejected the request: The prompt was filtered."),
    ],
)
async def test_model_errors_become_actionable_messages(
    ticket_api, start_fake_llm, make_assistant, run_agent, provider, status, expected
):
    llm = start_fake_llm(lambda request: error_reply(status, "The prompt was filtered.", code="content_filter"))
    env = {**AZURE_ENV, "AZURE_OPENAI_ENDPOINT": llm.url} if provider == "azure" else {**OPENAI_ENV, "OPENAI_BASE_URL": f"{llm.url}/v1"}

    with pytest.raises(Exception) as raised:
        await run_agent(make_assistant(ticket_api.url, **env), "list tickets")

    assert describe_error(raised.value).startswith(expected)
    assert len(llm.requests) == 1  # AGENT_MODEL_MAX_RETRIES=0


async def test_unreachable_model_names_the_endpoint_variable(ticket_api, make_assistant, run_agent, unused_tcp_port):
    endpoint = f"http://127.0.0.1:{unused_tcp_port}"
    with pytest.raises(Exception) as raised:
        await run_agent(make_assistant(ticket_api.url, **AZURE_ENV, AZURE_OPENAI_ENDPOINT=endpoint), "list tickets")
    assert describe_error(raised.value) == (
        f"The language model at {endpoint} could not be reached: check AZURE_OPENAI_ENDPOINT and the network."
    )


async def test_router_call_with_broken_json_is_answered_so_the_model_can_recover(
    ticket_api, start_fake_llm, make_assistant, run_agent
):
    def answer(request):
        if not any(m["role"] == "tool" for m in request.messages):
            return Reply(tool_calls=[("route", '{"specialist": get, task}')])
        return Reply(text="Sorry, please ask again.")

    llm = start_fake_llm(answer)
    assistant = make_assistant(ticket_api.url, **OPENAI_ENV, OPENAI_BASE_URL=f"{llm.url}/v1")

    run = await run_agent(assistant, "list tickets")

    assert run.answer == "Sorry, please ask again."
    assert "not valid JSON" in llm.requests[1].messages[-1]["content"]
