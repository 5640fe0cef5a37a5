"""The Assistant: one ticket client, the chat models and the compiled graph for one process.

Every run belongs to a thread (a conversation). The checkpointer keeps each thread's messages,
and a run paused for a confirmation, between requests and across processes sharing it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command, Interrupt

from agent.confirmation import Answer, ConfirmationError, resume_value
from agent.context import Context
from agent.events import AgentEvent, ConfirmEvent, TokenEvent, ToolEndEvent, ToolStartEvent
from agent.graph import ROUTER, build_graph
from agent.models import ChatModels, build_models
from agent.settings import AgentSettings
from agent.usage import UsageCounter
from ticket_api.client import RetryPolicy, TicketClient

# Thread ids travel in URLs and logs: a conservative alphabet, bounded length (use fullmatch).
THREAD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def new_thread_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Turn:
    """One request's part of a thread, checked and ready to run: its graph input is a new
    message, or the resume of a paused run with the person's answer."""

    thread_id: str
    graph_input: Any


class Assistant:
    """Owns the ticket client, the chat models and the compiled graph for one process."""

    def __init__(
        self,
        settings: AgentSettings,
        *,
        models: ChatModels | None = None,
        checkpointer: BaseCheckpointSaver | None = None,
    ) -> None:
        # No I/O here: the HTTP client connects on first use, the models on their first call.
        # `models` lets tests drive the real graph with a scripted chat model. The web app passes
        # the configured checkpointer (checkpoint.py); without one, threads live in this object's
        # memory (scripts and tests that need no persistence).
        self.settings = settings
        self._client = TicketClient(
            settings.ticket_system_url,
            token=settings.tickets_api_token.get_secret_value() if settings.tickets_api_token else None,
            timeout_s=settings.ticket_timeout_s,
            retry=RetryPolicy(attempts=settings.ticket_retry_attempts, max_seconds=settings.ticket_retry_max_seconds),
        )
        self._models = models or build_models(settings)
        self._graph = build_graph(
            self._models.router,
            self._models.specialist,
            checkpointer=checkpointer or InMemorySaver(),
            history_max_tokens=settings.history_max_tokens,
        )

    async def start_turn(
        self, message: str | None = None, *, thread_id: str | None = None, confirm: Answer | None = None
    ) -> Turn:
        """A new message, or the answer to the thread's pending confirmation, checked against the
        thread's state (read once): ConfirmationError when a message arrives while a confirmation
        is pending, or a confirm when none is. The request's own shape (a message or a confirm,
        their values) is the caller's to check (web/chat_request.py). thread_id None starts a new
        thread; an unknown id starts a new thread under that id."""
        thread_id = new_thread_id() if thread_id is None else thread_id
        pending = await self._pending(self._config(thread_id))
        if confirm is not None:
            if pending is None:
                raise ConfirmationError(f"thread {thread_id} has no pending confirmation to answer")
            return Turn(thread_id, Command(resume=resume_value(pending.value, confirm)))
        if pending is not None:
            raise ConfirmationError(
                f"thread {thread_id} is waiting for an answer to {pending.value.get('prompt')!r}: "
                "send confirm=yes or confirm=no with this thread_id before a new message"
            )
        return Turn(thread_id, {"messages": [HumanMessage(message or "")]})

    async def stream(
        self, message: str | None = None, *, thread_id: str | None = None, confirm: Answer | None = None
    ) -> AsyncIterator[AgentEvent]:
        """start_turn(...), then run(...) it: the whole turn in one call."""
        async for event in self.run(await self.start_turn(message, thread_id=thread_id, confirm=confirm)):
            yield event

    async def run(self, turn: Turn) -> AsyncIterator[AgentEvent]:
        """Run one turn of a thread (from start_turn).

        Yields answer tokens, ticket-tool events and, when a deletion needs the person's yes, a
        ConfirmEvent, after which the run is paused until a `confirm` turn answers it; last, a
        UsageEvent. Raises on failure (describe_error turns it into a sentence). Cancelling the
        consuming task cancels the graph run with it: LangGraph cancels its running node tasks,
        so no tool call starts afterwards (tests/agent/test_cancellation.py).
        """
        config = self._config(turn.thread_id)
        answer = _AnswerTokens()
        usage = UsageCounter()
        config["callbacks"] = [usage]  # reaches every model call of the run, subgraphs included
        stream = self._graph.astream(
            turn.graph_input,
            config,
            context=self._context(),
            stream_mode=["messages", "custom", "updates"],
            subgraphs=True,  # without it, events from inside the specialist subgraphs are dropped
        )
        async for namespace, mode, data in stream:
            if mode == "custom" and isinstance(data, (ToolStartEvent, ToolEndEvent)):
                yield data
            elif mode == "messages" and not namespace:
                delta = answer.delta(*data)
                if delta:
                    yield TokenEvent(delta)
            elif mode == "updates" and not namespace and "__interrupt__" in data:
                # A paused subgraph's interrupt also reaches the root namespace: report it once.
                for question in data["__interrupt__"]:
                    yield _confirm_event(turn.thread_id, question)
        yield usage.event()

    async def _pending(self, config: dict[str, Any]) -> Interrupt | None:
        snapshot = await self._graph.aget_state(config)
        return snapshot.interrupts[0] if snapshot.interrupts else None

    def _config(self, thread_id: str) -> dict[str, Any]:
        return {"recursion_limit": self.settings.recursion_limit, "configurable": {"thread_id": thread_id}}

    def _context(self) -> Context:
        """What this run's nodes and tools work with (context.py): a fresh request id every run."""
        return Context(tickets=self._client, request_id=uuid.uuid4().hex)

    def model_info(self) -> dict[str, Any]:
        return dict(self._models.info)

    async def ticket_api_status(self) -> str:
        return await self._client.health()

    async def aclose(self) -> None:
        await self._client.aclose()


def _confirm_event(thread_id: str, question: Interrupt) -> ConfirmEvent:
    value = question.value
    return ConfirmEvent(thread_id=thread_id, action=value["action"], ticket_id=value["ticket_id"], prompt=value["prompt"])


class _AnswerTokens:
    """Picks the person-facing text out of the message stream.

    Only the router writes for the person; the specialists' text is a report for the router and
    would repeat what the answer says. Chunks that carry tool calls (routing) are never text.
    If the router writes text in two separate messages, a blank line keeps them apart.
    """

    def __init__(self) -> None:
        self._message_id: str | None = None

    def delta(self, message: Any, metadata: dict[str, Any]) -> str:
        if metadata.get("langgraph_node") != ROUTER or not isinstance(message, AIMessage):
            return ""
        if getattr(message, "tool_call_chunks", None) or message.tool_calls:
            return ""
        text = str(message.text)
        if not text:
            return ""
        separator = "\n\n" if self._message_id is not None and message.id != self._message_id else ""
        self._message_id = message.id
        return separator + text
