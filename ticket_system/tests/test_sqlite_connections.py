"""Every SQLite connection the server opens is set up for concurrent writers: WAL (readers never
wait for the writer), BEGIN IMMEDIATE (writers queue for the lock instead of failing half-way)
and a busy timeout (the queue waits instead of answering "database is locked")."""

from __future__ import annotations

import json
import subprocess
import sys

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


def test_every_connection_uses_wal_begin_immediate_and_a_busy_timeout(tmp_path):
    from conftest import TICKET_SYSTEM_DIR, ticket_api_env  # noqa: PLC0415 (the root conftest)

    env = ticket_api_env(tmp_path)
    run = lambda *args: subprocess.run([sys.executable, "manage.py", *args], cwd=TICKET_SYSTEM_DIR,  # noqa: E731
                                       env=env, capture_output=True, text=True, timeout=120)
    assert run("migrate", "--noinput").returncode == 0

    result = run("shell", "-c", REPORT)

    assert result.returncode == 0, result.stderr
    connections = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(connections) == 3
    for settings in connections:
        assert settings["journal"] == "wal"
        assert settings["busy_ms"] >= 5000
        assert settings["begin"].upper().startswith("BEGIN IMMEDIATE")
