"""Fixtures for the web service's tests: the real app in a real uvicorn server, over real sockets.

The agent app runs in a thread of the test process (so tests can look at its event loop's tasks)
on a free port, with the real Assistant and the offline model, against the real ticket API from
the root conftest (`ticket_api`, `start_ticket_api`). The only fake is at the language-model
boundary: `start_fake_model` is the fake OpenAI server (tests/support) answering a chosen error.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn

from agent.models import ChatModels
from agent.settings import load_settings
from conftest import agent_environ
from main import SERVER_OPTIONS
from tests.support import sse
from tests.support.fake_openai import FakeOpenAI, error_reply
from tests.support.http import free_port
from web.app import create_app


# --- the agent app in a uvicorn server thread -------------------------------------------------

@dataclass
class AgentServer:
    """create_app(settings) served by uvicorn on a free port, in a thread with its own event loop.

    Same app and server options as main.py; only the host (loopback) and the thread differ.
    """

    environ: dict[str, str]
    models: ChatModels | None = None
    port: int = field(default_factory=free_port)
    loop: asyncio.AbstractEventLoop | None = None
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AgentServer:
        app = create_app(load_settings(self.environ), models=self.models)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", **SERVER_OPTIONS)
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.server.serve(),),
                                       name=f"agent-{self.port}", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the agent app did not start (see the log above)")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving and close the event loop: after it, the app sends nothing more. Idempotent."""
        if self.server and self.thread:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.thread = None
            # Long-lived library tasks (sse-starlette's shutdown watcher) are still pending:
            # cancel them so closing the loop does not warn "Task was destroyed but it is pending".
            self.loop.run_until_complete(cancel_other_tasks())
            self.loop.close()

    def tasks(self) -> list[str]:
        """Descriptions of the tasks alive on the server's event loop (asyncio.all_tasks there)."""

        async def snapshot() -> list[str]:
            current = asyncio.current_task()
            return sorted(describe_task(task) for task in asyncio.all_tasks() if task is not current)

        return asyncio.run_coroutine_threadsafe(snapshot(), self.loop).result(timeout=5)


async def cancel_other_tasks() -> None:
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


def describe_task(task: asyncio.Task) -> str:
    coro = task.get_coro()
    return getattr(coro, "__qualname__", repr(coro))


@pytest.fixture
def start_agent(tmp_path_factory) -> Iterator[Callable[..., AgentServer]]:
    """start_agent(ticket_system_url, models=None, **env) -> a running AgentServer; stopped after the test.

    Each server keeps its conversations in a fresh data folder unless env names one; `models`
    replaces the chat models (the language-model boundary) with scripted ones.
    """
    servers: list[AgentServer] = []

    def start(ticket_system_url: str, models: ChatModels | None = None, **env: str) -> AgentServer:
        env = {"AGENT_DATA_DIR": str(tmp_path_factory.mktemp("agent-data")), **env}
        server = AgentServer(agent_environ(ticket_system_url, **env), models=models)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def agent(start_agent, ticket_api) -> AgentServer:
    """The agent with the offline model, in front of a fresh, empty ticket API."""
    return start_agent(ticket_api.url)


@pytest.fixture
def unreachable_url() -> str:
    """An http URL where nothing listens (a free port nobody binds)."""
    return f"http://127.0.0.1:{free_port()}"


# --- reading /chat streams (tests/support/sse.py) and a failing language model ----------------

@pytest.fixture
def chat() -> Callable[..., sse.ChatResult]:
    """chat(base_url, message, method="GET", **httpx_request_args) -> ChatResult, read to the end."""
    return sse.send_chat


@pytest.fixture
def read_frames() -> Callable[[httpx.Response], Iterator[sse.Frame]]:
    """read_frames(streaming_response) -> its frames, each as soon as it has arrived."""
    return sse.read_frames


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def start_fake_model(start_fake_llm) -> Callable[[int, str], FakeOpenAI]:
    """start_fake_model(status, message) -> a FakeOpenAI answering every request with that error."""

    def start(status: int, message: str) -> FakeOpenAI:
        return start_fake_llm(lambda request: error_reply(status, message, code="invalid_api_key"))

    return start
