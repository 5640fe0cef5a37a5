"""The one HTTP client of the ticket API: pooled, with timeouts, retries and idempotent POSTs.

Transient failures (connection errors, timeouts, 429, 5xx) are retried with exponential backoff
and jitter, honouring Retry-After, bounded in attempts and in total time. A 4xx is never retried:
it becomes a TicketApiError (refusals.py says it as a sentence for the model). Running out of retries
becomes TicketSystemUnavailable, which names the URL. Answers come back as typed tickets
(models.py). The waiting between attempts goes through RetryPolicy's `sleep` and `clock`, so
tests can see the waits asked for without spending them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base

from ticket_api.models import NewTicket, Ticket, TicketChanges, TicketPage

logger = logging.getLogger(__name__)

TICKETS_PATH = "/api/tickets/"
HEALTH_PATH = "/api/health/"


# Failures worth another attempt. Not e.g. UnsupportedProtocol: a wrong URL stays wrong.
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class TicketApiError(Exception):
    """The ticket API refused the request (a 4xx); body is its decoded JSON (or text)."""

    def __init__(self, status: int, body: Any, attempts: int = 1) -> None:
        super().__init__(f"ticket API answered {status}: {body}")
        self.status = status
        self.body = body
        self.attempts = attempts


class TicketSystemUnavailable(Exception):
    """The ticket API could not be reached, or kept failing, after every retry."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"The ticket system at {url} is unreachable ({reason})")
        self.url = url
        self.reason = reason


class _TransientResponse(Exception):
    """A 429 or 5xx that is worth another attempt; carries the server's Retry-After."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = _retry_after_seconds(response.headers.get("Retry-After"))


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    max_seconds: float = 20.0  # no new attempt is started after this much time
    max_retry_after: float = 5.0  # a server asking for longer is still retried sooner
    backoff_base: float = 0.2
    backoff_max: float = 4.0
    # How waiting happens and how time is read; tests pass a fake pair that records the waits.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic


class _Deadline(stop_base):
    """Stop when the next attempt would start `seconds` or more after the first, by `clock`.

    tenacity's stop_before_delay reads time.monotonic itself, so it cannot follow a test's clock.
    """

    def __init__(self, clock: Callable[[], float], seconds: float) -> None:
        self._clock = clock
        self._ends = clock() + seconds

    def __call__(self, state: RetryCallState) -> bool:
        return self._clock() + state.upcoming_sleep >= self._ends


class TicketClient:
    """Async access to /api/tickets/; one instance (one connection pool) per Assistant."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout_s: float = 10.0,
        retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._retry = retry
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # Creating the client does no I/O; connections open on first use and are pooled.
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 3.0)),
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )

    async def get_ticket(self, ticket_id: int) -> Ticket:
        ticket, _ = await self.read_ticket(ticket_id)
        return ticket

    async def read_ticket(self, ticket_id: int) -> tuple[Ticket, str | None]:
        """The ticket and its ETag, to send back as If-Match with a change based on what was read."""
        response, _ = await self._send("GET", f"{TICKETS_PATH}{ticket_id}/")
        return Ticket.model_validate(response.json()), response.headers.get("ETag")

    async def list_tickets(self, params: dict[str, Any]) -> TicketPage:
        response, _ = await self._send("GET", TICKETS_PATH, params=params)
        return TicketPage.model_validate(response.json())

    async def create_ticket(self, ticket: NewTicket, *, idempotency_key: str) -> Ticket:
        # The key makes a retried POST (first response lost) return the first ticket, not a second.
        response, _ = await self._send("POST", TICKETS_PATH, json=ticket.model_dump(),
                                       headers={"Idempotency-Key": idempotency_key})
        return Ticket.model_validate(response.json())

    async def update_ticket(self, ticket_id: int, changes: TicketChanges, *, if_match: str | None) -> Ticket:
        """PATCH the ticket unless it changed since it was read (If-Match: a 412 writes nothing)."""
        try:
            response, _ = await self._send("PATCH", f"{TICKETS_PATH}{ticket_id}/", json=changes.body(),
                                           headers=_if_match(if_match))
        except TicketApiError as error:
            # A 412 on a *retry* may be our own earlier attempt, applied with its answer lost.
            if error.status == 412 and error.attempts > 1:
                current = await self.get_ticket(ticket_id)
                if not current.differs_from(changes).given():
                    return current
            raise
        return Ticket.model_validate(response.json())

    async def delete_ticket(self, ticket_id: int, *, if_match: str | None) -> None:
        """DELETE the ticket unless it changed since it was read (If-Match)."""
        try:
            await self._send("DELETE", f"{TICKETS_PATH}{ticket_id}/", headers=_if_match(if_match))
        except TicketApiError as error:
            # A 404 on a *retry* means an earlier attempt deleted it and its answer was lost.
            if not (error.status == 404 and error.attempts > 1):
                raise

    async def health(self) -> str:
        """'ok' or 'unreachable', quickly and without retries (for /health)."""
        try:
            response = await self._http.get(HEALTH_PATH, timeout=2.0)
        except httpx.HTTPError:
            return "unreachable"
        return "ok" if response.status_code == 200 else "unreachable"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, int]:
        """One request with retries; returns the 2xx response and the number of attempts."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((*RETRYABLE_ERRORS, _TransientResponse)),
            stop=stop_after_attempt(self._retry.attempts) | _Deadline(self._retry.clock, self._retry.max_seconds),
            wait=self._wait,
            sleep=self._retry.sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        attempts = 0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    response = await self._http.request(method, path, **kwargs)
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _TransientResponse(response)
        except httpx.TransportError as error:
            raise TicketSystemUnavailable(self.base_url, _describe_transport_error(error, attempts)) from error
        except _TransientResponse as error:
            reason = f"it kept answering HTTP {error.response.status_code} after {attempts} attempts"
            raise TicketSystemUnavailable(self.base_url, reason) from error
        if response.status_code >= 300:
            raise TicketApiError(response.status_code, _decode(response), attempts)
        return response, attempts

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _TransientResponse) and error.retry_after is not None:
            return min(error.retry_after, self._retry.max_retry_after)
        backoff = wait_exponential_jitter(
            multiplier=self._retry.backoff_base, max=self._retry.backoff_max, jitter=self._retry.backoff_base
        )
        return backoff(state)

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning("ticket API attempt %d failed (%s); retrying", state.attempt_number, error)


def _decode(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _describe_transport_error(error: httpx.TransportError, attempts: int) -> str:
    if isinstance(error, httpx.TimeoutException):
        what = "it did not answer in time"
    elif isinstance(error, httpx.ConnectError):
        what = "the connection was refused or failed"
    else:
        what = f"the connection broke ({type(error).__name__})"
    return f"{what}, {attempts} attempt{'s' if attempts != 1 else ''}"


def _if_match(etag: str | None) -> dict[str, str]:
    return {"If-Match": etag} if etag else {}
