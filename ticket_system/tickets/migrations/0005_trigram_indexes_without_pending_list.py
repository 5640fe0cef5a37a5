"""PostgreSQL: the trigram GIN indexes take each new row at once (`fastupdate = off`).

With GIN's default fast update, inserted rows wait in a pending list that every search reads in
full until (auto)vacuum merges it: after 3,000 inserts, even rolled back, a rare-word search
served 265-300 req/s instead of 480 (bench/README.md). Inserting straight into the index cost
about 0.05 ms more per insert. SQLite's FTS5 index is unaffected: nothing to do there.
"""

from importlib import import_module

from django.db import migrations

run = import_module("tickets.migrations.0003_search_and_count_triggers").run  # statements by vendor

INDEXES = ("ticket_title_trgm_idx", "ticket_description_trgm_idx")
# After SET, rows already pending stay in the list until the next vacuum: merge them now.
FORWARD = [*(f"ALTER INDEX {index} SET (fastupdate = off)" for index in INDEXES),
           *(f"SELECT gin_clean_pending_list('{index}'::regclass)" for index in INDEXES)]
BACKWARD = [f"ALTER INDEX {index} RESET (fastupdate)" for index in INDEXES]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_tickets_version")]

    operations = [
        migrations.RunPython(run({"sqlite": [], "postgresql": FORWARD}), run({"sqlite": [], "postgresql": BACKWARD})),
    ]
