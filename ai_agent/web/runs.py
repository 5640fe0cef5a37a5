"""One agent run in its own asyncio task, so that a client disconnect stops it completely.

Why not iterate Assistant.stream directly in the response's task? On disconnect sse-starlette
cancels its anyio task group, and anyio keeps re-cancelling every await inside that group until it
exits. LangGraph's clean-up on cancellation awaits (it cancels its node tasks and waits for them),
so under repeated cancellation it is cut short: the node running inside a specialist subgraph,
and its in-flight ticket call, go on after the client left (tests/web/test_disconnect.py shows it).
A plain asyncio task cancelled once lets LangGraph finish its clean-up; `stop()` does that and
waits for the run to be gone, shielded from the group's cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass

import anyio

from agent.events import AgentEvent

# A few events of slack between the run and a slow client; beyond that the run waits (backpressure).
QUEUE_SIZE = 8
# Cancelled runs finish in milliseconds; the bound only keeps a stuck one from hanging the response.
STOP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class _Finished:
    error: Exception | None = None


class AgentRun:
    """Runs `start()` (an Assistant.run(...) call) in a task and relays its events."""

    def __init__(self, start: Callable[[], AsyncIterator[AgentEvent]]) -> None:
        self._queue: asyncio.Queue[AgentEvent | _Finished] = asyncio.Queue(QUEUE_SIZE)
        self._task = asyncio.create_task(self._produce(start), name="agent-run")

    async def events(self) -> AsyncIterator[AgentEvent]:
        """The run's events as they come; raises the run's exception if it failed."""
        while not isinstance(item := await self._queue.get(), _Finished):
            yield item
        if item.error is not None:
            raise item.error

    async def stop(self) -> None:
        """Cancel the run (if still going) and wait until it has completely stopped."""
        self._task.cancel()
        with anyio.move_on_after(STOP_TIMEOUT_SECONDS, shield=True):
            await asyncio.wait([self._task])

    async def _produce(self, start: Callable[[], AsyncIterator[AgentEvent]]) -> None:
        try:
            async with aclosing(start()) as events:
                async for event in events:
                    await self._queue.put(event)
        except Exception as error:  # handed to the consumer, which logs and reports it
            await self._queue.put(_Finished(error))
        else:
            await self._queue.put(_Finished())
