"""Every migration applies forwards and backwards: to zero and forward again, on a temporary
SQLite file and on a fresh PostgreSQL database, with tickets in the table so the data steps
(status counts, search index) run on real rows."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e

ROOT_CHECK = """
from django.db import connection
from tickets.models import StatusCount, Ticket
print(json.dumps({
    "tables": sorted(t for t in connection.introspection.table_names() if t.startswith("tickets_")),
    "counts": {c.status: c.tickets for c in StatusCount.objects.all()},
    "search": list(Ticket.objects.filter(title__icontains="printer").values_list("id", flat=True)),
}))
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def manage(request, tmp_path):
    """Run manage.py against an empty database of the given kind; returns its stdout."""
    from conftest import TICKET_SYSTEM_DIR, ticket_api_env  # noqa: PLC0415 (the root conftest)

    overrides = {}
    if request.param == "postgresql":
        overrides["DATABASE_URL"] = request.getfixturevalue("fresh_postgres_database")("test_migrations")
    env = ticket_api_env(tmp_path, **overrides)

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=TICKET_SYSTEM_DIR, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    return run


def state(manage) -> dict:
    return json.loads(manage("shell", "-c", "import json\n" + ROOT_CHECK).strip().splitlines()[-1])


def state_tables(manage) -> list[str]:
    listing = manage("shell", "-c", "import json\nfrom django.db import connection\n"
                     "print(json.dumps(connection.introspection.table_names()))")
    return [name for name in json.loads(listing.strip().splitlines()[-1]) if name.startswith("tickets_")]


def test_migrations_apply_backwards_to_zero_and_forwards_again(manage):
    manage("migrate", "--noinput")
    manage("loaddemo", "--count", "300")
    loaded = state(manage)
    assert sum(loaded["counts"].values()) == 300
    assert loaded["search"], "demo titles name printers"

    manage("migrate", "tickets", "0002", "--noinput")
    manage("migrate", "--noinput")
    assert state(manage) == loaded, "search index and counts rebuilt from the rows when 0003 is reapplied"

    manage("migrate", "tickets", "zero", "--noinput")
    plan = manage("showmigrations", "tickets")
    assert "[X]" not in plan and plan.count("[ ]") >= 3, plan
    assert state_tables(manage) == [], "every tickets_ table, trigger and index is gone"

    manage("migrate", "--noinput")
    empty = state(manage)
    assert empty["tables"] == loaded["tables"]
    assert empty["counts"] == {"OPEN": 0, "RESOLVED": 0, "CLOSED": 0}
    manage("loaddemo", "--count", "300")
    assert state(manage) == loaded


TRIGRAM_OPTIONS = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname IN "
                   "('ticket_title_trgm_idx', 'ticket_description_trgm_idx') ORDER BY relname")
    print(json.dumps(cursor.fetchall()))
"""


@pytest.mark.parametrize("manage", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_postgresql_trigram_indexes_take_new_rows_at_once(manage):
    """Migration 0005: no GIN pending list that every search would read through after inserts."""
    manage("migrate", "--noinput")

    options = json.loads(manage("shell", "-c", "import json\n" + TRIGRAM_OPTIONS).strip().splitlines()[-1])

    assert options == [["ticket_description_trgm_idx", ["fastupdate=off"]], ["ticket_title_trgm_idx", ["fastupdate=off"]]]


SQLITE_TRIGGERS = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1, 2")
    print(json.dumps(cursor.fetchall()))
"""


@pytest.mark.parametrize("manage", ["sqlite"], indirect=True)
def test_unapplying_the_ticket_fields_on_sqlite_keeps_the_tickets_triggers(manage):
    """Migration 0006 backwards copies the table (Django's SQLite RemoveField of a foreign key),
    which drops its triggers: they must be back, or search, counts and cached counts go stale."""
    manage("migrate", "tickets", "0005", "--noinput")
    before = json.loads(manage("shell", "-c", "import json\n" + SQLITE_TRIGGERS).strip().splitlines()[-1])
    manage("migrate", "--noinput")
    manage("migrate", "tickets", "0005", "--noinput")

    after = json.loads(manage("shell", "-c", "import json\n" + SQLITE_TRIGGERS).strip().splitlines()[-1])

    assert after == before and len(before) == 9
