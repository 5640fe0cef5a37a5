"""The agent's settings, read once from the environment (and ai_agent/.env) and validated.

Every problem becomes a SettingsError whose text is ONE line naming the variable and how to fix
it, so `python main.py` can print it and exit instead of failing later inside a request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

PROVIDERS = ("azure", "openai", "offline")
AGENT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_ENV_FILE = AGENT_DIR / ".env"
# Conversations (the SQLite checkpointer's file) live here unless AGENT_DATA_DIR says otherwise.
DEFAULT_DATA_DIR = AGENT_DIR / "data"
POSTGRES_SCHEMES = ("postgres", "postgresql")
DEFAULT_AZURE_API_VERSION = "2024-10-21"
# Local OpenAI-compatible servers (Ollama, vLLM, llama.cpp) ignore the key, but the openai client
# refuses to start without one.
LOCAL_SERVER_API_KEY = "not-needed"
_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")


class SettingsError(Exception):
    """A missing or wrong setting; str(error) is one line naming the variable and the fix."""


@dataclass(frozen=True)
class AgentSettings:
    ticket_system_url: str = "http://127.0.0.1:8000"
    tickets_api_token: str | None = field(default=None, repr=False)
    port: int = 8100
    reload: bool = False
    provider: str = "offline"
    # Router ("main") and specialist ("mini") model: Azure deployment names or OpenAI model names.
    router_model: str = "offline-rules"
    specialist_model: str = "offline-rules"
    azure_endpoint: str | None = None
    azure_api_key: str | None = field(default=None, repr=False)
    azure_api_version: str = DEFAULT_AZURE_API_VERSION
    openai_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    model_timeout_s: float = 60.0
    model_max_retries: int = 2
    ticket_timeout_s: float = 10.0
    ticket_retry_attempts: int = 6
    ticket_retry_max_seconds: float = 20.0
    recursion_limit: int = 40
    offline_word_delay_ms: int = 15
    data_dir: Path = DEFAULT_DATA_DIR
    # PostgreSQL URL of a shared checkpointer (several agent processes, one conversation store);
    # None keeps conversations in a SQLite file under data_dir.
    checkpoint_url: str | None = field(default=None, repr=False)
    # How much of a conversation's history (approximate tokens) the router model sees per turn.
    history_max_tokens: int = 6000


def load_settings(environ: Mapping[str, str] | None = None) -> AgentSettings:
    """Read and validate the settings; environ None means os.environ plus ai_agent/.env."""
    env = _read_environment() if environ is None else environ
    reader = _Reader(env)
    provider = _provider(reader)
    models = _model_settings(reader, provider)
    return AgentSettings(
        ticket_system_url=reader.url("TICKET_SYSTEM_URL", "http://127.0.0.1:8000"),
        tickets_api_token=reader.text("TICKETS_API_TOKEN"),
        port=reader.integer("AGENT_PORT", 8100, minimum=1, maximum=65535),
        reload=reader.flag("AGENT_RELOAD"),
        provider=provider,
        model_timeout_s=reader.number("AGENT_MODEL_TIMEOUT_S", 60.0, minimum=1),
        model_max_retries=reader.integer("AGENT_MODEL_MAX_RETRIES", 2, minimum=0, maximum=10),
        ticket_timeout_s=reader.number("AGENT_TICKET_TIMEOUT_S", 10.0, minimum=0.5),
        ticket_retry_attempts=reader.integer("AGENT_TICKET_RETRY_ATTEMPTS", 6, minimum=1, maximum=20),
        ticket_retry_max_seconds=reader.number("AGENT_TICKET_RETRY_MAX_SECONDS", 20.0, minimum=0),
        recursion_limit=reader.integer("AGENT_RECURSION_LIMIT", 40, minimum=5, maximum=500),
        offline_word_delay_ms=reader.integer("AGENT_OFFLINE_WORD_DELAY_MS", 15, minimum=0, maximum=2000),
        data_dir=reader.path("AGENT_DATA_DIR", DEFAULT_DATA_DIR),
        checkpoint_url=reader.postgres_url("AGENT_CHECKPOINT_URL"),
        history_max_tokens=reader.integer("AGENT_HISTORY_MAX_TOKENS", 6000, minimum=500, maximum=1_000_000),
        **models,
    )


def _read_environment() -> Mapping[str, str]:
    # override=False: a variable already in the real environment wins over the file.
    load_dotenv(os.environ.get("AI_AGENT_ENV_FILE") or DEFAULT_ENV_FILE, override=False)
    return os.environ


def _provider(reader: _Reader) -> str:
    chosen = (reader.text("AGENT_LLM_PROVIDER") or "").lower()
    if chosen:
        if chosen not in PROVIDERS:
            raise SettingsError(f"AGENT_LLM_PROVIDER={chosen!r} is not valid: use one of {', '.join(PROVIDERS)}")
        return chosen
    if reader.text("AZURE_OPENAI_ENDPOINT"):
        return "azure"
    if reader.text("OPENAI_API_KEY") or reader.text("OPENAI_BASE_URL"):
        return "openai"
    return "offline"


def _model_settings(reader: _Reader, provider: str) -> dict[str, object]:
    if provider == "azure":
        deployment = reader.required("AZURE_OPENAI_CHAT_DEPLOYMENT", "the deployment name of the router model")
        return {
            "azure_endpoint": _azure_endpoint(reader),
            "azure_api_key": reader.required("AZURE_OPENAI_API_KEY", "the key of the Azure OpenAI resource"),
            "azure_api_version": _azure_api_version(reader),
            "router_model": deployment,
            "specialist_model": reader.text("AZURE_OPENAI_CHAT_DEPLOYMENT_MINI") or deployment,
        }
    if provider == "openai":
        base_url = reader.url("OPENAI_BASE_URL", None)
        api_key = reader.text("OPENAI_API_KEY")
        if not api_key and not base_url:
            raise SettingsError(
                "OPENAI_API_KEY is not set: set it for api.openai.com, or set OPENAI_BASE_URL to a local server"
            )
        model = reader.required("OPENAI_MODEL", "the chat model name, e.g. gpt-4o or llama3.1")
        return {
            "openai_base_url": base_url,
            "openai_api_key": api_key or LOCAL_SERVER_API_KEY,
            "router_model": model,
            "specialist_model": reader.text("OPENAI_MODEL_MINI") or model,
        }
    return {"router_model": "offline-rules", "specialist_model": "offline-rules"}


def _azure_endpoint(reader: _Reader) -> str:
    endpoint = reader.url("AZURE_OPENAI_ENDPOINT", None)
    if endpoint is None:
        raise SettingsError("AZURE_OPENAI_ENDPOINT is not set: use https://<resource>.openai.azure.com/")
    if urlsplit(endpoint).path.strip("/"):
        raise SettingsError(
            f"AZURE_OPENAI_ENDPOINT={endpoint!r} has a path: use only the resource URL, "
            "e.g. https://<resource>.openai.azure.com/"
        )
    return endpoint


def _azure_api_version(reader: _Reader) -> str:
    version = reader.text("AZURE_OPENAI_API_VERSION") or DEFAULT_AZURE_API_VERSION
    if not _API_VERSION.match(version):
        raise SettingsError(
            f"AZURE_OPENAI_API_VERSION={version!r} is not an API version: use e.g. {DEFAULT_AZURE_API_VERSION}"
        )
    return version


class _Reader:
    """Typed access to the environment; every failure names its variable."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str) -> str | None:
        value = (self._env.get(name) or "").strip()
        return value or None

    def required(self, name: str, meaning: str) -> str:
        value = self.text(name)
        if value is None:
            raise SettingsError(f"{name} is not set: set it to {meaning}")
        return value

    def url(self, name: str, default: str | None) -> str | None:
        value = self.text(name)
        if value is None:
            return default
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"{name}={value!r} is not an http(s) URL: use e.g. https://host:port")
        try:
            parts.port  # noqa: B018 - raises ValueError for a port like :abc
        except ValueError:
            raise SettingsError(f"{name}={value!r} has an invalid port") from None
        return value.rstrip("/")

    def path(self, name: str, default: Path) -> Path:
        value = self.text(name)
        return Path(value).expanduser().resolve() if value else default

    def postgres_url(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in POSTGRES_SCHEMES or not parts.hostname:
            raise SettingsError(
                f"{name} is not a PostgreSQL URL: use e.g. postgresql://user:password@host:5432/dbname"
            )
        return value

    def flag(self, name: str) -> bool:
        value = (self.text(name) or "").lower()
        if value in ("", "0", "false", "no", "off"):
            return False
        if value in ("1", "true", "yes", "on"):
            return True
        raise SettingsError(f"{name}={value!r} is not a yes/no value: use 1 or 0")

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r} is not a whole number") from None
        if not minimum <= number <= maximum:
            raise SettingsError(f"{name}={number} is out of range: use {minimum}..{maximum}")
        return number

    def number(self, name: str, default: float, *, minimum: float) -> float:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r} is not a number") from None
        if not number >= minimum:  # also rejects nan
            raise SettingsError(f"{name}={value} is too small: use at least {minimum:g}")
        return number
