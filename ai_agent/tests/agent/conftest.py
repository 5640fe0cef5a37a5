"""Fixtures for the agent package's tests: the real graph against the real ticket API.

Test modules cannot import each other (pytest runs with --import-mode=importlib and several
folders are called `tests`), so everything they share is a fixture here:

- `scripted_model` / `planned_model`: chat models at the language-model boundary that emit real
  tool calls (the only fake in these tests besides the HTTP fakes below);
- `make_assistant` / `run_agent`: a real Assistant (real graph, tools, ticket client);
- `ticket_store`: a plain httpx client to set up and check tickets through the real API;
- `start_fake_llm`: a local HTTP server speaking the chat-completions wire format (streamed SSE
  chunks and tool calls), for the azure/openai providers through langchain-openai's real client;
- `start_proxy`: a tiny HTTP proxy in front of the ticket API that can lose responses or inject
  429/503 answers, to watch retries and idempotency from the outside.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import httpx
import pytest
import pytest_asyncio
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent.assistant import Assistant, new_thread_id
from agent.events import AgentEvent, ConfirmEvent, TokenEvent, ToolEndEvent, ToolStartEvent, UsageEvent
from agent.models import ChatModels
from agent.settings import AgentSettings, load_settings
from conftest import QuietHandler, ThreadedServer, agent_environ

# --- scripted chat models ---------------------------------------------------------------------

Script = Callable[[list[BaseMessage], list[str]], AIMessage]


class ScriptedChatModel(BaseChatModel):
    """Answers each call with script(messages, bound tool names); streams text word by word.

    Tool calls get uuid4 ids, like a real model's unique ids. `calls` records every call's
    bound tool names and messages, so tests can see what the graph showed the model.
    """

    script: Script
    word_delay_s: float = 0.0
    calls: list[tuple[list[str], list[BaseMessage]]] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self.bind(tools=[convert_to_openai_tool(tool) for tool in tools], **kwargs)

    def _answer(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage:
        names = [tool["function"]["name"] for tool in kwargs.get("tools") or []]
        self.calls.append((names, list(messages)))
        return self.script(messages, names)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._answer(messages, kwargs))])

    async def _astream(self, messages, stop=None, run_manager=None, **kwargs) -> AsyncIterator[ChatGenerationChunk]:
        message = self._answer(messages, kwargs)
        # Like a real model: any text first, word by word, then the tool calls.
        text = str(message.text)
        for index, word in enumerate(text.split(" ") if text else []):
            if self.word_delay_s:
                await asyncio.sleep(self.word_delay_s)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word if index == 0 else " " + word))
        if message.tool_calls:
            chunks = [
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i, "type": "tool_call_chunk"}
                for i, c in enumerate(message.tool_calls)
            ]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))


def tool_call(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex}", "type": "tool_call"}


@dataclass
class Step:
    """One piece of work: the router routes `task` to `specialist`, which makes `calls`."""

    specialist: str
    task: str
    calls: list[tuple[str, dict[str, Any]]]


def route_reports(messages: list[BaseMessage]) -> list[str]:
    last_human = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
    return [str(m.text) for m in messages[last_human + 1 :] if isinstance(m, ToolMessage) and m.name == "route"]


def planned_script(steps: list[Step], summary: Callable[[list[str]], str] | None = None) -> Script:
    """Router: route the steps in order, then summarise the reports. Specialist: do its step's calls."""
    summary = summary or (lambda reports: "Summary: " + " | ".join(reports))

    def script(messages: list[BaseMessage], tools: list[str]) -> AIMessage:
        if "route" in tools:
            reports = route_reports(messages)
            if len(reports) < len(steps):
                step = steps[len(reports)]
                return AIMessage(content="", tool_calls=[tool_call("route", specialist=step.specialist, task=step.task)])
            return AIMessage(content=summary(reports))
        if isinstance(messages[-1], ToolMessage):
            results = [str(m.text) for m in messages if isinstance(m, ToolMessage)]
            return AIMessage(content="REPORT " + " / ".join(results))
        task = str(messages[-1].text)
        step = next(step for step in steps if step.task == task)
        return AIMessage(content="", tool_calls=[tool_call(name, **args) for name, args in step.calls])

    return script


@pytest.fixture
def scripted_model() -> Callable[..., ScriptedChatModel]:
    def make(script: Script, *, word_delay_s: float = 0.0) -> ScriptedChatModel:
        return ScriptedChatModel(script=script, word_delay_s=word_delay_s, calls=[])

    return make


@pytest.fixture
def planned_model(scripted_model) -> Callable[..., ScriptedChatModel]:
    """planned_model([Step(...), ...], summary=None, word_delay_s=0) -> a model for both roles."""

    def make(steps: list[Step], summary: Callable[[list[str]], str] | None = None, **kwargs: Any) -> ScriptedChatModel:
        return scripted_model(planned_script(steps, summary), **kwargs)

    return make


@pytest.fixture
def step() -> type[Step]:
    return Step


@pytest.fixture
def make_tool_call() -> Callable[..., dict[str, Any]]:
    return tool_call


# --- the assistant ---------------------------------------------------------------------------


