"""Fixtures for the agent package's tests: the real graph against the real ticket API.

Test modules cannot import each other (pytest runs with --import-mode=importlib), so what this
folder's tests share is a fixture here (what every folder shares is in tests/support):

- `scripted_model` / `planned_model`: chat models at the language-model boundary that emit real
  tool calls (the only fake in these tests besides the HTTP doubles of tests/support);
- `make_assistant` / `run_agent`: a real Assistant (real graph, tools, ticket client);
- `ticket_store`: a plain httpx client to set up and check tickets through the real API.

The HTTP test doubles (`start_fake_llm`, `start_proxy`) are fixtures of the root conftest.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
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
from conftest import agent_environ

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
