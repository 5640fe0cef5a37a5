"""GET /health: is the service up, which model answers, can it reach the ticket API?

Always 200 while the process serves requests, so a container health check does not restart the
agent because the ticket API is down (restarting would not fix that). A dependency problem shows as
"status": "degraded" with "ticket_api": "unreachable"; monitor that field to alert on it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from web.deps import AssistantDep

router = APIRouter()


@router.get("/health")
async def health(assistant: AssistantDep) -> dict[str, Any]:
    ticket_api = await assistant.ticket_api_status()
    return {
        "status": "ok" if ticket_api == "ok" else "degraded",
        "model": assistant.model_info(),
        "ticket_api": ticket_api,
    }
