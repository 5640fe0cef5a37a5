"""The fake OpenAI server (tests/support/fake_openai.py) as the official openai client sees it.

Every agent test at the language-model boundary trusts this fake, so it is checked here against
the real client: the streamed and plain wire formats, the usage, the errors, and the refusal of
tool calls and tool messages that do not pair up.
"""

from __future__ import annotations

import threading

import httpx
import openai
import pytest

from tests.support.fake_openai import FAKE_INPUT_TOKENS, FAKE_OUTPUT_TOKENS, Reply, error_reply

USER = {"role": "user", "content": "hi"}


def asked(call_ids: list[str]) -> dict:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function", "function": {"name": "route", "arguments": "{}"}} for call_id in call_ids]}


def answered(call_id: str) -> dict:
    return {"role": "tool", "tool_call_id": call_id, "content": "done"}


@pytest.fixture
def client_for(start_fake_llm):
    """client_for(answer) -> (the official OpenAI client on a fake answering it, the fake)."""

    def make(answer):
        llm = start_fake_llm(answer)
        return openai.OpenAI(base_url=f"{llm.url}/v1", api_key="sk-test", max_retries=0), llm

    return make


def test_a_streamed_answer_comes_word_by_word_with_the_usage_last(client_for):
    client, llm = client_for(lambda request: Reply(text="Hello there you"))

    chunks = list(client.chat.completions.create(model="m", messages=[USER], stream=True,
                                                 stream_options={"include_usage": True}))

    *answer, usage = chunks
    assert "".join(chunk.choices[0].delta.content or "" for chunk in answer) == "Hello there you"
    assert [chunk.choices[0].finish_reason for chunk in answer][-1] == "stop"
    assert len({chunk.id for chunk in chunks}) == 1
    assert (usage.choices, usage.usage.prompt_tokens, usage.usage.completion_tokens) == (
        [], FAKE_INPUT_TOKENS, FAKE_OUTPUT_TOKENS)
    assert llm.paths == ["/v1/chat/completions"]


def test_streamed_tool_calls_come_as_deltas_that_add_up(client_for):
    client, _ = client_for(lambda request: Reply(tool_calls=[("route", {"task": "list"}), ("other", "{broken")]))

    chunks = list(client.chat.completions.create(model="m", messages=[USER], stream=True))

    calls: dict[int, dict] = {}
    for chunk in chunks:
        for delta in chunk.choices[0].delta.tool_calls or []:
            call = calls.setdefault(delta.index, {"id": delta.id, "name": delta.function.name, "arguments": ""})
            call["arguments"] += delta.function.arguments
    assert [(call["name"], call["arguments"]) for call in calls.values()] == [
        ("route", '{"task": "list"}'), ("other", "{broken")]
    assert all(call["id"].startswith("call_") for call in calls.values())
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_without_stream_the_answer_is_one_completion(client_for):
    client, _ = client_for(lambda request: Reply(tool_calls=[("route", {"task": "list"})]))

    completion = client.chat.completions.create(model="m", messages=[USER])

    [call] = completion.choices[0].message.tool_calls
    assert (call.function.name, call.function.arguments) == ("route", '{"task": "list"}')
    assert completion.choices[0].finish_reason == "tool_calls"
    assert completion.usage.total_tokens == FAKE_INPUT_TOKENS + FAKE_OUTPUT_TOKENS


def test_an_error_reply_is_openais_error_body(client_for):
    client, _ = client_for(lambda request: error_reply(401, "Incorrect API key provided", code="invalid_api_key"))

    with pytest.raises(openai.AuthenticationError) as raised:
        client.chat.completions.create(model="m", messages=[USER])

    assert raised.value.body == {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                 "param": None, "code": "invalid_api_key"}


@pytest.mark.parametrize("messages", [
    [USER, asked(["call_1"]), answered("call_1"), USER],
    [USER, asked(["call_1", "call_2"]), answered("call_2"), answered("call_1")],
])
def test_tool_calls_each_answered_by_a_tool_message_are_accepted(client_for, messages):
    client, _ = client_for(lambda request: Reply(text="ok"))

    assert client.chat.completions.create(model="m", messages=messages).choices[0].message.content == "ok"


@pytest.mark.parametrize(("messages", "expected"), [
    ([USER, asked(["call_1", "call_2"]), answered("call_1")], "did not have response messages: call_2"),
    ([USER, asked(["call_1"]), USER, answered("call_1")], "did not have response messages: call_1"),
    ([USER, answered("call_1")], "must be a response to a preceeding message with 'tool_calls'"),
    ([USER, asked(["call_1"]), answered("call_1"), answered("call_1")], "must be a response to a preceeding"),
])
def test_tool_calls_and_tool_messages_that_do_not_pair_up_are_refused_like_openai_does(client_for, messages, expected):
    client, llm = client_for(lambda request: pytest.fail("a refused request reached the answer"))

    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="m", messages=messages)

    assert expected in raised.value.body["message"]
    assert raised.value.body["type"] == "invalid_request_error"
    assert raised.value.body["param"].startswith("messages.[")
    assert len(llm.requests) == 1  # recorded, like every request


def test_a_held_answer_streams_its_first_word_then_the_rest_once_released(client_for):
    held = threading.Event()
    client, _ = client_for(lambda request: Reply(text="one two three", hold=held))

    stream = iter(client.chat.completions.create(model="m", messages=[USER], stream=True))
    words = [next(stream).choices[0].delta.content, next(stream).choices[0].delta.content]  # role, first word
    held.set()
    words += [chunk.choices[0].delta.content or "" for chunk in stream]

    assert "".join(words) == "one two three"


def test_a_held_answer_never_released_is_broken_off(client_for, monkeypatch):
    monkeypatch.setattr("tests.support.fake_openai.HOLD_TIMEOUT_S", 0)
    client, _ = client_for(lambda request: Reply(text="one two three", hold=threading.Event()))

    with pytest.raises((httpx.RemoteProtocolError, openai.APIConnectionError)):
        list(client.chat.completions.create(model="m", messages=[USER], stream=True))


def test_only_the_chat_completions_path_answers(start_fake_llm):
    llm = start_fake_llm(lambda request: Reply(text="ok"))

    response = httpx.post(f"{llm.url}/v1/embeddings", json={"model": "m", "input": "x"})

    assert response.status_code == 404
    assert "Invalid URL" in response.json()["error"]["message"]
