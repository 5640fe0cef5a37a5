"""What the router model sees of a long conversation: the current turn and as much as fits before it.

The checkpointer keeps every message of a thread; only the model's view is cut, so a long thread
stays within the model's context window (AGENT_HISTORY_MAX_TOKENS, counted approximately).
Older turns are dropped whole, starting at a person's message, so no tool result is ever shown
without the call that asked for it.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langchain_core.messages.utils import count_tokens_approximately, trim_messages

CUT_OFF = "Not done: this run was cut off (the person left) before the work finished."


def conversation_window(messages: list[AnyMessage], max_tokens: int) -> list[AnyMessage]:
    """The latest turn in full, preceded by the most recent earlier turns that fit in max_tokens."""
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
    current, earlier = messages[start:], _closed(messages[:start])
    room = max_tokens - count_tokens_approximately(current)
    if room <= 0 or not earlier:
        return current
    kept = trim_messages(
        earlier,
        max_tokens=room,
        token_counter=count_tokens_approximately,
        strategy="last",
        start_on="human",  # a turn begins with the person's words; never with a dangling result
        allow_partial=False,
    )
    return [*kept, *current]


def _closed(messages: list[AnyMessage]) -> list[AnyMessage]:
    """Earlier turns with every tool call answered.

    A run stopped by a disconnect can leave a route call without its report; chat models reject
    such a history, so the view gets a short report saying the work was not done.
    """
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    closed: list[AnyMessage] = []
    for message in messages:
        closed.append(message)
        if isinstance(message, AIMessage):
            closed.extend(
                ToolMessage(content=CUT_OFF, tool_call_id=call["id"], name=call["name"], status="error")
                for call in message.tool_calls if call["id"] not in answered
            )
    return closed
