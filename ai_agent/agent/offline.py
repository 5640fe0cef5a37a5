"""A deterministic, rule-based chat model for running the agent with no language model configured.

It plays both roles of the graph with the same tools a real model gets: bound to the `route`
tool it is the router (it splits the request into clauses and routes them one by one, then
writes the summary from the specialists' reports); bound to ticket tools it is a specialist (it
turns its task into real tool calls, then reports the tool results). Tool call ids are uuid4, so
two separate "create" requests never share an Idempotency-Key. Which ticket "it" means, and
whether a tool call failed, it reads from the data the tool results and reports carry
(their artifacts), never from their text.

Phrasings it understands (case-insensitive; "please" and a trailing "?" are fine):

- list tickets / show all tickets
- show open tickets / list closed tickets / show resolved tickets
- search tickets about vpn / find open tickets about printer / which tickets about email are still open?
- show ticket 12 / show 12 / show tickets 3 and 4
- create a ticket about the VPN outage   (title "VPN outage")
- create a ticket titled "Printer jam" with description "Floor 3 printer jams on every job"
- close 12 / resolve 12 / reopen 12 / close 12, 13 and 14 / set ticket 12 to RESOLVED / mark 12 as closed
- rename ticket 12 to "New title" / change the description of 12 to "New text"
- delete ticket 12 / delete 3 and 4   (each deletion is confirmed first, one at a time)
- in a conversation (same thread): close it / resolve it / delete it / show it / rename it to "X" /
  mark it as resolved / change the description of it to "X", where "it" (or "that ticket", "this
  one") is the last ticket the conversation created, showed or changed
- several of these joined by "and", "then" or ";", e.g. create a ticket about the VPN outage and close 12,
  or: create a ticket about the printer and close it

Anything else is answered with this list. The answer streams word by word, pausing
AGENT_OFFLINE_WORD_DELAY_MS (default 15, 0 for none) between words; the first answer says that
no language model is configured.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import PrivateAttr

from agent.offline_rules import Clause, has_pronoun, parse_clause, resolve_pronoun, split_request
from agent.state import Report
from ticket_api.formatting import more_pages_hint
from ticket_api.operations import ERROR_PREFIX, ResultData

MODEL_NAME = "offline-rules"
NO_MODEL_NOTE = (
    "No language model is configured, so a rule-based offline assistant is answering; "
    "it understands only a fixed set of phrasings."
)
HELP = """I can work on tickets when you phrase it like one of these:
- list tickets, show open tickets, list closed tickets
- search tickets about vpn, which tickets about email are still open?
- show ticket 12
- create a ticket about the VPN outage, or: create a ticket titled "Title" with description "Text"
- close 12, resolve 12, reopen 12, set ticket 12 to RESOLVED
- rename ticket 12 to "New title", change the description of 12 to "New text"
- delete ticket 12 (I ask you to confirm first)
- in the same conversation: close it, show it, delete it, rename it to "New title"
  ("it" is the last ticket we created, looked at or changed)
