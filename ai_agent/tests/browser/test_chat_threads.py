"""The chat page's thread and confirmation protocol, in headless Chromium against real processes."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e


def create_ticket(api_url: str, title: str) -> int:
    response = httpx.post(api_url + "/api/tickets/", json={"title": title, "description": f"{title}, for a test."})
    response.raise_for_status()
    return response.json()["id"]


@pytest.mark.parametrize(("button", "deleted"), [("Confirm", True), ("Cancel", False)])
def test_a_delete_waits_for_the_confirm_or_cancel_button(stack, open_chat, button, deleted):
    api, agent = stack
    ticket_id = create_ticket(api.url, "Old badge photo")
    chat = open_chat(agent.url)

    chat.send(f"delete ticket {ticket_id}")

    confirm_box = chat.page.locator(".turn").first.locator(".confirm")  # the answer is a turn of its own
    assert str(ticket_id) in confirm_box.locator("p").inner_text()
    assert httpx.get(f"{api.url}/api/tickets/{ticket_id}/").status_code == 200  # nothing deleted yet
    # While the question waits, a new message is held back with a note (the agent would say 409).
    chat.page.get_by_label("Your message").fill("list tickets")
    chat.page.get_by_label("Your message").press("Enter")
    assert chat.turn_count() == 1
    assert "Confirm or Cancel" in chat.page.eval_on_selector("#message", "element => element.validationMessage")
    chat.click(button)

    assert chat.last_turn().get_attribute("data-state") == "done"
    assert confirm_box.get_attribute("data-answered") == ("yes" if deleted else "no")
    assert confirm_box.get_by_role("button", name=button).is_disabled()
    assert httpx.get(f"{api.url}/api/tickets/{ticket_id}/").status_code == (404 if deleted else 200)
    assert chat.foreign_requests() == []
    if deleted:
        assert chat.last_turn().locator(".tools li").first.inner_text().startswith("delete_ticket")
        chat.screenshot("chat-page-confirmed-delete.png")


def test_the_thread_is_kept_across_messages(stack, open_chat, list_tickets):
    api, agent = stack
    chat = open_chat(agent.url)

    chat.send("create a ticket about the broken projector")
    thread_id = chat.page.evaluate("sessionStorage.getItem('ticket-assistant.thread_id')")
    chat.send("close it")

    assert thread_id
    assert chat.page.evaluate("sessionStorage.getItem('ticket-assistant.thread_id')") == thread_id
    assert [(t["title"], t["resolution_status"]) for t in list_tickets(api.url)] == [("Broken projector", "CLOSED")]
    assert chat.last_turn().locator(".tools li").first.inner_text().startswith("update_ticket")


def test_new_conversation_forgets_the_thread(stack, open_chat):
    _, agent = stack
    chat = open_chat(agent.url)
    chat.send("list tickets")
    assert chat.page.evaluate("sessionStorage.getItem('ticket-assistant.thread_id')")

    chat.page.get_by_role("button", name="New conversation").click()

    assert chat.turn_count() == 0
    assert chat.page.evaluate("sessionStorage.getItem('ticket-assistant.thread_id')") is None


def test_a_question_left_waiting_before_a_reload_can_still_be_answered(stack, open_chat):
    api, agent = stack
    ticket_id = create_ticket(api.url, "Parking permit")
    chat = open_chat(agent.url)
    chat.send(f"delete ticket {ticket_id}")

    chat.page.reload()  # the thread stays in sessionStorage; the question on the page is gone
    chat.page.wait_for_selector("#model-status:not([hidden])")
    chat.send("list tickets")  # the agent answers 409: the thread waits for that answer

    turn = chat.last_turn()
    assert "still waiting for your answer" in turn.locator(".answer.error").inner_text()
    assert f'Delete ticket {ticket_id} "Parking permit"?' in turn.locator(".confirm p").inner_text()
    chat.click("Cancel")
    assert chat.last_turn().get_attribute("data-state") == "done"
    assert httpx.get(f"{api.url}/api/tickets/{ticket_id}/").status_code == 200
    chat.send("list tickets")
    assert chat.last_turn().get_attribute("data-state") == "done"
