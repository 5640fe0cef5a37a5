"""What one run of the graph works with, handed to LangGraph as its runtime context.

Assistant.run builds a Context per run and passes it as `context=` to astream; nodes and tools
read it from their injected runtime (`runtime.context`). Nothing here is checkpointed: a run
resumed after a confirmation gets the Context of the request that resumes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ticket_api.client import TicketClient


@dataclass(frozen=True)
class Context:
    # The client for this run's ticket calls: today the Assistant's one client; a run acting for
    # a signed-in person would get a client carrying that person's token.
    tickets: TicketClient
    # Mixed into every Idempotency-Key of the run: some OpenAI-compatible servers number tool
    # calls per response (call_0, call_1), which would make two separate requests share a key.
    request_id: str

    def idempotency_key(self, tool_call_id: str) -> str:
        """Same tool call -> same key (retries dedupe); another call or another run -> another key."""
        digest = hashlib.sha256(f"{self.request_id}:{tool_call_id}".encode()).hexdigest()
        return f"agent-{digest[:40]}"
