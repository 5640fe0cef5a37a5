"""The ticket API suite, run again on PostgreSQL.

pytest-django sets up one database per run, so the PostgreSQL pass is a second pytest run of this
folder with TICKETS_TEST_DATABASE_URL pointing at the server named by TICKETS_TEST_POSTGRES_URL.
Tests marked e2e start their own server processes on databases of their own (SQLite files, or
PostgreSQL databases they create), never on the test database, so this pass leaves them out:
running them again would test nothing new.
"""

import os
import subprocess
import uuid
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.skipif(bool(os.environ.get("TICKETS_TEST_DATABASE_URL")), reason="this is already the PostgreSQL pass")
def test_api_suite_passes_on_postgresql():
    url = os.environ.get("TICKETS_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TICKETS_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)")
    env = {**os.environ, "TICKETS_TEST_DATABASE_URL": url, "TICKETS_TEST_DATABASE_NAME": f"test_tickets_{uuid.uuid4().hex[:12]}"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "ticket_system/tests", "-q", "-p", "no:cacheprovider",
         "--create-db", "--ignore=ticket_system/tests/test_postgresql.py", "-m", "not e2e"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    print(f"PostgreSQL pass: {summary}")
    assert result.returncode == 0, f"the API suite failed on PostgreSQL:\n{result.stdout[-20000:]}\n{result.stderr[-5000:]}"
    assert " passed" in summary and "skipped" not in summary, summary
