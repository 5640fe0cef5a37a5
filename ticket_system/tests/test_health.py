"""GET /api/health/: 200 when the database answers, 503 naming the reason when it does not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TICKET_SYSTEM_DIR = Path(__file__).resolve().parents[1]


def test_health_is_ok_when_the_database_answers(api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def unused_port() -> int:
    """A port nothing listens on right now (bound, then released): free for a server, or refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_any_answer(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            httpx.get(url, timeout=2.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


@pytest.fixture(scope="module")
def api_without_database(tmp_path_factory) -> Iterator[str]:
    """The real API under gunicorn, configured with a PostgreSQL server that is not there."""
    port = unused_port()
    env = {**os.environ, "DJANGO_SECRET": "health-test-secret", "TICKET_SYSTEM_ENV_FILE": os.devnull,
           "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:{unused_port()}/tickets"}
    for name in ("TICKETS_API_TOKEN", "TICKETS_CHAOS_FAILURE_RATE", "TICKETS_CHAOS_MAX_DELAY_MS", "DJANGO_DEBUG",
                 "DJANGO_ALLOWED_HOSTS"):
        env.pop(name, None)
    log = (tmp_path_factory.mktemp("no-database") / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=TICKET_SYSTEM_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_any_answer(f"{url}/api/health/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.mark.e2e
def test_health_is_503_with_a_reason_when_the_database_does_not_answer(api_without_database):
    started = time.monotonic()
    response = httpx.get(f"{api_without_database}/api/health/", timeout=30)

    assert time.monotonic() - started < 10
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"status", "database"}
    assert body["status"] == "unavailable"
    assert isinstance(body["database"], str) and body["database"].strip() and body["database"] != "ok"
    assert "Traceback" not in response.text


@pytest.mark.e2e
def test_ticket_calls_without_a_database_are_json_errors_not_html(api_without_database):
    response = httpx.get(f"{api_without_database}/api/tickets/", timeout=30)

    assert response.status_code >= 500
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
