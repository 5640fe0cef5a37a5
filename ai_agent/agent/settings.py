"""The agent's settings: every environment variable declared once, read from the environment and
ai_agent/.env, and validated at start-up.

Each setting is one field below: its variable (the alias), default, bounds and meaning (the
description, which the error for a missing value quotes). Keys, tokens and the checkpoint URL
(it may hold a password) are `SecretStr`: their values never show in repr() or an error.

Every problem becomes a SettingsError whose text is ONE line naming the variable and the fix, so
`python main.py` can print it and exit instead of failing later inside a request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from annotated_types import Ge, Le
from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError, computed_field, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError
from pydantic_settings import BaseSettings, InitSettingsSource, SettingsConfigDict

from agent.offline import MODEL_NAME as OFFLINE_MODEL

Provider = Literal["azure", "openai", "offline"]
PROVIDERS: tuple[str, ...] = get_args(Provider)
AGENT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_ENV_FILE = AGENT_DIR / ".env"
# Conversations (the SQLite checkpointer's file) live here unless AGENT_DATA_DIR says otherwise.
DEFAULT_DATA_DIR = AGENT_DIR / "data"
DEFAULT_AZURE_API_VERSION = "2024-10-21"
POSTGRES_SCHEMES = ("postgres", "postgresql")
# The one spelling of a yes/no setting, as in the ticket system's settings.
FLAG_VALUES = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_API_VERSION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?")


class SettingsError(Exception):
    """A missing or wrong setting; str(error) is one line naming the variable and the fix."""


def _problem(sentence: str) -> PydanticCustomError:
    """A failed check; the error names the variable (and its value, unless secret) before it."""
    return PydanticCustomError("setting", sentence)


# --- the kinds of value, each checked in one place ---------------------------------------------

def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    try:
        return FLAG_VALUES[str(value).lower()]
    except KeyError:
        raise _problem("is not a yes/no value: use 1/0, true/false, yes/no or on/off") from None


def _whole_number(value: Any) -> Any:
    # ASCII digits only: int() would also take "1_000" or "٣", pydantic "5.0".
    if isinstance(value, str) and not _WHOLE_NUMBER.fullmatch(value):
        raise _problem("is not a whole number")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _problem("is not an http(s) URL: use e.g. https://host:port")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port like :abc
    except ValueError:
        raise _problem("has an invalid port") from None
    return value.rstrip("/")


def _resource_url(value: str) -> str:
    if urlsplit(value).path.strip("/"):
        raise _problem("has a path: use only the resource URL, e.g. https://<resource>.openai.azure.com/")
    return value


def _api_version(value: str) -> str:
    if not _API_VERSION.fullmatch(value):
        raise _problem(f"is not an API version: use e.g. {DEFAULT_AZURE_API_VERSION}")
    return value


def _postgres_url(value: SecretStr) -> SecretStr:
    parts = urlsplit(value.get_secret_value())
    if parts.scheme not in POSTGRES_SCHEMES or not parts.hostname:
        raise _problem("is not a PostgreSQL URL: use e.g. postgresql://user:password@host:5432/dbname")
    return value


def _provider(value: Any) -> Any:
    chosen = value.lower() if isinstance(value, str) else value
    if chosen not in PROVIDERS:
        raise _problem(f"is not valid: use one of {', '.join(PROVIDERS)}")
    return chosen


Flag = Annotated[bool, BeforeValidator(_flag)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
ResourceUrl = Annotated[str, AfterValidator(_http_url), AfterValidator(_resource_url)]
ApiVersion = Annotated[str, AfterValidator(_api_version)]
PostgresUrl = Annotated[SecretStr, AfterValidator(_postgres_url)]
ChosenProvider = Annotated[Provider, BeforeValidator(_provider)]
ResolvedPath = Annotated[Path, AfterValidator(lambda path: path.expanduser().resolve())]


def setting(variable: str, default: Any, meaning: str, **bounds: float) -> Any:
    """One setting: read from `variable`; `meaning` is quoted when a required one is missing."""
    return Field(default, validation_alias=variable, description=meaning, **bounds)


class AgentSettings(BaseSettings):
    """Everything the agent reads from its environment, validated; frozen once read."""

    model_config = SettingsConfigDict(
        env_file=DEFAULT_ENV_FILE, case_sensitive=True, extra="ignore", frozen=True,
    )

    # --- ticket API
    ticket_system_url: HttpUrl = setting("TICKET_SYSTEM_URL", "http://127.0.0.1:8000", "the ticket API's base URL")
    tickets_api_token: SecretStr | None = setting(
        "TICKETS_API_TOKEN", None, "the ticket API's bearer token (when the API runs with TICKETS_API_TOKEN)")
    ticket_timeout_s: float = setting("AGENT_TICKET_TIMEOUT_S", 10.0, "timeout of one ticket API request", ge=0.5)
    ticket_retry_attempts: WholeNumber = setting(
        "AGENT_TICKET_RETRY_ATTEMPTS", 6, "most attempts of one ticket API call", ge=1, le=20)
    ticket_retry_max_seconds: float = setting(
        "AGENT_TICKET_RETRY_MAX_SECONDS", 20.0, "no new attempt of a ticket API call after this long", ge=0)

    # --- service
    port: WholeNumber = setting("AGENT_PORT", 8100, "the port the agent listens on", ge=1, le=65535)
    reload: Flag = setting("AGENT_RELOAD", False, "restart on code changes (development only)")

    # --- language model; `provider` (below) says which of these apply
    chosen_provider: ChosenProvider | None = setting(
        "AGENT_LLM_PROVIDER", None, "azure, openai or offline; unset: inferred from the variables that are set")
    azure_endpoint: ResourceUrl | None = setting(
        "AZURE_OPENAI_ENDPOINT", None, "the resource URL, e.g. https://<resource>.openai.azure.com/")
    azure_api_key: SecretStr | None = setting("AZURE_OPENAI_API_KEY", None, "the key of the Azure OpenAI resource")
    azure_api_version: ApiVersion = setting("AZURE_OPENAI_API_VERSION", DEFAULT_AZURE_API_VERSION, "the API version")
    azure_deployment: str | None = setting(
        "AZURE_OPENAI_CHAT_DEPLOYMENT", None, "the deployment name of the router model")
    azure_deployment_mini: str | None = setting(
        "AZURE_OPENAI_CHAT_DEPLOYMENT_MINI", None, "the deployment of the specialists (default: the router's)")
    openai_base_url: HttpUrl | None = setting(
        "OPENAI_BASE_URL", None, "an OpenAI-compatible server's URL (unset: api.openai.com)")
    openai_api_key: SecretStr | None = setting(
        "OPENAI_API_KEY", None, "the key for api.openai.com, or set OPENAI_BASE_URL to a local server")
    openai_model: str | None = setting("OPENAI_MODEL", None, "the chat model name, e.g. gpt-4o or llama3.1")
    openai_model_mini: str | None = setting(
        "OPENAI_MODEL_MINI", None, "the specialists' model (default: OPENAI_MODEL)")
    model_timeout_s: float = setting("AGENT_MODEL_TIMEOUT_S", 60.0, "timeout of one model call", ge=1)
    model_max_retries: WholeNumber = setting(
        "AGENT_MODEL_MAX_RETRIES", 2, "retries of a failed model call", ge=0, le=10)
    offline_word_delay_ms: WholeNumber = setting(
        "AGENT_OFFLINE_WORD_DELAY_MS", 15, "the offline model's pause between streamed words", ge=0, le=2000)

    # --- runs and conversations
    recursion_limit: WholeNumber = setting(
        "AGENT_RECURSION_LIMIT", 40, "most graph steps one request may take", ge=5, le=500)
    data_dir: ResolvedPath = setting("AGENT_DATA_DIR", DEFAULT_DATA_DIR, "the folder of the conversations file")
    # None keeps conversations in a SQLite file under data_dir.
    checkpoint_url: PostgresUrl | None = setting(
        "AGENT_CHECKPOINT_URL", None, "a PostgreSQL URL shared by several agent processes")
    history_max_tokens: WholeNumber = setting(
        "AGENT_HISTORY_MAX_TOKENS", 6000, "how much history (approximate tokens) the model sees", ge=500, le=1_000_000)

    @model_validator(mode="before")
    @classmethod
    def _blank_means_unset(cls, values: Any) -> Any:
        # Surrounding blanks never count, and an empty variable means its default.
        if not isinstance(values, dict):
            return values
        stripped = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
        return {name: value for name, value in stripped.items() if value != ""}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def provider(self) -> Provider:
        """AGENT_LLM_PROVIDER, else azure when its endpoint is set, else openai when its key or
        server is set, else offline."""
        if self.chosen_provider:
            return self.chosen_provider
        if self.azure_endpoint:
            return "azure"
        if self.openai_api_key or self.openai_base_url:
            return "openai"
        return "offline"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def router_model(self) -> str:
        """The main model (routes and answers): an Azure deployment or an OpenAI model name."""
        return {"azure": self.azure_deployment, "openai": self.openai_model}.get(self.provider) or OFFLINE_MODEL

    @computed_field  # type: ignore[prop-decorator]
    @property
    def specialist_model(self) -> str:
        """The smaller model of the tool loops; the router's unless a _MINI variable names one."""
        mini = {"azure": self.azure_deployment_mini, "openai": self.openai_model_mini}.get(self.provider)
        return mini or self.router_model

    @model_validator(mode="after")
    def _provider_is_complete(self) -> AgentSettings:
        needed = {
            "azure": ("azure_endpoint", "azure_api_key", "azure_deployment"),
            "openai": ("openai_model",) if self.openai_base_url else ("openai_api_key", "openai_model"),
            "offline": (),
        }[self.provider]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise _problem("; ".join(_not_set(type(self).model_fields[name]) for name in missing))
        return self


