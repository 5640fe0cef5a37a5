"""A scenario's turns sent over POST /chat, the thread kept, confirmations answered.

Each turn records what the evaluation reports: the answer, the tools that failed, latency, and
the model's usage as the agent reports it (`end` carrying {"usage": {"model_calls",
"input_tokens", "output_tokens"}}); counts it does not report stay None and show as "n/a".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from cli import parse_sse, sse_lines  # the agent's own terminal client: one SSE parser for both
from evals.scenarios import Turn

USAGE_FIELDS = ("model_calls", "input_tokens", "output_tokens")


@dataclass
class TurnResult:
    answer: str = ""
    failed_tools: list[str] = field(default_factory=list)
    confirmations: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # error events, HTTP errors, cut-off streams
    seconds: float = 0.0
    usage: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(USAGE_FIELDS))

    def add_usage(self, usage: dict[str, Any] | None) -> None:
        for name in USAGE_FIELDS:
            value = (usage or {}).get(name)
            if isinstance(value, int):
                self.usage[name] = (self.usage[name] or 0) + value


class Conversation:
    """One thread with the agent: the first turn starts it, later turns continue it."""

    def __init__(self, agent_url: str, client: httpx.Client) -> None:
        self.url = agent_url.rstrip("/") + "/chat"
        self.client = client
        self.thread_id: str | None = None

    def send(self, turn: Turn, text: str) -> TurnResult:
        result = TurnResult()
        started = time.monotonic()
        body: dict[str, Any] = {"message": text}
        if self.thread_id:
            body["thread_id"] = self.thread_id
        confirm = self._stream(body, result)
        if confirm is not None:
            # The turn says how to answer; a confirmation the scenario did not expect is refused.
            choice = turn.confirm or "no"
            self._stream({"thread_id": confirm.get("thread_id") or self.thread_id, "confirm": choice}, result)
        elif turn.confirm is not None:
            result.errors.append(f"expected a confirmation to answer {turn.confirm!r}, none was asked")
        if result.confirmations and turn.confirm is None:
            result.errors.append(f"the agent asked an unexpected confirmation: {result.confirmations[0]}")
        result.seconds = time.monotonic() - started
        return result

    def _stream(self, body: dict[str, Any], result: TurnResult) -> dict[str, Any] | None:
        """One request's events into `result`; returns the confirm event's data if one came."""
        confirm, ended = None, False
        with self.client.stream("POST", self.url, json=body) as response:
            if response.status_code != 200:
                result.errors.append(f"/chat answered {response.status_code}: {response.read().decode()[:200]}")
                return None
            for event in parse_sse(sse_lines(response.iter_text())):
                data = json.loads(event.data)
                if event.name == "token":
                    result.answer += data["delta"]
                elif event.name == "tool_result" and not data["ok"]:
                    result.failed_tools.append(data["name"])
                elif event.name == "confirm":
                    confirm = data
                    result.confirmations.append(data)
                elif event.name == "error":
                    result.errors.append(f"agent error: {data['message']}")
                    ended = True
                elif event.name == "end":
                    self.thread_id = data.get("thread_id") or self.thread_id
                    result.add_usage(data.get("usage"))
                    ended = True
        if not ended:
            result.errors.append("the stream closed before its end event")
        return confirm
