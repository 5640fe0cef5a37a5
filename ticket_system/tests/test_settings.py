"""Start-up settings from the environment, checked in fresh processes exactly as the server starts them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

TICKET_SYSTEM_DIR = Path(__file__).resolve().parents[1]
OUR_VARIABLES = ("DJANGO_SECRET", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "TICKETS_API_TOKEN",
                 "TICKETS_CHAOS_FAILURE_RATE", "TICKETS_CHAOS_MAX_DELAY_MS")
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'ALLOWED_HOSTS': list(s.ALLOWED_HOSTS), "
    "'TICKETS_API_TOKEN': s.TICKETS_API_TOKEN, 'TICKETS_CHAOS_FAILURE_RATE': s.TICKETS_CHAOS_FAILURE_RATE, "
    "'TICKETS_CHAOS_MAX_DELAY_MS': s.TICKETS_CHAOS_MAX_DELAY_MS}))"
)


def run(args: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run python in ticket_system/ with config.settings, none of our variables but those given, and no .env."""
    env = {name: value for name, value in os.environ.items() if name not in OUR_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", TICKET_SYSTEM_ENV_FILE=os.devnull,
               TICKETS_SQLITE_PATH=str(tmp_path / "settings-test.sqlite3"), **variables)
    return subprocess.run([sys.executable, *args], cwd=TICKET_SYSTEM_DIR, env=env, capture_output=True, text=True,
                          timeout=60)


def settings_with(tmp_path: Path, **variables: str) -> dict:
    result = run(["-c", PRINT_SETTINGS], tmp_path, DJANGO_SECRET="a-test-secret", **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_without_django_secret_manage_check_fails_with_one_line(tmp_path, secret):
    variables = {} if secret is None else {"DJANGO_SECRET": secret}

    result = run(["manage.py", "check"], tmp_path, **variables)

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "DJANGO_SECRET" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_with_django_secret_manage_check_passes(tmp_path):
    result = run(["manage.py", "check"], tmp_path, DJANGO_SECRET="a-test-secret")

    assert result.returncode == 0, result.stderr


def test_defaults(tmp_path):
    assert settings_with(tmp_path) == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "ticket-system", "ticket_system"],
        "TICKETS_API_TOKEN": None,
        "TICKETS_CHAOS_FAILURE_RATE": 0,
        "TICKETS_CHAOS_MAX_DELAY_MS": 0,
    }


@pytest.mark.parametrize(("value", "debug"), [("1", True), ("true", True), ("0", False), ("false", False)])
def test_django_debug_is_on_only_for_1_or_true(tmp_path, value, debug):
    assert settings_with(tmp_path, DJANGO_DEBUG=value)["DEBUG"] is debug


def test_allowed_hosts_are_comma_separated(tmp_path):
    hosts = settings_with(tmp_path, DJANGO_ALLOWED_HOSTS="api.example.com,10.0.0.5")["ALLOWED_HOSTS"]

    assert hosts == ["api.example.com", "10.0.0.5"]


def test_api_token_and_chaos_come_from_the_environment(tmp_path):
    values = settings_with(tmp_path, TICKETS_API_TOKEN="tok", TICKETS_CHAOS_FAILURE_RATE="0.25",
                           TICKETS_CHAOS_MAX_DELAY_MS="150")

    assert (values["TICKETS_API_TOKEN"], values["TICKETS_CHAOS_FAILURE_RATE"],
            values["TICKETS_CHAOS_MAX_DELAY_MS"]) == ("tok", 0.25, 150)


@pytest.mark.e2e
def test_a_real_server_answers_errors_in_json_without_tracebacks(ticket_api):
    json_type = {"Content-Type": "application/json"}
    with httpx.Client(base_url=ticket_api.url) as client:
        responses = [
            client.get("/api/nope/"),
            client.get("/api/tickets/abc/"),
            client.post("/api/tickets/", content=b'{"title": ', headers=json_type),
            client.post("/api/tickets/", content=b"[" * 50_000, headers=json_type),
            client.get("/api/tickets/", params={"ordering": "bogus"}),
        ]

    assert [response.status_code for response in responses] == [404, 404, 400, 400, 400]
    for response in responses:
        assert response.headers["content-type"].startswith("application/json"), response.text[:200]
        assert "Traceback" not in response.text and "<html" not in response.text.lower()
