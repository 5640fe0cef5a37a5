"""The ticket tools the specialists call: a LangChain front end over ticket_api's operations.

A tool validates its arguments with its operation's schema, announces its start and end on
LangGraph's custom stream (ToolStartEvent / ToolEndEvent) so the person sees ticket activity as
it happens, runs the operation with the run's ticket client (runtime.context, agent/context.py)
and returns the text for the model, with the result as data in the ToolMessage's artifact.
The delete tool first asks confirmation.py whether the person said yes to this very call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from langgraph.prebuilt import ToolRuntime
from pydantic import BaseModel

from agent.confirmation import unconfirmed_delete
from agent.context import Context
from agent.events import ToolEndEvent, ToolStartEvent
from ticket_api.client import TicketSystemUnavailable
from ticket_api.operations import CREATE, DELETE, GET, LIST, UPDATE, Call, Operation, Outcome

# Decides before the operation runs; an Outcome returned here is the tool's result instead.
Guard = Callable[[ToolRuntime[Context], Any], Outcome | None]


def _tool(operation: Operation, guard: Guard | None = None) -> BaseTool:
    async def run(runtime: ToolRuntime[Context], **arguments: Any) -> tuple[str, dict[str, Any]]:
        args = operation.arguments.model_validate(arguments)
        outcome = guard(runtime, args) if guard else None
        if outcome is None:
            outcome = await _run(operation, args, runtime)
        # Plain JSON: the artifact is checkpointed with the conversation.
        return outcome.text, outcome.data.model_dump(mode="json")

    return StructuredTool.from_function(
        coroutine=run,
        name=operation.name,
        description=operation.description,
        args_schema=operation.arguments,
        response_format="content_and_artifact",
    )


async def _run(operation: Operation, args: BaseModel, runtime: ToolRuntime[Context]) -> Outcome:
    emit = runtime.stream_writer
    emit(ToolStartEvent(name=operation.name, args=args.model_dump(exclude_none=True)))
    context = runtime.context
    call = Call(context.tickets, context.idempotency_key(runtime.tool_call_id or ""))
    try:
        outcome = await operation.run(call, args)
    except TicketSystemUnavailable:
        # Not a result for the model: with the ticket system gone nothing else in the request can
        # work, so the run ends with an `error` event naming the URL (agent/errors.py).
        emit(ToolEndEvent(name=operation.name, ok=False))
        raise
    emit(ToolEndEvent(name=operation.name, ok=outcome.data.ok))
    return outcome


TICKET_TOOLS: dict[str, BaseTool] = {
    tool.name: tool for tool in (_tool(GET), _tool(LIST), _tool(CREATE), _tool(UPDATE), _tool(DELETE, unconfirmed_delete))
}
