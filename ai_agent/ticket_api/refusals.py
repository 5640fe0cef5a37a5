"""The ticket API's refusals (4xx) as one or two sentences a language model can pass on."""

from __future__ import annotations

from typing import Any

from ticket_api.client import TicketApiError
from ticket_api.rules import STATUS_FIELD, WORKFLOW


def describe_api_error(error: TicketApiError, *, ticket_id: int | None = None, page: int | None = None) -> str:
    """What went wrong; `ticket_id` / `page` say what the request was about, for a clearer 404 or 412."""
    if error.status == 404:
        if ticket_id is not None:
            return missing_ticket(ticket_id)
        if page is not None:
            return f"page {page} is past the end of the results."
        return f"not found ({_flatten(error.body)})."
    if error.status == 422:
        about_status = isinstance(error.body, dict) and STATUS_FIELD in error.body
        return f"the ticket system refused the change: {_flatten(error.body)}" + (f" {WORKFLOW}" if about_status else "")
    if error.status == 412:
        return (
            f"ticket {ticket_id} was changed by someone else after it was read, so nothing was written; "
            "read it again and decide whether the change is still wanted."
        )
    if error.status == 400:
        return f"the ticket system rejected the input: {_flatten(error.body)}"
    if error.status in (401, 403):
        return "the ticket system rejected the assistant's credentials; an administrator must check TICKETS_API_TOKEN."
    return f"the ticket system refused the request (HTTP {error.status}): {_flatten(error.body)}"


def missing_ticket(ticket_id: int) -> str:
    return f"ticket {ticket_id} does not exist."


def _flatten(body: Any) -> str:
    """DRF error bodies ({"field": ["message", ...]} or {"detail": "..."}) as plain text."""
    if isinstance(body, dict):
        parts = []
        for field, messages in body.items():
            text = " ".join(messages) if isinstance(messages, list) else str(messages)
            parts.append(text if field in ("detail", "non_field_errors") else f"{field}: {text}")
        return "; ".join(parts)
    return str(body)
