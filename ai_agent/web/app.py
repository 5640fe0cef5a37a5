"""The FastAPI application of the agent: `create_app()` builds it, main.py serves it.

One Assistant per process (it owns the pooled ticket-API client and the models): the lifespan
opens the conversation store (agent.checkpoint), creates the Assistant on it at start-up and
closes both at shutdown; requests reach it through web.deps.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from agent.assistant import Assistant
from agent.checkpoint import open_checkpointer
from agent.models import ChatModels
from agent.settings import AgentSettings, load_settings
from web import chat, health, page

logger = logging.getLogger("agent")


def create_app(settings: AgentSettings | None = None, *, models: ChatModels | None = None) -> FastAPI:
    """The app; without settings, the lifespan reads them (environment and ai_agent/.env) once.

    `models` replaces the configured chat models (tests drive the real app with a scripted model).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or load_settings()
        async with open_checkpointer(chosen) as checkpointer:
            assistant = Assistant(chosen, models=models, checkpointer=checkpointer)
            app.state.assistant = assistant
            log_start_up(assistant)
            try:
                yield
            finally:
                await assistant.aclose()

    app = FastAPI(title="Ticket assistant", lifespan=lifespan,
                  summary="Ticket work in plain words, answered as a stream of Server-Sent Events")
    app.include_router(chat.router)
    app.include_router(health.router)
    app.include_router(page.router)
    app.add_exception_handler(Exception, internal_error)
    return app


def log_start_up(assistant: Assistant) -> None:
    """Say which model answers and where tickets and conversations live, once, at start-up."""
    info = assistant.model_info()
    if info.get("language_model"):
        logger.info("model: %s (router %s, specialists %s)", info["provider"], info["router_model"], info["specialist_model"])
    else:
        logger.info("model: offline. %s Set the Azure or OpenAI variables in ai_agent/.env to use a language model.",
                    info.get("note", ""))
    settings = assistant.settings
    store = "PostgreSQL (AGENT_CHECKPOINT_URL)" if settings.checkpoint_url else str(settings.data_dir)
    logger.info("ticket API: %s; conversations: %s", settings.ticket_system_url, store)


async def internal_error(request: Request, error: Exception) -> JSONResponse:
    # A bug must still answer JSON, never a traceback or an HTML page. Starlette re-raises the error
    # after this response, so uvicorn logs its traceback.
    return JSONResponse({"detail": "internal error; the agent's log has the details"}, status_code=500)
