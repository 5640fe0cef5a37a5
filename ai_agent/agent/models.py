"""The router and specialist chat models for the configured provider (azure, openai or offline)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_openai import AzureChatOpenAI, ChatOpenAI

from agent.offline import NO_MODEL_NOTE, OfflineChatModel
from agent.settings import AgentSettings

# Local OpenAI-compatible servers (Ollama, vLLM, llama.cpp) ignore the key, but the openai client
# refuses to start without one.
LOCAL_SERVER_API_KEY = "not-needed"


@dataclass(frozen=True)
class ChatModels:
    router: BaseChatModel  # the main model: routes and writes the answer
    specialist: BaseChatModel  # the smaller model: runs the tool loops
    info: dict[str, Any] = field(default_factory=dict)  # what /health shows (no secrets)


def build_models(settings: AgentSettings) -> ChatModels:
    """Construct the models (no network I/O happens here)."""
    if settings.provider == "azure":
        return _azure(settings)
    if settings.provider == "openai":
        return _openai(settings)
    model = OfflineChatModel(word_delay_ms=settings.offline_word_delay_ms)
    info = {
        "provider": "offline", "router_model": settings.router_model, "specialist_model": settings.specialist_model,
        "language_model": False, "note": NO_MODEL_NOTE,
    }
    return ChatModels(router=model, specialist=model, info=info)


def _azure(settings: AgentSettings) -> ChatModels:
    def model(deployment: str) -> AzureChatOpenAI:
        return AzureChatOpenAI(
            azure_endpoint=settings.azure_endpoint,
            api_key=settings.azure_api_key.get_secret_value(),  # set: the settings require it for azure
            api_version=settings.azure_api_version,
            azure_deployment=deployment,
            streaming=True,
            stream_usage=True,  # token counts on streamed calls (agent/usage.py)
            timeout=settings.model_timeout_s,
            max_retries=settings.model_max_retries,
        )

    info = {
        "provider": "azure", "router_model": settings.router_model, "specialist_model": settings.specialist_model,
        "language_model": True, "endpoint": settings.azure_endpoint, "api_version": settings.azure_api_version,
    }
    return ChatModels(router=model(settings.router_model), specialist=model(settings.specialist_model), info=info)


def _openai(settings: AgentSettings) -> ChatModels:
    api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else LOCAL_SERVER_API_KEY

    def model(name: str) -> ChatOpenAI:
        return ChatOpenAI(
            model=name,
            base_url=settings.openai_base_url,
            api_key=api_key,
            streaming=True,
            stream_usage=True,  # token counts, where the server reports them (agent/usage.py)
            timeout=settings.model_timeout_s,
            max_retries=settings.model_max_retries,
        )

    info = {
        "provider": "openai", "router_model": settings.router_model, "specialist_model": settings.specialist_model,
        "language_model": True, "base_url": settings.openai_base_url or "https://api.openai.com/v1",
    }
    return ChatModels(router=model(settings.router_model), specialist=model(settings.specialist_model), info=info)