@pytest.fixture
def agent_settings() -> Callable[..., AgentSettings]:
    def make(ticket_system_url: str, **overrides: str) -> AgentSettings:
        return load_settings(agent_environ(ticket_system_url, **overrides))

    return make


@pytest_asyncio.fixture
async def make_assistant(agent_settings) -> AsyncIterator[Callable[..., Assistant]]:
    """make_assistant(url, model=None, **env): a real Assistant; `model` replaces the chat models."""
    made: list[Assistant] = []

    def make(ticket_system_url: str, model: BaseChatModel | None = None, **env: str) -> Assistant:
        settings = agent_settings(ticket_system_url, **env)
        models = None
        if model is not None:
            info = {"provider": "scripted", "router_model": "scripted", "specialist_model": "scripted", "language_model": True}
            models = ChatModels(router=model, specialist=model, info=info)
        assistant = Assistant(settings, models=models)
        made.append(assistant)
        return assistant

    yield make
    for assistant in made:
        await assistant.aclose()


EventT = TypeVar("EventT", bound=AgentEvent)


@dataclass
class Run:
    events: list[AgentEvent]
    thread_id: str = ""

    def of_kind(self, kind: type[EventT]) -> list[EventT]:
        return [event for event in self.events if isinstance(event, kind)]

    @property
    def answer(self) -> str:
        return "".join(self.tokens)

    @property
    def tokens(self) -> list[str]:
        return [event.delta for event in self.of_kind(TokenEvent)]

    @property
    def tools_started(self) -> list[ToolStartEvent]:
        return self.of_kind(ToolStartEvent)

    @property
    def tools_ended(self) -> list[ToolEndEvent]:
        return self.of_kind(ToolEndEvent)

    @property
    def confirmations(self) -> list[ConfirmEvent]:
        return self.of_kind(ConfirmEvent)

    @property
    def usage(self) -> list[UsageEvent]:
        """One per turn (a confirmation's answer is a turn of its own)."""
        return self.of_kind(UsageEvent)


@pytest.fixture
def run_agent() -> Callable[..., Any]:
    """await run_agent(assistant, message, thread_id=None, answers=()) -> Run with every event, in order.

    Each of `answers` ("yes"/"no") answers the confirmation the run paused on, as a new turn of
    the same thread, like a client would; the Run holds the events of all of them.
    """

    async def run(assistant: Assistant, message: str, *, thread_id: str | None = None,
                  answers: tuple[str, ...] | list[str] = ()) -> Run:
        thread_id = thread_id or new_thread_id()
        events = [event async for event in assistant.stream(message, thread_id=thread_id)]
        for answer in answers:
            asked = [event for event in events if not isinstance(event, UsageEvent)]
            assert asked and isinstance(asked[-1], ConfirmEvent), f"no confirmation to answer {answer!r}"
            events += [event async for event in assistant.stream(thread_id=thread_id, confirm=answer)]
        return Run(events, thread_id)

    return run


# --- the ticket API, directly ----------------------------------------------------------------


