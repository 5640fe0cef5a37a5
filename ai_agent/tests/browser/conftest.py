"""Headless Chromium driving the chat page of a real agent process in front of a real ticket API.

Playwright cannot download its own browsers here, so it drives the system's Chromium
(`apt-get install -y chromium`); without it (or without playwright) these tests skip with the
reason, and CI (TESTS_FAIL_ON_SKIP=1) reports that skip as a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS_DIR = Path(__file__).resolve().parents[3] / "test-artifacts"
# Counts the answer's length at every change of the page, so a test can see it grow step by step.
RECORD_ANSWER_LENGTHS = """
window.answerLengths = [];
new MutationObserver(() => {
  const answers = document.querySelectorAll(".turn .answer:not(.error)");
  const last = answers[answers.length - 1];
  if (last) window.answerLengths.push(last.textContent.length);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


# Module scope, not session: while Playwright's sync API is active it keeps an asyncio loop running
# in the main thread, and later tests that run their own loop there would fail.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class ChatPage:
    """The chat page in a fresh browser context, with every request it made recorded."""

    page: object
    origin: str
    requests: list[str] = field(default_factory=list)

    def send(self, message: str) -> None:
        """Type the message and press Enter (the keyboard path), then wait for the answer to end."""
        before = self.turn_count()
        self.page.get_by_label("Your message").fill(message)
        self.page.get_by_label("Your message").press("Enter")
        self.wait_for_turns(before + 1)

    def click(self, name: str) -> None:
        before = self.turn_count()
        self.page.get_by_role("button", name=name).last.click()
        self.wait_for_turns(before + 1)

    def turn_count(self) -> int:
        return self.page.locator(".turn").count()

    def wait_for_turns(self, count: int) -> None:
        # A turn leaves "streaming" on its end or error frame (or when the connection fails).
        self.page.wait_for_function(
            "n => document.querySelectorAll('.turn').length >= n"
            " && !document.querySelector('.turn[data-state=streaming]')",
            arg=count,
        )

    def last_turn(self) -> object:
        return self.page.locator(".turn").last

    def answer_lengths(self) -> list[int]:
        return self.page.evaluate("window.answerLengths")

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin + "/")]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        path = ARTIFACTS_DIR / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_chat(chromium) -> Iterator[Callable[[str], ChatPage]]:
    """open_chat(agent_url) -> the chat page loaded, its health check done."""
    contexts = []

    def open_page(agent_url: str) -> ChatPage:
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.add_init_script(RECORD_ANSWER_LENGTHS)
        parts = urlsplit(agent_url)
        chat = ChatPage(page, f"{parts.scheme}://{parts.netloc}")
        page.on("request", lambda request: chat.requests.append(request.url))
        page.goto(agent_url + "/")
        page.wait_for_selector("#model-status:not([hidden]), #agent-status:not([hidden])")
        return chat

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def stack(start_ticket_api, start_agent_process):
    """A fresh ticket API and the agent (offline model, pausing between words) in front of it."""
    api = start_ticket_api()
    # 20 ms between words: the answer arrives in many separate pieces a test can observe.
    # Retrying a stopped ticket API for at most a second keeps the "API down" test short.
    agent = start_agent_process(api.url, AGENT_OFFLINE_WORD_DELAY_MS="20", AGENT_TICKET_RETRY_MAX_SECONDS="1")
    return api, agent


def tickets(api_url: str) -> list[dict]:
    return httpx.get(api_url + "/api/tickets/", params={"page_size": 200}).json()["results"]


@pytest.fixture
def list_tickets() -> Callable[[str], list[dict]]:
    return tickets