Join several with "and", for example: create a ticket about the VPN outage and close 12."""
MORE_PAGES = "There are more; narrow the search to see them."
UNKNOWN_PRONOUN = 'I do not know which ticket you mean in "{part}": no ticket came up in this conversation yet. Name it by number, e.g. close 12.'
ROUTE_TOOL = "route"


class OfflineChatModel(BaseChatModel):
    """Rule-based stand-in for a chat model; see the module docstring for what it understands."""

    word_delay_ms: int = 15
    _introduced: bool = PrivateAttr(default=False)

    @property
    def _llm_type(self) -> str:
        return MODEL_NAME

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        return self.bind(tools=[convert_to_openai_tool(tool) for tool in tools], **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._respond(messages, kwargs.get("tools")))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in _pieces(self._respond(messages, kwargs.get("tools"))):
            yield ChatGenerationChunk(message=piece)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for index, piece in enumerate(_pieces(self._respond(messages, kwargs.get("tools")))):
            if index and self.word_delay_ms:
                await asyncio.sleep(self.word_delay_ms / 1000)
            yield ChatGenerationChunk(message=piece)

    def _respond(self, messages: list[BaseMessage], tools: list[dict[str, Any]] | None) -> AIMessage:
        names = {tool["function"]["name"] for tool in tools or []}
        if ROUTE_TOOL in names:
            return self._route_or_answer(messages)
        return _specialist_step(messages, names)

    def _route_or_answer(self, messages: list[BaseMessage]) -> AIMessage:
        request, reports = _request_and_reports(messages)
        clauses = _plan(split_request(request), _earlier_ticket(messages), reports)
        known = [clause for _, clause in clauses if clause is not None]
        if len(reports) < len(known):
            clause = known[len(reports)]
            return _tool_call_message(ROUTE_TOOL, {"specialist": clause.specialist, "task": clause.text})
        unknown = [part for part, clause in clauses if clause is None]
        return AIMessage(content=self._summary([_text(report) for report in reports], unknown))

    def _summary(self, reports: list[str], unknown: list[str]) -> str:
        paragraphs = []
        if not self._introduced:
            self._introduced = True
            paragraphs.append(NO_MODEL_NOTE)
        paragraphs.extend(reports)
        paragraphs.extend(UNKNOWN_PRONOUN.format(part=part) for part in unknown if has_pronoun(part))
        unknown = [part for part in unknown if not has_pronoun(part)]
        if unknown and reports:
            quoted = ", ".join(f'"{part}"' for part in unknown)
            paragraphs.append(f"I did not understand {quoted}.\n{HELP}")
        elif not reports:
            paragraphs.append(HELP)
        return "\n\n".join(paragraphs)


def _specialist_step(messages: list[BaseMessage], tool_names: set[str]) -> AIMessage:
    """First turn: call the tools for the task. After the tool results: report them."""
    task = _text(next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None))
    results = _latest_tool_results(messages)
    if results:
        return AIMessage(content="\n".join(_report_line(task, result) for result in results))
    clause: Clause | None = parse_clause(task)
    if clause is None:
        return AIMessage(content=f"I could not understand the task \"{task}\".")
    calls = [(name, args) for name, args in clause.calls if name in tool_names]
    if not calls:
        return AIMessage(content=f"I have no tool for \"{clause.text}\".")
    return AIMessage(content="", tool_calls=[_tool_call(name, args) for name, args in calls])


def _plan(parts: list[str], ticket: int | None, reports: list[ToolMessage]) -> list[tuple[str, Clause | None]]:
    """Each part with its clause, "it" resolved to the last ticket touched before that part.

    A part's ticket comes from the conversation before this request and from the reports of
    this request's earlier clauses ("create a ticket about X and close it"), never from later
    ones, so a part reads the same on every router turn of the request.
    """
    planned: list[tuple[str, Clause | None]] = []
    done = 0
    for part in parts:
        clause = parse_clause(resolve_pronoun(part, ticket))
        planned.append((part, clause))
        if clause is not None:
            if done < len(reports):
                ticket = _last_touched(reports[done]) or ticket
            done += 1
    return planned


def _earlier_ticket(messages: list[BaseMessage]) -> int | None:
    """The last ticket the conversation touched before the person's latest message."""
    last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
    for message in reversed(messages[:last_human]):
        if isinstance(message, ToolMessage) and message.name in (None, ROUTE_TOOL):
            ticket = _last_touched(message)
            if ticket is not None:
                return ticket
    return None


def _last_touched(report: ToolMessage) -> int | None:
    """The last ticket a specialist's report says its tools created, showed or changed."""
    touched = Report.from_message(report).touched
    return touched[-1] if touched else None


def _request_and_reports(messages: list[BaseMessage]) -> tuple[str, list[ToolMessage]]:
    """The person's latest request and the route reports that answered it so far."""
    last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
    request = _text(messages[last_human]) if last_human >= 0 else ""
    reports = [
        m for m in messages[last_human + 1 :]
        if isinstance(m, ToolMessage) and (m.name in (None, ROUTE_TOOL))
    ]
    return request, reports


def _latest_tool_results(messages: list[BaseMessage]) -> list[ToolMessage]:
    results: list[ToolMessage] = []
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        results.insert(0, message)
    return results


def _report_line(task: str, result: ToolMessage) -> str:
    """A tool result as a line for the person: errors say which part of the request failed."""
    text = _text(result)
    # No artifact: the tool node answered itself (e.g. arguments that failed validation).
    data = ResultData.model_validate(result.artifact) if result.artifact else ResultData(ok=result.status != "error")
    if not data.ok:
        return f'Could not "{task}": {text.removeprefix(ERROR_PREFIX)}'
    if data.next_page is not None:
        return text.replace(more_pages_hint(data.next_page), MORE_PAGES)
    return text


def _tool_call(name: str, args: dict[str, Any]) -> dict[str, Any]:
    # uuid4: every call gets its own id, hence its own Idempotency-Key.
    return {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex}", "type": "tool_call"}


def _tool_call_message(name: str, args: dict[str, Any]) -> AIMessage:
    return AIMessage(content="", tool_calls=[_tool_call(name, args)])


def _pieces(message: AIMessage) -> list[AIMessageChunk]:
    """A tool-call message as one chunk; an answer word by word (keeping the spacing)."""
    if message.tool_calls:
        chunks = [
            {"name": call["name"], "args": json.dumps(call["args"]), "id": call["id"], "index": index, "type": "tool_call_chunk"}
            for index, call in enumerate(message.tool_calls)
        ]
        return [AIMessageChunk(content="", tool_call_chunks=chunks)]
    return [AIMessageChunk(content=word) for word in re.findall(r"\s*\S+\s*", _text(message))] or [AIMessageChunk(content="")]


def _text(message: BaseMessage | None) -> str:
    if message is None:
        return ""
    return str(message.text)
