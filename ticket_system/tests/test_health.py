"""GET /api/health/: 200 when the database answers, 503 naming the reason when it does not."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TICKET_SYSTEM_DIR = Path(__file__).resolve().parents[1]


def test_health_is_ok_when_the_database_answers(api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture(scope="module")
def api_without_database(tmp_path_factory) -> Iterator[str]:
    """The real API under gunicorn, configured with a PostgreSQL server that is not there."""
    from conftest import ServiceProcess, free_port, ticket_api_env  # noqa: PLC0415 (the root conftest)

    data_dir = tmp_path_factory.mktemp("no-database")
    port = free_port()
    service = ServiceProcess(
        url=f"http://127.0.0.1:{port}", port=port,
        env=ticket_api_env(data_dir, DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/tickets"),
        args=[sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=TICKET_SYSTEM_DIR,
        health_path="/api/schema/",  # answers without a database; /api/health/ is what is tested
        log_path=data_dir / "gunicorn.log",
    )
    try:
        yield service.start().url
    finally:
        service.stop()


@pytest.mark.e2e
def test_health_is_503_with_a_reason_when_the_database_does_not_answer(api_without_database):
    response = httpx.get(f"{api_without_database}/api/health/", timeout=30)

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
