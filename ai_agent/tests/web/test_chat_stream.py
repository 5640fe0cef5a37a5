"""/chat over a real socket: the SSE frames, their order and JSON, and that tokens really stream."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.fake_openai import Reply

pytestmark = pytest.mark.e2e  # starts the ticket API (and other processes)

EVENT_NAMES = {"token", "tool", "tool_result", "confirm", "end", "error"}


def tickets(ticket_api) -> list[dict]:
    return httpx.get(ticket_api.url + "/api/tickets/", timeout=10).json()["results"]


def test_get_chat_streams_retry_then_tool_events_then_tokens_then_end(agent, ticket_api, chat):
    result = chat(agent.url, "create a ticket about the VPN outage")

    assert result.status == 200
    assert result.headers["content-type"].startswith("text/event-stream")
    assert result.headers["cache-control"] == "no-store"
    assert result.text.startswith("retry: 5000\n\n")
    assert set(result.events) <= EVENT_NAMES
    assert result.events[-1] == "end"
    end = result.named("end")[0].data
    # The offline model: router routes, specialist calls the tool, specialist reports, router answers.
    usage = {"model_calls": 4, "input_tokens": None, "output_tokens": None}  # it reports no tokens
    assert end == {"ok": True, "thread_id": end["thread_id"], "usage": usage}
    assert re.fullmatch(r"[0-9a-f]{32}", end["thread_id"])  # the server started a thread
    assert "error" not in result.events

    [tool] = result.named("tool")
    assert tool.data["name"] == "create_ticket"
    assert "vpn" in tool.data["args"]["title"].lower()
    assert [frame.data for frame in result.named("tool_result")] == [{"name": "create_ticket", "ok": True}]
    assert result.events.index("tool") < result.events.index("tool_result") < result.events.index("end")

    [created] = tickets(ticket_api)
    assert "vpn" in created["title"].lower()
    # The person reads a summary naming the new ticket, not JSON.
    assert str(created["id"]) in result.answer
    assert "{" not in result.answer


def test_every_frame_carries_one_json_data_line(agent, chat):
    result = chat(agent.url, "list tickets")

    for frame in result.frames[1:]:
        if frame.name is None:  # a keep-alive comment, should the run take 15 s
            assert all(line.startswith(":") for line in frame.lines), frame.lines
            continue
        assert [line.partition(":")[0] for line in frame.lines] == ["event", "data"], frame.lines
        assert isinstance(frame.data, dict)
    assert [frame.data["name"] for frame in result.named("tool")] == ["list_tickets"]


def test_post_chat_with_a_json_body_streams_the_same_way(agent, ticket_api, chat):
    httpx.post(ticket_api.url + "/api/tickets/", json={"title": "Email bounces", "description": "Since Monday"},
               timeout=10).raise_for_status()

    result = chat(agent.url, method="POST", json={"message": "which tickets about email are still open?"})

    assert result.status == 200
    assert result.text.startswith("retry: 5000\n\n")
    assert result.events[-1] == "end"
    assert [frame.data["name"] for frame in result.named("tool")] == ["list_tickets"]
    assert "Email bounces" in result.answer


def test_tokens_reach_the_client_while_the_model_is_still_writing(start_agent, start_fake_llm, ticket_api, read_frames):
    answer = "Each word of this answer is its own token frame."
    # The model writes its first word, then holds the rest until the client has that word.
    answer_held = threading.Event()
    llm = start_fake_llm(lambda request: Reply(text=answer, hold=answer_held))
    agent = start_agent(ticket_api.url, AGENT_LLM_PROVIDER="openai", OPENAI_BASE_URL=f"{llm.url}/v1",
                        OPENAI_API_KEY="sk-test", OPENAI_MODEL="gpt-test")

    with httpx.Client(timeout=60) as client, client.stream(
            "GET", agent.url + "/chat", params={"message": "hello"}) as response:
        frames = read_frames(response)
        first = next(frame for frame in frames if frame.name is not None)
        # A buffered stream would never get here: the model finishes only after we read this.
        assert (first.name, first.data) == ("token", {"delta": "Each"})
        answer_held.set()
        rest = list(frames)

    assert [frame.name for frame in rest if frame.name] == ["token"] * (len(answer.split(" ")) - 1) + ["end"]
    assert "".join([first.data["delta"], *(frame.data["delta"] for frame in rest if frame.name == "token")]) == answer


@pytest.mark.parametrize("message", ["montre-moi le café ☕", "line one\nline two", "odd \u2028 separator"])
def test_any_text_in_the_message_or_answer_keeps_the_framing_intact(agent, chat, message):
    result = chat(agent.url, message)

    assert result.status == 200
    assert result.events[-1] == "end"
    assert result.answer.strip()


def test_concurrent_chats_are_answered_independently(agent, ticket_api, chat):
    messages = ["create a ticket about the printer jam", "create a ticket about the VPN outage"]

    with ThreadPoolExecutor(len(messages)) as pool:
        results = list(pool.map(lambda message: chat(agent.url, message), messages))

    for result, topic in zip(results, ["printer", "vpn"]):
        assert result.events[-1] == "end"
        [tool] = result.named("tool")
        assert topic in tool.data["args"]["title"].lower()
    assert sorted(ticket["title"].lower() for ticket in tickets(ticket_api)) == ["printer jam", "vpn outage"]
