"""Every SQLite connection the server opens is set up for concurrent writers: WAL (readers never
wait for the writer), BEGIN IMMEDIATE (writers queue for the lock instead of failing half-way)
and a busy timeout (the queue waits instead of answering "database is locked"), whether the file
is named by TICKETS_SQLITE_PATH or by DATABASE_URL=sqlite:///..."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

REPORT = """
import json, threading
from django.db import connection, connections, transaction

def settings_of_a_connection(results):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy = cursor.fetchone()[0]
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)):
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")
    results.append({"journal": journal, "busy_ms": busy, "begin": statements[0]})
    connections.close_all()

results = []
threads = [threading.Thread(target=settings_of_a_connection, args=(results,)) for _ in range(3)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(json.dumps(results))
"""

PRINT_DATABASE = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default'], default=str))"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"  # an absolute path after the three slashes: sqlite:////tmp/...


def naming(how: str, path: Path) -> dict[str, str]:
    """The environment that names the SQLite file `path` one way or the other."""
    return {"TICKETS_SQLITE_PATH": str(path)} if how == "path" else {"DATABASE_URL": sqlite_url(path)}


def manage(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    from conftest import TICKET_SYSTEM_DIR, ticket_api_env  # noqa: PLC0415 (the root conftest)

    env = ticket_api_env(tmp_path, **variables)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=TICKET_SYSTEM_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("how", ["path", "url"])
def test_every_connection_uses_wal_begin_immediate_and_a_busy_timeout(tmp_path, how):
    variables = naming(how, tmp_path / "tickets.sqlite3")
    assert manage(tmp_path, "migrate", "--noinput", **variables).returncode == 0

    result = manage(tmp_path, "shell", "-c", REPORT, **variables)

    assert result.returncode == 0, result.stderr
    connections = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(connections) == 3
    for settings in connections:
        assert settings["journal"] == "wal"
        assert settings["busy_ms"] >= 5000
        assert settings["begin"].upper().startswith("BEGIN IMMEDIATE")


def test_a_file_named_by_database_url_gets_exactly_the_settings_of_tickets_sqlite_path(tmp_path):
    path = tmp_path / "tickets.sqlite3"
    by_path, by_url = (manage(tmp_path, "shell", "-c", PRINT_DATABASE, **naming(how, path)) for how in ("path", "url"))

    assert by_path.returncode == by_url.returncode == 0, by_path.stderr + by_url.stderr
    assert json.loads(by_url.stdout.splitlines()[-1]) == json.loads(by_path.stdout.splitlines()[-1])


WRITERS = 12
WRITES_EACH = 15


def test_concurrent_writers_on_a_file_named_by_database_url_never_fail(start_ticket_api, tmp_path):
    # Creates and edits at once, on several worker processes and threads: without BEGIN IMMEDIATE
    # and the busy timeout an edit's read-then-write fails at once with "database is locked".
    api = start_ticket_api(DATABASE_URL=sqlite_url(tmp_path / "named-by-url.sqlite3"),
                           GUNICORN_WORKERS="3", GUNICORN_THREADS="4")
    tickets = f"{api.url}/api/tickets/"

    def write(writer: int) -> list[int]:
        with httpx.Client(timeout=60) as client:
            created = client.post(tickets, json={"title": f"Writer {writer}", "description": "Under load."})
            codes = [created.status_code]
            for number in range(WRITES_EACH):
                codes.append(client.patch(f"{tickets}{created.json()['id']}/", json={"title": f"Edit {number}"})
                             .status_code)
                codes.append(client.post(tickets, json={"title": f"{writer}.{number}", "description": "More."})
                             .status_code)
            return codes

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        codes = Counter(code for codes in pool.map(write, range(WRITERS)) for code in codes)

    assert set(codes) == {200, 201}, (codes, api.log()[-5000:])
    assert "database is locked" not in api.log()
    assert httpx.get(tickets).json()["count"] == codes[201] == WRITERS * (WRITES_EACH + 1)
