"""`python manage.py loaddemo --count 1000000`: fill the database with realistic tickets, fast.

The demo assignees are users of their own (no password: they cannot sign in), created when missing.

Everything happens in one transaction. On PostgreSQL the rows go in with COPY. On SQLite the per-row insert triggers (search index, status counts) and the list indexes
are slow to keep up row by row for a million rows (the title index alone is a random insert per
row), so they are set aside for the load (their SQL kept from sqlite_master), the new rows are
indexed and counted in bulk (an index built by one sort is far faster), and everything is put back
before the commit: no other connection ever sees the table without them.
"""

import time
from contextlib import contextmanager
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from tickets.demo import DEMO_ASSIGNEES, DemoTicket, demo_rows
from tickets.search import FTS_TABLE

COLUMNS = "title, description, created, updated, resolution_status, priority, assignee_id"
TAG_COLUMNS = "ticket_id, name"
BATCH = 20_000
INSERT_TRIGGERS = ("tickets_ticket_fts_insert", "tickets_ticket_count_insert", "tickets_ticket_version_insert")
CACHE_KIB = 256 * 1024  # SQLite's page cache for the load; its default (2 MiB) makes index builds spill


class Command(BaseCommand):
    help = "Add COUNT generated tickets (realistic titles, descriptions, dates, statuses, priorities, assignees, tags)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1000, help="how many tickets to add (default 1000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed, for reproducible data")

    def handle(self, *args, count: int, seed: int, **options) -> None:
        if count < 1:
            raise CommandError("--count must be at least 1")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            rows = ticket_rows(demo_rows(count, seed), demo_users(), tags := [])
            cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
            last_id_before = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                copy_into_postgresql(cursor, rows)
            else:
                insert_into_sqlite(cursor, rows, last_id_before)
            add_tags(cursor, last_id_before, tags)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                settle_postgresql(cursor)
        self.stdout.write(f"Added {count} tickets in {time.perf_counter() - started:.1f} s.")


def demo_users() -> dict[str, int]:
    """The id of each demo assignee's user, created when missing."""
    User = get_user_model()
    ids = {}
    for username in DEMO_ASSIGNEES:
        user, created = User.objects.get_or_create(**{User.USERNAME_FIELD: username})
        if created:
            user.set_unusable_password()
            user.save()
        ids[username] = user.pk
    return ids


def ticket_rows(tickets, user_ids: dict[str, int], tags: list[tuple[str, ...]]):
    """Each ticket's values in COLUMNS' order; its tags appended to `tags`, in the same order."""
    for ticket in tickets:
        tags.append(ticket.tags)
        yield (*ticket[:DemoTicket._fields.index("assignee")], user_ids.get(ticket.assignee))


def add_tags(cursor, last_id_before: int, tags: list[tuple[str, ...]]) -> None:
    """The new tickets' tags, matched to the tickets by the order of their ids."""
    cursor.execute("SELECT id FROM tickets_ticket WHERE id > %s ORDER BY id", [last_id_before])
    rows = ((ticket_id, name) for (ticket_id,), names in zip(cursor.fetchall(), tags, strict=True) for name in names)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY tickets_tickettag ({TAG_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    while batch := list(islice(rows, BATCH)):
        cursor.executemany(f"INSERT INTO tickets_tickettag ({TAG_COLUMNS}) VALUES (%s, %s)", batch)


def copy_into_postgresql(cursor, rows) -> None:
    # The trigram GIN indexes and the per-row count trigger would do their work a million times
    # over: the indexes are built once after the COPY instead (ALTER TABLE and DROP INDEX lock the
    # table until the commit, so no other connection sees it without them) and counted once.
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    # The assignee's foreign key is checked at the end of the COPY, not at the commit: PostgreSQL
    # refuses CREATE INDEX on a table with foreign key checks still pending.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tickets_ticket' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
    )
    indexes = cursor.fetchall()
    cursor.execute("ALTER TABLE tickets_ticket DISABLE TRIGGER tickets_ticket_count")
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    with cursor.cursor.copy(f"COPY tickets_ticket ({COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    for _, definition in indexes:
        cursor.execute(definition)
    cursor.execute("ALTER TABLE tickets_ticket ENABLE TRIGGER tickets_ticket_count")
    recount(cursor)


def settle_postgresql(cursor) -> None:
    """After the commit (VACUUM cannot run in a transaction): fresh statistics, or the planner
    guesses a search word matches 100 rows where it matches a third of the table, and sorts 333,333
    trigram matches instead of reading 20 rows in order; and the new rows' hint bits and visibility
    map set once, instead of by the first queries and autovacuum while people use the API."""
    if connection.in_atomic_block:  # inside a caller's transaction (call_command in tests)
        cursor.execute("ANALYZE tickets_ticket")
    else:
        cursor.execute("VACUUM (ANALYZE) tickets_ticket")


def insert_into_sqlite(cursor, rows, last_id_before: int) -> None:
    adapt = connection.ops.adapt_datetimefield_value  # the text format Django itself writes
    cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets_ticket' AND sql IS NOT NULL")
    indexes = [(name, "index") for (name,) in cursor.fetchall()]
    with set_aside(cursor, [*indexes, *((name, "trigger") for name in INSERT_TRIGGERS)]):
        while batch := list(islice(rows, BATCH)):
            cursor.executemany(
                f"INSERT INTO tickets_ticket ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(title, text, adapt(created), adapt(updated), *rest) for title, text, created, updated, *rest in batch],
            )
        if last_id_before == 0:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")  # one pass, fastest
        else:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, description) "
                "SELECT id, title, description FROM tickets_ticket WHERE id > %s",
                [last_id_before],
            )
        recount(cursor)
        cursor.execute("UPDATE tickets_ticketsversion SET token = random()")


def recount(cursor) -> None:
    cursor.execute(
        "UPDATE tickets_statuscount SET tickets = "
        "(SELECT count(*) FROM tickets_ticket WHERE resolution_status = tickets_statuscount.status)"
    )


@contextmanager
def set_aside(cursor, objects: list[tuple[str, str]]):
    """Drop these (name, type) schema objects for the block and create them again after it."""
    saved = []
    for name, kind in objects:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = %s AND name = %s", [kind, name])
        saved.append(cursor.fetchone()[0])
        cursor.execute(f'DROP {kind.upper()} "{name}"')
    try:
        yield
    finally:
        for create_sql in saved:
            cursor.execute(create_sql)