class TicketStore:
    """Set-up and checks straight through the real ticket API (not through the agent)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def create(self, title: str, description: str = "Details.", status: str = "OPEN") -> dict[str, Any]:
        response = self.http.post("/api/tickets/", json={"title": title, "description": description, "resolution_status": status})
        response.raise_for_status()
        return response.json()

    def get(self, ticket_id: int) -> dict[str, Any] | None:
        response = self.http.get(f"/api/tickets/{ticket_id}/")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def all(self) -> list[dict[str, Any]]:
        response = self.http.get("/api/tickets/", params={"page_size": 200})
        response.raise_for_status()
        return response.json()["results"]

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def ticket_store(ticket_api) -> Iterator[TicketStore]:
    store = TicketStore(ticket_api.url)
    yield store
    store.close()


# --- fake chat-completions server ------------------------------------------------------------


@dataclass
class LlmRequest:
    path: str  # without the query
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def tool_names(self) -> list[str]:
        return [tool["function"]["name"] for tool in self.body.get("tools") or []]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])


@dataclass
class LlmReply:
    """What the fake model answers: streamed text, or tool calls, or an HTTP error."""

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    status: int = 200
    error: dict[str, Any] | None = None
    chunk_delay_s: float = 0.0


@dataclass
class FakeLlm:
    server: ThreadedServer
    requests: list[LlmRequest]
    sent_at: list[float]  # when the server wrote each text chunk (time.monotonic)

    @property
    def url(self) -> str:
        return self.server.url


# Tokens the fake model reports per call, when the client asks for usage (stream_options).
FAKE_INPUT_TOKENS, FAKE_OUTPUT_TOKENS = 120, 9


def _sse(payload: dict[str, Any] | str) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {data}\n\n".encode()


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None, *, response_id: str) -> dict[str, Any]:
    return {
        "id": response_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }


def _reply_chunks(model: str, reply: LlmReply) -> list[tuple[dict[str, Any], bool]]:
    """The chunks of one streamed answer; the bool marks chunks that carry answer text."""
    # Every response has its own id, like the real service's (LangGraph tells messages apart by id).
    chunk = partial(_chunk, model, response_id=f"chatcmpl-{uuid.uuid4().hex}")
    chunks: list[tuple[dict[str, Any], bool]] = [(chunk({"role": "assistant", "content": ""}), False)]
    if reply.tool_calls:
        for index, (name, args) in enumerate(reply.tool_calls):
            arguments = args if isinstance(args, str) else json.dumps(args)  # a str is sent as is, even if broken
            half = len(arguments) // 2
            start = {"index": index, "id": f"call_{uuid.uuid4().hex[:24]}", "type": "function",
                     "function": {"name": name, "arguments": arguments[:half]}}
            chunks.append((chunk({"tool_calls": [start]}), False))
            rest = {"index": index, "function": {"arguments": arguments[half:]}}
            chunks.append((chunk({"tool_calls": [rest]}), False))
        chunks.append((chunk({}, "tool_calls"), False))
        return chunks
    words = reply.text.split(" ")
    for index, word in enumerate(words):
        chunks.append((chunk({"content": word if index == 0 else " " + word}), True))
    chunks.append((chunk({}, "stop"), False))
    return chunks


@pytest.fixture
def start_fake_llm() -> Iterator[Callable[[Callable[[LlmRequest], LlmReply]], FakeLlm]]:
    """start_fake_llm(answer) where answer(request) -> LlmReply; records every request."""
    servers: list[ThreadedServer] = []

    def start(answer: Callable[[LlmRequest], LlmReply]) -> FakeLlm:
        requests: list[LlmRequest] = []
        sent_at: list[float] = []

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                path, _, query = self.path.partition("?")
                body = json.loads(self.read_body() or b"{}")
                request = LlmRequest(
                    path=path,
                    query=dict(part.split("=", 1) for part in query.split("&") if "=" in part),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=body,
                )
                requests.append(request)
                reply = answer(request)
                if reply.status != 200:
                    payload = json.dumps({"error": reply.error or {"message": "fake error", "type": "fake", "code": None}})
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload.encode())
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                model = body.get("model") or "fake-model"
                for chunk, is_text in _reply_chunks(model, reply):
                    self.wfile.write(_sse(chunk))
                    self.wfile.flush()
                    if is_text:
                        sent_at.append(time.monotonic())
                        if reply.chunk_delay_s:
                            time.sleep(reply.chunk_delay_s)
                if (body.get("stream_options") or {}).get("include_usage"):
                    # As the real service does: a last chunk with no choices, carrying the usage.
                    usage = {"prompt_tokens": FAKE_INPUT_TOKENS, "completion_tokens": FAKE_OUTPUT_TOKENS,
                             "total_tokens": FAKE_INPUT_TOKENS + FAKE_OUTPUT_TOKENS}
                    self.wfile.write(_sse({"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk",
                                           "created": int(time.time()), "model": model, "choices": [], "usage": usage}))
                self.wfile.write(_sse("[DONE]"))
                self.wfile.flush()
                self.close_connection = True

        server = ThreadedServer(Handler)
        servers.append(server)
        return FakeLlm(server=server, requests=requests, sent_at=sent_at)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def llm_reply() -> type[LlmReply]:
    return LlmReply


# --- proxy in front of the ticket API --------------------------------------------------------


@dataclass
class Proxy:
    """Forwards to the ticket API; `faults` decides per request what goes wrong.

    faults(method, path, index) -> None (forward), "drop" (forward, then close the connection
    without answering: the response is lost), a status (answer it with Retry-After: 0 without
    forwarding) or (status, retry_after) to choose the Retry-After value. `seen` lists (method, path, headers) of every request that arrived.
    """

    server: ThreadedServer
    seen: list[tuple[str, str, dict[str, str]]]

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def start_proxy() -> Iterator[Callable[..., Proxy]]:
    servers: list[ThreadedServer] = []

    def start(target: str, faults: Callable[[str, str, int], Any] = lambda *_: None) -> Proxy:
        seen: list[tuple[str, str, dict[str, str]]] = []
        lock = threading.Lock()
        upstream = httpx.Client(base_url=target, timeout=30)

        class Handler(QuietHandler):
            def _handle(self) -> None:
                body = self.read_body()
                with lock:
                    index = len(seen)
                    seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                fault = faults(self.command, self.path, index)
                if isinstance(fault, (int, tuple)):
                    status, retry_after = fault if isinstance(fault, tuple) else (fault, "0")
                    body = b'{"detail": "injected by the test proxy"}'
                    self._answer(status, body, {"Retry-After": retry_after, "Content-Type": "application/json"})
                    return
                forward = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
                response = upstream.request(self.command, self.path, content=body, headers=forward)
                if fault == "drop":
                    self.close_connection = True  # the API did the work; the client never hears of it
                    return
                headers = {k: v for k, v in response.headers.items()
                           if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding")}
                self._answer(response.status_code, response.content, headers)

            def _answer(self, status: int, content: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle  # noqa: N815

        server = ThreadedServer(Handler)
        servers.append(server)
        return Proxy(server=server, seen=seen)

    yield start
    for server in servers:
        server.stop()
