"""Counting what one run costs: model calls, and tokens when the provider reports them.

A LangChain callback handler passed in the run's config reaches every chat model call of the run,
the router's and those inside the specialist subgraphs alike. Azure and OpenAI report tokens on
streamed calls (models.py asks for it with stream_usage); the offline model reports none, so its
token counts stay None ("not reported"), which is not the same as 0.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.outputs import LLMResult

from agent.events import UsageEvent


class UsageCounter(AsyncCallbackHandler):
    def __init__(self) -> None:
        self.model_calls = 0
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None

    async def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.model_calls += 1
        for generations in response.generations:
            for generation in generations:
                usage = getattr(getattr(generation, "message", None), "usage_metadata", None)
                if usage:
                    self.input_tokens = (self.input_tokens or 0) + usage.get("input_tokens", 0)
                    self.output_tokens = (self.output_tokens or 0) + usage.get("output_tokens", 0)

    def event(self) -> UsageEvent:
        return UsageEvent(self.model_calls, self.input_tokens, self.output_tokens)
