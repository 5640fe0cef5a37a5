"""Start-up settings from the environment, checked in fresh processes exactly as the server starts them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

TICKET_SYSTEM_DIR = Path(__file__).resolve().parents[1]
OUR_VARIABLES = ("DJANGO_SECRET", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "DJANGO_CSRF_TRUSTED_ORIGINS", "DATABASE_URL",
                 "TICKETS_SQLITE_PATH", "TICKETS_API_TOKEN", "TICKETS_CHAOS_FAILURE_RATE", "TICKETS_CHAOS_MAX_DELAY_MS",
                 "API_PORT", "GUNICORN_WORKERS", "GUNICORN_THREADS", "DJANGO_LOG_LEVEL")
GUNICORN = ["-m", "gunicorn", "config.wsgi"]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'ALLOWED_HOSTS': list(s.ALLOWED_HOSTS), "
    "'TICKETS_API_TOKEN': s.TICKETS_API_TOKEN, 'TICKETS_CHAOS_FAILURE_RATE': s.TICKETS_CHAOS_FAILURE_RATE, "
    "'TICKETS_CHAOS_MAX_DELAY_MS': s.TICKETS_CHAOS_MAX_DELAY_MS}))"
)


def run(args: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run python in ticket_system/ with config.settings, none of our variables but those given, and
    no .env (unless TICKET_SYSTEM_ENV_FILE is given)."""
    env = {name: value for name, value in os.environ.items() if name not in OUR_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "TICKET_SYSTEM_ENV_FILE": os.devnull,
                "TICKETS_SQLITE_PATH": str(tmp_path / "settings-test.sqlite3"), **variables})
    return subprocess.run([sys.executable, *args], cwd=TICKET_SYSTEM_DIR, env=env, capture_output=True, text=True,
                          timeout=60)


def settings_with(tmp_path: Path, **variables: str) -> dict:
    result = run(["-c", PRINT_SETTINGS], tmp_path, DJANGO_SECRET="a-test-secret", **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("secret", [None, "", "   "])
@pytest.mark.parametrize("command", [["manage.py", "check"], [*GUNICORN, "--check-config"]])
def test_without_django_secret_start_up_fails_with_one_line(tmp_path, secret, command):
    variables = {} if secret is None else {"DJANGO_SECRET": secret}

    result = run(command, tmp_path, **variables)

    assert_one_line_naming(result, "DJANGO_SECRET")


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


def assert_one_line_naming(result: subprocess.CompletedProcess[str], variable: str) -> str:
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(variable), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


@pytest.mark.parametrize(("value", "debug"), [
    ("1", True), ("true", True), (" YES ", True), ("On", True),
    ("0", False), ("FALSE", False), ("no", False), (" off", False), ("", False), ("  ", False),
])
def test_django_debug_takes_exactly_the_flag_words_in_any_case(tmp_path, value, debug):
    assert settings_with(tmp_path, DJANGO_DEBUG=value)["DEBUG"] is debug


BAD_SETTINGS = [
    ("DJANGO_DEBUG", "maybe", "1/0, true/false, yes/no or on/off"),
    ("DJANGO_DEBUG", "2", "1/0, true/false, yes/no or on/off"),
    ("TICKETS_CHAOS_FAILURE_RATE", "1.5", "from 0 to 1"),
    ("TICKETS_CHAOS_FAILURE_RATE", "nan", "from 0 to 1"),
    ("TICKETS_CHAOS_MAX_DELAY_MS", "abc", "from 0 to 60000"),
    ("TICKETS_CHAOS_MAX_DELAY_MS", "\u0661\u0662", "from 0 to 60000"),  # Arabic-Indic digits, which int() takes
    ("DJANGO_LOG_LEVEL", "loud", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
]


@pytest.mark.parametrize(("variable", "value", "allowed"), BAD_SETTINGS)
def test_a_bad_value_stops_manage_py_with_one_line_naming_the_variable(tmp_path, variable, value, allowed):
    result = run(["manage.py", "check"], tmp_path, DJANGO_SECRET="a-test-secret",
                 **{variable: value.encode().decode("unicode_escape")})

    line = assert_one_line_naming(result, variable)
    assert allowed in line


@pytest.mark.parametrize(("variable", "value", "allowed"), [
    *BAD_SETTINGS[:1],
    ("GUNICORN_WORKERS", "abc", "at least 1"),
    ("GUNICORN_WORKERS", "0", "at least 1"),
    ("GUNICORN_THREADS", "-1", "at least 1"),
    ("GUNICORN_THREADS", "two", "at least 1"),
    ("API_PORT", "99999", "from 1 to 65535"),
])
def test_a_bad_value_stops_gunicorn_with_one_line_naming_the_variable(tmp_path, variable, value, allowed):
    # --check-config reads gunicorn.conf.py and loads the application, as a start does.
    result = run([*GUNICORN, "--check-config"], tmp_path, DJANGO_SECRET="a-test-secret", **{variable: value})

    line = assert_one_line_naming(result, variable)
    assert allowed in line


def test_a_database_url_that_cannot_be_used_is_one_line_that_never_shows_its_password(tmp_path):
    result = run(["manage.py", "check"], tmp_path, DJANGO_SECRET="a-test-secret",
                 DATABASE_URL="nosuchdb://admin:hunter2-secret@db.example.com/tickets")

    line = assert_one_line_naming(result, "DATABASE_URL")
    assert "hunter2" not in result.stderr + result.stdout
    assert "sqlite:///" in line and "postgres://" in line


def test_starting_gunicorn_with_a_bad_flag_exits_with_one_line(tmp_path):
    from conftest import free_port  # noqa: PLC0415 (the root conftest)

    result = run([*GUNICORN, "--bind", f"127.0.0.1:{free_port()}"], tmp_path, DJANGO_SECRET="a-test-secret",
                 DJANGO_DEBUG="maybe")

    assert_one_line_naming(result, "DJANGO_DEBUG")


def test_gunicorn_reads_its_settings_from_the_env_file_too(tmp_path):
    env_file = tmp_path / "ticket-system.env"
    env_file.write_text("DJANGO_SECRET=from-the-file\nGUNICORN_WORKERS=3\nGUNICORN_THREADS= 2 \n")

    result = run([*GUNICORN, "--print-config"], tmp_path, TICKET_SYSTEM_ENV_FILE=str(env_file))

    assert result.returncode == 0, result.stderr
    printed = {name.strip(): value.strip() for name, _, value in
               (line.partition("=") for line in result.stdout.splitlines() if "=" in line)}
    assert (printed["workers"], printed["threads"]) == ("3", "2")


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


def test_env_example_documents_every_variable_the_settings_read():
    sources = [TICKET_SYSTEM_DIR / "config" / "settings.py", TICKET_SYSTEM_DIR / "gunicorn.conf.py"]
    read = {name for source in sources
            for name in re.findall(r"""env\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""", source.read_text())}
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (TICKET_SYSTEM_DIR / ".env.example").read_text(), re.M))

    assert {"DJANGO_SECRET", "DATABASE_URL", "GUNICORN_WORKERS"} <= read
    assert read <= documented, read - documented
