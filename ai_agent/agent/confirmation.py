"""The person confirms every deletion: a graph node that pauses before delete_ticket runs.

In the delete specialist the model's tool calls pass through `confirm_deletes` before the tool
node. For each delete_ticket call, in order, it asks with LangGraph's interrupt(): the run stops,
the checkpointer keeps it, and the stream sends a `confirm` event. A later request resumes it
with Command(resume={"call_id", "answer"}). The decision lands in the specialist's state
(`confirmations`), and the delete tool itself refuses any call not marked "yes"
(`unconfirmed_delete`, which tools.py runs before the deletion), so neither a prompt nor a
ticket's text nor a model's output can skip the question.

Why a node before the tools, not interrupt() inside the tool: the tool node runs a message's
calls concurrently, and interrupt() matches answers to questions by their order within a node.
Here the questions come one at a time in the calls' order, and every answer names the call it
answers (a mismatch counts as "no"). On resume this node runs again from the top: its only side
effect before interrupt() is reading the ticket for its title, which is harmless to repeat; no
ticket is deleted before every question of the message is answered.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from langchain_core.messages import AIMessage
from langgraph.prebuilt import ToolRuntime
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.context import Context
from agent.state import SpecialistState
from ticket_api.arguments import DeleteTicketArgs
from ticket_api.client import TicketApiError, TicketClient, TicketSystemUnavailable
from ticket_api.operations import DELETE, Outcome, ResultData
from ticket_api.refusals import missing_ticket

DELETE_TOOL = DELETE.name
# A person's answer to a pending confirmation (checked once, at the edge: web/chat_request.py).
Answer = Literal["yes", "no"]
YES, NO = get_args(Answer)
# Recorded instead of asking when the ticket is already gone: the tool reports it as missing.
MISSING = "missing"


class ConfirmationError(Exception):
    """A confirm answer or a message that does not fit the thread's state (the web layer's 409/400)."""


async def confirm_deletes(state: SpecialistState, runtime: Runtime[Context]) -> dict[str, Any]:
    """The node that asks before each delete_ticket call of the model's latest message."""
    message = state["messages"][-1]
    calls = message.tool_calls if isinstance(message, AIMessage) else []
    decisions: dict[str, str] = {}
    for call in calls:
        ticket_id = _ticket_id(call) if call["name"] == DELETE_TOOL else None
        if ticket_id is None:
            continue  # not a delete, or arguments the tool's own validation rejects
        title = await _title(runtime.context.tickets, ticket_id)
        if title is MISSING:
            decisions[call["id"]] = MISSING
            continue
        answer = interrupt({
            "action": DELETE_TOOL,
            "ticket_id": ticket_id,
            "prompt": delete_prompt(ticket_id, title),
            "call_id": call["id"],
        })
        decisions[call["id"]] = decision(answer, call["id"])
    return {"confirmations": decisions}


def unconfirmed_delete(runtime: ToolRuntime[Context], args: DeleteTicketArgs) -> Outcome | None:
    """The delete tool's last line of defence: unless the person said yes to this very call (as
    confirm_deletes recorded it in the state), the result that replaces the deletion."""
    recorded = (runtime.state.get("confirmations") or {}).get(runtime.tool_call_id)
    if recorded == YES:
        return None
    if recorded == MISSING:
        return Outcome.failure(missing_ticket(args.ticket_id))
    text = f"Ticket {args.ticket_id} was not deleted: the person did not confirm deleting it."
    return Outcome(text, ResultData(subject=args.ticket_id))  # the ticket is still there: "it" can mean it


def delete_prompt(ticket_id: int, title: str | None) -> str:
    return f'Delete ticket {ticket_id} "{title}"?' if title else f"Delete ticket {ticket_id}?"


def decision(answer: Any, call_id: str) -> str:
    """YES only for an explicit yes to this very call; anything else is NO."""
    if isinstance(answer, dict) and answer.get("call_id") == call_id and answer.get("answer") == YES:
        return YES
    return NO


def resume_value(question: dict[str, Any], answer: Answer) -> dict[str, str]:
    """What Command(resume=...) carries for an answer to `question` (an interrupt's value)."""
    return {"call_id": str(question.get("call_id", "")), "answer": answer}


def _ticket_id(call: dict[str, Any]) -> int | None:
    value = call.get("args", {}).get("ticket_id")
    try:
        ticket_id = int(value)
    except (TypeError, ValueError):
        return None
    return ticket_id if ticket_id >= 1 and str(ticket_id) == str(value).strip() else None


async def _title(client: TicketClient, ticket_id: int) -> str | None:
    """The ticket's title; MISSING when it does not exist; None when it cannot be read now."""
    try:
        ticket = await client.get_ticket(ticket_id)
    except TicketApiError as error:
        return MISSING if error.status == 404 else None
    except TicketSystemUnavailable:
        return None  # still ask, without the title: the delete itself will report the outage
    return ticket.title or None
