"""Fixtures for the web service's tests: the real app in a real uvicorn server, over real sockets.

The agent app runs in a thread of the test process (so tests can look at its event loop's tasks)
on a free port, with the real Assistant and the offline model, against the real ticket API from
the root conftest (`ticket_api`, `start_ticket_api`). The only fake is at the language-model
boundary: `start_fake_model` answers the OpenAI wire format with a chosen HTTP error.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn

from agent.models import ChatModels
from agent.settings import load_settings
from main import SERVER_OPTIONS
from web.app import create_app
from conftest import QuietHandler, ThreadedServer, agent_environ, free_port

FRAME_END = re.compile(r"\r\n\r\n|\n\n|\r\r")


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
        if self.server and self.thread:
            self.server.should_exit = True
            self.thread.join(timeout=10)
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


# --- reading SSE streams over a real socket ---------------------------------------------------

@dataclass
class Frame:
    """One SSE frame as received: its fields, its raw text and when its last byte arrived."""

    raw: str
    fields: dict[str, str]
    arrived: float

    @property
    def name(self) -> str | None:
        return self.fields.get("event")

    @property
    def data(self) -> Any:
        return json.loads(self.fields["data"]) if "data" in self.fields else None


def parse_frame(raw: str, arrived: float) -> Frame:
    fields: dict[str, str] = {}
    for line in re.split(r"\r\n|\r|\n", raw):
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")  # our frames have at most one data line
    return Frame(raw=raw, fields=fields, arrived=arrived)


def iter_frames(response: httpx.Response) -> Iterator[Frame]:
    """Frames in arrival order, each stamped with time.monotonic() when it was complete."""
    pending = ""
    for chunk in response.iter_text():
        now = time.monotonic()
        pending += chunk
        *complete, pending = FRAME_END.split(pending)
        for raw in complete:
            yield parse_frame(raw, now)


@dataclass
class ChatResult:
    status: int
    headers: httpx.Headers
    text: str
    frames: list[Frame]
    started: float

    def named(self, name: str) -> list[Frame]:
        return [frame for frame in self.frames if frame.name == name]

    @property
    def answer(self) -> str:
        return "".join(frame.data["delta"] for frame in self.named("token"))

    @property
    def events(self) -> list[str]:
        """The names of the frames that carry an event (not retry or keep-alive comments)."""
        return [frame.name for frame in self.frames if frame.name]


def send_chat(base_url: str, message: str | None = None, *, method: str = "GET", timeout: float = 60,
         **request: Any) -> ChatResult:
    """One /chat request read to the end over a real socket."""
    if method == "GET" and message is not None:
        request["params"] = {"message": message}
    started = time.monotonic()
    with httpx.Client(timeout=timeout) as client, client.stream(method, base_url + "/chat", **request) as response:
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            frames = list(iter_frames(response))
            text = "".join(frame.raw + "\n\n" for frame in frames)
        else:
            frames, text = [], response.read().decode()
    return ChatResult(response.status_code, response.headers, text, frames, started)


@pytest.fixture
def chat() -> Callable[..., ChatResult]:
    """chat(base_url, message, method="GET", **httpx_request_args) -> ChatResult, read to the end."""
    return send_chat


@pytest.fixture
def read_frames() -> Callable[[httpx.Response], Iterator[Frame]]:
    """read_frames(streaming_response) -> frames as they arrive, with arrival times."""
    return iter_frames


@pytest.fixture
def port() -> int:
    return free_port()


# --- a fake language model: the OpenAI HTTP API answering one chosen error --------------------

@dataclass
class FakeModelServer:
    """Answers every request with `status` and an OpenAI-style error body; records the paths."""

    status: int
    message: str
    paths: list[str] = field(default_factory=list)
    server: ThreadedServer | None = None

    @property
    def url(self) -> str:
        return f"{self.server.url}/v1"

    def start(self) -> FakeModelServer:
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self.read_body()
                fake.paths.append(self.path)
                body = json.dumps({"error": {"message": fake.message, "type": "invalid_request_error",
                                             "code": "invalid_api_key"}}).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadedServer(Handler)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()


@pytest.fixture
def start_fake_model() -> Iterator[Callable[..., FakeModelServer]]:
    servers: list[FakeModelServer] = []

    def start(status: int, message: str) -> FakeModelServer:
        server = FakeModelServer(status, message).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# --- a slow, recording proxy in front of the ticket API ---------------------------------------

@dataclass
class SlowProxy:
    """Forwards to the ticket API after `delay` seconds and records (time, method, path) per request.

    It makes the agent's ticket calls slow enough to disconnect in the middle of a run, and shows
    which calls the agent made and when.
    """

    target: str
    delay: float
    requests: list[tuple[float, str, str]] = field(default_factory=list)
    server: ThreadedServer | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> SlowProxy:
        proxy = self

        class Handler(QuietHandler):
            def forward(self) -> None:
                proxy.requests.append((time.monotonic(), self.command, self.path))
                body = self.read_body()
                time.sleep(proxy.delay)
                headers = {name: value for name, value in self.headers.items()
                           if name.lower() in ("content-type", "authorization", "idempotency-key", "accept", "if-match")}
                answer = httpx.request(self.command, proxy.target + self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                for name in ("Content-Type", "Location", "Retry-After", "ETag"):
                    if name in answer.headers:
                        self.send_header(name, answer.headers[name])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = forward

        self.server = ThreadedServer(Handler)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()


@pytest.fixture
def start_slow_proxy() -> Iterator[Callable[..., SlowProxy]]:
    proxies: list[SlowProxy] = []

    def start(target: str, delay: float) -> SlowProxy:
        proxy = SlowProxy(target, delay).start()
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.stop()