def _not_set(field: FieldInfo) -> str:
    return f"{field.validation_alias} is not set: set it to {field.description}"


def load_settings(environ: Mapping[str, str] | None = None) -> AgentSettings:
    """Read and validate the settings.

    environ None: the process environment, then the file AI_AGENT_ENV_FILE names (default
    ai_agent/.env) for what the environment leaves unset. A mapping: only that mapping (tests).
    """
    try:
        if environ is None:
            return AgentSettings(_env_file=os.environ.get("AI_AGENT_ENV_FILE") or DEFAULT_ENV_FILE)
        only_the_mapping = InitSettingsSource(AgentSettings, init_kwargs=dict(environ))
        return AgentSettings(_build_sources=((only_the_mapping,), {}))
    except ValidationError as error:
        raise SettingsError("; ".join(_sentence(details) for details in error.errors())) from None


# --- a validation error as a sentence -----------------------------------------------------------

_VARIABLES: dict[str, FieldInfo] = {str(field.validation_alias): field for field in AgentSettings.model_fields.values()}


def _sentence(error: ErrorDetails) -> str:
    """`VARIABLE='value' <what is wrong and the fix>`; the value left out when it is a secret."""
    if not error["loc"]:  # a rule about several variables: its sentence names them itself
        return error["msg"]
    variable = str(error["loc"][0])
    field = _VARIABLES[variable]
    shown = variable if _is_secret(field) else f"{variable}={error['input']!r}"
    return f"{shown} {_what_is_wrong(error, field)}"


def _what_is_wrong(error: ErrorDetails, field: FieldInfo) -> str:
    if error["type"] in ("greater_than_equal", "less_than_equal"):
        low = next(bound.ge for bound in field.metadata if isinstance(bound, Ge))
        high = next((bound.le for bound in field.metadata if isinstance(bound, Le)), None)
        return f"is too small: use at least {low:g}" if high is None else f"is out of range: use {low}..{high}"
    if error["type"] == "float_parsing":
        return "is not a number"
    return error["msg"]


def _is_secret(field: FieldInfo) -> bool:
    # The annotation is SecretStr, possibly inside `| None` and Annotated[...].
    kinds = (field.annotation, *get_args(field.annotation))
    return any(kind is SecretStr or SecretStr in get_args(kind) for kind in kinds)
