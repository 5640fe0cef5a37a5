"""The chat page in headless Chromium against a real agent process and a real ticket API."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_the_page_is_served_under_a_same_origin_content_security_policy(stack):
    _, agent = stack
    page = httpx.get(agent.url + "/")
    script = httpx.get(agent.url + "/static/chat.js")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert script.headers["content-type"].startswith("text/javascript")
    # Only the page's own files are served: no other name, no way out of the folder.
    assert httpx.get(agent.url + "/static/page.py").status_code == 404
    assert httpx.get(agent.url + "/static/%2e%2e%2fpage.py").status_code == 404


def test_an_answer_streams_in_with_tool_lines_and_the_ticket_is_created(stack, open_chat, list_tickets):
    api, agent = stack
    chat = open_chat(agent.url)

    chat.send("create a ticket about the printer on floor 2")

    turn = chat.last_turn()
    assert turn.get_attribute("data-state") == "done"
    answer = turn.locator(".answer").inner_text()
    assert "Created ticket" in answer and "Printer on floor 2" in answer
    # The answer grew in several steps while it streamed, not all at once.
    lengths = chat.answer_lengths()
    growth = [length for previous, length in zip([0, *lengths], lengths) if length > previous]
    assert len(growth) >= 5, lengths
    assert lengths[-1] == len(turn.locator(".answer").text_content())
    [tool_line] = turn.locator(".tools li").all_inner_texts()
    assert tool_line.startswith("create_ticket (title: Printer on floor 2") and tool_line.endswith(": done")
    assert [ticket["title"] for ticket in list_tickets(api.url)] == ["Printer on floor 2"]
    # No language model is configured: the page says so.
    assert "No language model is configured" in chat.page.locator("#model-status").inner_text()
    assert chat.foreign_requests() == []
    assert chat.screenshot("chat-page.png").stat().st_size > 0


def test_a_failed_tool_shows_as_a_failed_status_line(stack, open_chat):
    _, agent = stack
    chat = open_chat(agent.url)

    chat.send("close 999")

    turn = chat.last_turn()
    assert turn.locator(".tools li.failed").inner_text().startswith("update_ticket")
    assert "ticket 999 does not exist" in turn.locator(".answer").inner_text()


def test_the_page_says_when_the_ticket_api_is_down(stack, open_chat):
    api, agent = stack
    api.stop()
    chat = open_chat(agent.url)

    banner = chat.page.locator("#ticket-api-status")
    assert "ticket system is unreachable" in banner.inner_text()
    chat.send("list tickets")
    assert chat.last_turn().locator(".tools li.failed").count() == 1
    assert chat.foreign_requests() == []


def test_the_page_says_when_the_agent_is_down(stack, open_chat):
    _, agent = stack
    chat = open_chat(agent.url)
    agent.stop()

    chat.send("list tickets")

    turn = chat.last_turn()
    assert turn.get_attribute("data-state") == "failed"
    assert "cannot be reached" in turn.locator(".answer.error").inner_text()
    chat.page.wait_for_selector("#agent-status:not([hidden])")
    assert "cannot be reached" in chat.page.locator("#agent-status").inner_text()


def test_the_page_names_the_language_model_when_one_is_configured(start_agent_process, open_chat):
    # /health reports the configured model without calling it, so nothing needs to listen here.
    nowhere = "http://127.0.0.1:9"
    agent = start_agent_process(nowhere, AGENT_LLM_PROVIDER="openai", OPENAI_BASE_URL=nowhere + "/v1",
                                OPENAI_MODEL="router-model-x")
    chat = open_chat(agent.url)

    note = chat.page.locator("#model-status").inner_text()
    assert "router-model-x" in note and "openai" in note
    assert "No language model" not in note
