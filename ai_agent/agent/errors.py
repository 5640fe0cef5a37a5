"""Turn any failure of a run into one sentence a person can act on (never a traceback)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import openai
from langgraph.errors import GraphRecursionError

from agent.confirmation import ConfirmationError
from agent.settings import SettingsError
from ticket_api.client import TicketApiError, TicketSystemUnavailable

GENERIC = "Something went wrong inside the assistant ({name}); the details are in the server log."


def describe_error(error: BaseException) -> str:
    """A short message for the person; the full traceback belongs in the server log."""
    error = _innermost(error)
    if isinstance(error, (SettingsError, ConfirmationError)):
        return str(error)
    if isinstance(error, openai.OpenAIError):
        return _describe_model_error(error)
    if isinstance(error, TicketSystemUnavailable):
        return f"The ticket system at {error.url} is unreachable ({error.reason}); try again once it is back."
    if isinstance(error, TicketApiError):
        return f"The ticket system refused a request (HTTP {error.status}): {error.body}"
    if isinstance(error, httpx.TransportError):
        return f"A network request failed ({type(error).__name__}); check that the services are running."
    if isinstance(error, GraphRecursionError):
        return (
            "The request needed more steps than allowed (AGENT_RECURSION_LIMIT); "
            "try asking for fewer things at once."
        )
    if isinstance(error, (TimeoutError, asyncio.TimeoutError)):
        return "The request took too long and was stopped; try again."
    return GENERIC.format(name=type(error).__name__)


def _describe_model_error(error: openai.OpenAIError) -> str:
    azure = _is_azure(error)
    key_var = "AZURE_OPENAI_API_KEY" if azure else "OPENAI_API_KEY"
    if isinstance(error, openai.AuthenticationError):
        return f"The language model rejected the credentials: check {key_var}."
    if isinstance(error, openai.PermissionDeniedError):
        return f"The language model refused access (HTTP 403): check {key_var} and its permissions."
    if isinstance(error, openai.NotFoundError):
        if azure:
            return (
                "The language model deployment was not found: check AZURE_OPENAI_CHAT_DEPLOYMENT, "
                "AZURE_OPENAI_CHAT_DEPLOYMENT_MINI and AZURE_OPENAI_API_VERSION."
            )
        return "The language model was not found: check OPENAI_MODEL, OPENAI_MODEL_MINI and OPENAI_BASE_URL."
    if isinstance(error, openai.RateLimitError):
        return "The language model is rate limiting us; try again in a minute."
    if isinstance(error, openai.APITimeoutError):
        return "The language model did not answer in time; try again."
    if isinstance(error, openai.APIConnectionError):
        where = _host(error)
        variable = "AZURE_OPENAI_ENDPOINT" if azure else "OPENAI_BASE_URL"
        return f"The language model at {where} could not be reached: check {variable} and the network."
    if isinstance(error, openai.InternalServerError):
        return "The language model service failed; try again shortly."
    if isinstance(error, openai.BadRequestError):
        return f"The language model rejected the request: {_api_message(error)}"
    if isinstance(error, openai.APIStatusError):
        return f"The language model answered HTTP {error.status_code}: {_api_message(error)}"
    return f"The language model call failed ({type(error).__name__})."


def _innermost(error: BaseException) -> BaseException:
    # A failure inside a parallel step may arrive wrapped in an ExceptionGroup.
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _request_url(error: openai.OpenAIError) -> str:
    request = getattr(error, "request", None)
    if request is None:
        response = getattr(error, "response", None)
        request = getattr(response, "request", None)
    return str(getattr(request, "url", "") or "")


def _is_azure(error: openai.OpenAIError) -> bool:
    return "/openai/deployments/" in _request_url(error)


def _host(error: openai.OpenAIError) -> str:
    parts = urlsplit(_request_url(error))
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "its configured URL"


def _api_message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return str(error.message)[:300]
