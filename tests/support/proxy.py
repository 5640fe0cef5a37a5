"""A recording HTTP proxy in front of the ticket API that can hold, lose or refuse requests.

Tests put it between the agent and the API to see every call the agent makes and to make the
network misbehave on cue, without timing: `hold()` keeps each arriving request waiting until
`release()` (a call that is slow for exactly as long as the test needs), `faults` loses a
response or answers 429/503 instead of the API, and `wait_for_requests` / `wait_until_idle`
wait on what arrived instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import NamedTuple

import httpx

from tests.support.http import QuietHandler, ThreadedServer

# How long a held request waits for release() before it is forwarded anyway.
HOLD_TIMEOUT_S = 30.0
# What the proxy waits for before a test gives up on it.
WAIT_TIMEOUT_S = 30.0
HOP_BY_HOP = ("host", "content-length", "transfer-encoding", "connection", "content-encoding")

# faults(method, path, index of the request) -> None (forward), "drop" (forward, then close the
# connection without answering: the API did the work, the client never hears of it), a status
# (answer it with Retry-After: 0, without forwarding) or (status, retry_after).
Fault = None | str | int | tuple[int, str]
Faults = Callable[[str, str, int], Fault]


class SeenRequest(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]  # names in lower case


def no_faults(method: str, path: str, index: int) -> Fault:
    return None


class Proxy:
    """Forwards to `target`; `seen` lists every request in order of arrival (held ones too)."""

    def __init__(self, target: str, faults: Faults = no_faults) -> None:
        self.faults = faults
        self.seen: list[SeenRequest] = []
        self._changed = threading.Condition()
        self._in_flight = 0
        self._released = threading.Event()
        self._released.set()
        self._upstream = httpx.Client(base_url=target, timeout=30)
        self._server = ThreadedServer(_handler_for(self))

    @property
    def url(self) -> str:
        return self._server.url

    def hold(self) -> None:
        """From now on, requests wait at the proxy until release()."""
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def wait_for_requests(self, count: int) -> list[SeenRequest]:
        """Block until `count` requests have arrived (held ones count); all of them."""
        self._wait(lambda: len(self.seen) >= count, f"{count} requests")
        return list(self.seen)

    def wait_until_idle(self) -> None:
        """Block until every request that arrived has been answered (or dropped)."""
        self._wait(lambda: self._in_flight == 0, "no request in flight")

    def stop(self) -> None:
        self.release()
        self._server.stop()
        self._upstream.close()

    def _wait(self, condition: Callable[[], bool], what: str) -> None:
        with self._changed:
            if not self._changed.wait_for(condition, timeout=WAIT_TIMEOUT_S):
                raise AssertionError(f"the proxy never saw {what}; it saw {self.seen}")

    def _arrived(self, request: SeenRequest) -> int:
        with self._changed:
            self.seen.append(request)
            self._in_flight += 1
            self._changed.notify_all()
            return len(self.seen) - 1

    def _done(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()


def _handler_for(proxy: Proxy) -> type[QuietHandler]:
    class Handler(QuietHandler):
        def forward(self) -> None:
            body = self.read_body()
            headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
            index = proxy._arrived(SeenRequest(self.command, self.path, {k.lower(): v for k, v in headers.items()}))
            try:
                proxy._released.wait(HOLD_TIMEOUT_S)
                self.answer(proxy.faults(self.command, self.path, index), body, headers)
            finally:
                proxy._done()

        def answer(self, fault: Fault, body: bytes, headers: dict[str, str]) -> None:
            if isinstance(fault, (int, tuple)):
                status, retry_after = fault if isinstance(fault, tuple) else (fault, "0")
                self.send_body(status, b'{"detail": "injected by the test proxy"}',
                               {"Retry-After": retry_after, "Content-Type": "application/json"})
                return
            response = proxy._upstream.request(self.command, self.path, content=body, headers=headers)
            if fault == "drop":
                self.close_connection = True  # the API did the work; the client never hears of it
                return
            self.send_body(response.status_code, response.content,
                           {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP})

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = forward  # noqa: N815

    return Handler
