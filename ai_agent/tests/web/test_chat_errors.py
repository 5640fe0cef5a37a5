"""A failed run ends the stream with one `error` frame a person can act on; the traceback stays in the log."""

from __future__ import annotations

import logging

import httpx
import pytest


@pytest.fixture
def openai_agent(start_agent, start_fake_model, unreachable_url):
    """start(status, message) -> (agent, fake model): the openai provider against a failing model server."""

    def start(status: int, message: str):
        model = start_fake_model(status, message)
        # The model fails before any ticket call, so no ticket API is needed.
        agent = start_agent(unreachable_url, AGENT_LLM_PROVIDER="openai", OPENAI_BASE_URL=model.url,
                            OPENAI_API_KEY="sk-wrong", OPENAI_MODEL="gpt-test", AGENT_MODEL_MAX_RETRIES="0")
        return agent, model

    return start


@pytest.mark.parametrize(("status", "hint"), [(401, "OPENAI_API_KEY"), (429, "rate limit")])
def test_a_model_error_becomes_an_error_frame_that_closes_the_stream(openai_agent, chat, caplog, status, hint):
    agent, model = openai_agent(status, "Incorrect API key provided: sk-wrong")

    with caplog.at_level(logging.ERROR, logger="web.sse"):
        result = chat(agent.url, "list tickets")

    assert model.paths and model.paths[0].endswith("/chat/completions")  # the real client asked the model
    assert result.status == 200
    assert result.text.startswith("retry: 5000\n\n")
    assert result.events == ["error"]  # no tokens, no end: the error frame is the last thing sent
    message = result.named("error")[0].data["message"]
    assert hint.lower() in message.lower()
    assert "Traceback" not in result.text and "File \"" not in result.text
    # ...but the server log has the traceback.
    [record] = [record for record in caplog.records if record.name == "web.sse"]
    assert record.exc_info is not None


def test_the_service_keeps_answering_after_a_failed_run(openai_agent, chat):
    agent, _ = openai_agent(401, "bad key")

    assert chat(agent.url, "list tickets").events == ["error"]
    assert chat(agent.url, "list tickets").events == ["error"]
    assert httpx.get(agent.url + "/health").status_code == 200


def test_an_unreachable_ticket_api_ends_the_run_with_an_error_naming_it(start_agent, unreachable_url, chat):
    agent = start_agent(unreachable_url, AGENT_TICKET_RETRY_ATTEMPTS="1")

    result = chat(agent.url, "list tickets")

    assert result.status == 200
    assert result.events[-1] == "error"
    assert [frame.data for frame in result.named("tool_result")] == [{"name": "list_tickets", "ok": False}]
    message = result.named("error")[0].data["message"]
    assert f"ticket system at {unreachable_url} is unreachable" in message
    assert "Traceback" not in result.text
