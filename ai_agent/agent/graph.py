"""The LangGraph graph: a router that hands work to get/create/update/delete specialists.

    START -> router --route(get|create|update|delete, task)--> specialist --report--> router ... -> END

The router model is bound to one tool, `route`. Each route call runs one specialist: a compiled
subgraph (model <-> ToolNode over only the tools it needs) that gets the task as its whole
conversation and whose final text comes back to the router as the route call's result. The
router then routes the next piece of work or writes the answer for the person; only that answer
is streamed to the person (see assistant.py). A report carries, beside its text, the tickets the
specialist's tools were about (state.Report), read from the tools' artifacts.

The router's conversation is the thread's: with a checkpointer, each request adds its message to
the earlier turns, and the router sees them (trimmed to a budget, history.py), so "close it" can
be resolved into a ticket id. The delete specialist asks the person before every deletion
(confirmation.py): its tool calls pass through a confirmation node on their way to the tools.
Nodes and tools get the run's ticket client from LangGraph's runtime context (context.py).
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import Command
from pydantic import ValidationError

from agent.confirmation import confirm_deletes
from agent.context import Context
from agent.history import conversation_window
from agent.prompts import ROUTE_TOOL, ROUTER_PROMPT, SPECIALIST_TOOLS, SPECIALISTS, RouteArgs, specialist_prompt
from agent.state import Report, RouterState, SpecialistState, pending_route_calls
from agent.tools import TICKET_TOOLS

ROUTER = "router"
NO_REPORT = "The specialist finished without reporting anything."
# The specialist whose tool calls wait for the person's confirmation.
CONFIRMED_SPECIALIST = "delete"


def build_graph(
    router_model: BaseChatModel,
    specialist_model: BaseChatModel,
    *,
    checkpointer: BaseCheckpointSaver,
    history_max_tokens: int,
) -> CompiledStateGraph:
    """The router graph; run it with `context=Context(...)` (context.py)."""
    graph = StateGraph(RouterState, context_schema=Context)
    router = _router_node(router_model.bind_tools([ROUTE_TOOL]), history_max_tokens)
    graph.add_node(ROUTER, router, destinations=(*SPECIALISTS, END))
    for name in SPECIALISTS:
        confirm = name == CONFIRMED_SPECIALIST
        specialist = build_specialist(name, specialist_model, SPECIALIST_TOOLS[name], confirm=confirm)
        graph.add_node(name, _specialist_node(name, specialist), destinations=(*SPECIALISTS, ROUTER))
    graph.add_edge(START, ROUTER)
    # The subgraphs have no checkpointer of their own: run inside a node, they use this one,
    # under a namespace of the node's task, which is what lets a confirmation pause and resume them.
    return graph.compile(name="ticket_agent", checkpointer=checkpointer)


def build_specialist(
    name: str, model: BaseChatModel, tool_names: tuple[str, ...], *, confirm: bool = False
) -> CompiledStateGraph:
    """model -> [confirm ->] tools -> model ... until the model answers without tool calls."""
    tools = [TICKET_TOOLS[tool] for tool in tool_names]
    bound = model.bind_tools(tools)

    async def call_model(state: SpecialistState) -> dict[str, list[AnyMessage]]:
        return {"messages": [await bound.ainvoke(state["messages"])]}

    graph = StateGraph(SpecialistState, context_schema=Context)
    graph.add_node("model", call_model)
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "model")
    if not confirm:
        graph.add_conditional_edges("model", tools_condition, {"tools": "tools", END: END})
    else:
        graph.add_node("confirm", confirm_deletes)
        graph.add_conditional_edges("model", tools_condition, {"tools": "confirm", END: END})
        graph.add_edge("confirm", "tools")
    graph.add_edge("tools", "model")
    return graph.compile(name=f"{name}_specialist")


def _router_node(model: Any, history_max_tokens: int):
    async def router(state: RouterState) -> Command:
        history = conversation_window(state["messages"], history_max_tokens)
        response = await model.ainvoke([SystemMessage(ROUTER_PROMPT), *history])
        unparsable = [call for call in response.invalid_tool_calls if call.get("id")]
        if not response.tool_calls and not unparsable:
            return Command(goto=END, update={"messages": [response]})
        # Answer malformed calls at once, so the model sees its mistake and the conversation stays valid.
        rejected = [_reject(call) for call in response.tool_calls if _route_error(call)]
        rejected += [_reject_unparsable(call) for call in unparsable]
        messages = [*state["messages"], response, *rejected]
        return Command(goto=_next_node(messages), update={"messages": [response, *rejected]})

    return router


def _specialist_node(name: str, specialist: CompiledStateGraph):
    async def run_specialist(state: RouterState) -> Command:
        call = pending_route_calls(state["messages"])[0]
        task = RouteArgs.model_validate(call["args"]).task
        result = await specialist.ainvoke({"messages": [SystemMessage(specialist_prompt(name)), HumanMessage(task)]})
        report = ToolMessage(
            content=_final_text(result["messages"]),
            artifact=Report.of(result["messages"]).model_dump(mode="json"),
            tool_call_id=call["id"],
            name="route",
        )
        return Command(goto=_next_node([*state["messages"], report]), update={"messages": [report]})

    run_specialist.__name__ = f"run_{name}_specialist"
    return run_specialist


def _next_node(messages: list[AnyMessage]) -> str:
    """The specialist of the next unanswered route call, or back to the router."""
    pending = pending_route_calls(messages)
    return RouteArgs.model_validate(pending[0]["args"]).specialist if pending else ROUTER


def _route_error(call: dict[str, Any]) -> str | None:
    if call["name"] != "route":
        return f"there is no tool named {call['name']!r}; the only tool is route."
    try:
        RouteArgs.model_validate(call["args"])
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'args'}: {e['msg']}" for e in error.errors())
        return f"invalid route call ({problems}). specialist must be one of {', '.join(SPECIALISTS)}."
    return None


def _reject(call: dict[str, Any]) -> ToolMessage:
    return ToolMessage(content=f"Error: {_route_error(call)}", tool_call_id=call["id"], name=call["name"], status="error")


def _reject_unparsable(call: dict[str, Any]) -> ToolMessage:
    content = f"Error: the arguments of this call are not valid JSON ({call.get('error') or 'unparsable'}); call route again."
    return ToolMessage(content=content, tool_call_id=call["id"], name=call.get("name") or "route", status="error")


def _final_text(messages: list[AnyMessage]) -> str:
    last = messages[-1] if messages else None
    text = str(last.text).strip() if isinstance(last, AIMessage) else ""
    return text or NO_REPORT
