"""The Assistant: one ticket client, the chat models and the compiled graph for one process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage

from agent.events import AgentEvent, TokenEvent, ToolEndEvent, ToolStartEvent
from agent.graph import ROUTER, build_graph
from agent.models import ChatModels, build_models
from agent.settings import AgentSettings
from agent.ticket_client import RetryPolicy, TicketClient
from agent.tools import build_ticket_tools


class Assistant:
    """Owns the ticket client, the chat models and the compiled graph for one process."""

    def __init__(self, settings: AgentSettings, *, models: ChatModels | None = None) -> None:
        # No I/O here: the HTTP client connects on first use, the models on their first call.
        # `models` lets tests drive the real graph with a scripted chat model.
        self.settings = settings
        self._client = TicketClient(
            settings.ticket_system_url,
            token=settings.tickets_api_token,
            timeout_s=settings.ticket_timeout_s,
            retry=RetryPolicy(attempts=settings.ticket_retry_attempts, max_seconds=settings.ticket_retry_max_seconds),
        )
        self._models = models or build_models(settings)
        self._graph = build_graph(self._models.router, self._models.specialist, build_ticket_tools(self._client))

    async def stream(self, message: str) -> AsyncIterator[AgentEvent]:
        """Run the graph for one message: answer tokens and ticket-tool events, in order.

        Raises on failure (describe_error turns it into a sentence). Cancelling the consuming
        task cancels the graph run with it: LangGraph cancels its running node tasks, so no
        tool call starts afterwards (tests/agent/test_cancellation.py checks this).
        """
        config = {
            "recursion_limit": self.settings.recursion_limit,
            # Mixed into every Idempotency-Key of this run (see tools.idempotency_key).
            "configurable": {"request_id": uuid.uuid4().hex},
        }
        answer = _AnswerTokens()
        stream = self._graph.astream(
            {"messages": [HumanMessage(message)]},
            config,
            stream_mode=["messages", "custom"],
            subgraphs=True,  # without it, events from inside the specialist subgraphs are dropped
        )
        async for namespace, mode, data in stream:
            if mode == "custom" and isinstance(data, (ToolStartEvent, ToolEndEvent)):
                yield data
            elif mode == "messages" and not namespace:
                delta = answer.delta(*data)
                if delta:
                    yield TokenEvent(delta)

    def model_info(self) -> dict[str, Any]:
        return dict(self._models.info)

    async def ticket_api_status(self) -> str:
        return await self._client.health()

    async def aclose(self) -> None:
        await self._client.aclose()


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
