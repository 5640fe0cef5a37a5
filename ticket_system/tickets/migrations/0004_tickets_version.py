"""A version token for the tickets table, changed by triggers on every write, for cached counts
(tickets/counts.py).

SQLite has only row triggers; PostgreSQL gets a statement trigger, so a COPY of a million rows
changes the token once. Also on PostgreSQL: the status count function now locks both count rows
of a status change in one order whatever the transition, so two opposite changes at once
(OPEN -> RESOLVED and RESOLVED -> OPEN) can no longer deadlock.
"""

from importlib import import_module

from django.db import migrations, models

SQLITE_FORWARD = [
    f"""CREATE TRIGGER tickets_ticket_version_{event.lower()} AFTER {event} ON tickets_ticket BEGIN
            UPDATE tickets_ticketsversion SET token = random();
        END"""
    for event in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_BACKWARD = [f"DROP TRIGGER tickets_ticket_version_{event}" for event in ("insert", "update", "delete")]

PREVIOUS = import_module("tickets.migrations.0003_search_and_count_triggers")
run = PREVIOUS.run  # statements by database vendor

# 0003's function, and the same with the two count rows locked first, in status order.
PREVIOUS_COUNT = PREVIOUS.POSTGRESQL_FORWARD[3].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
FIRST_COUNT_UPDATE = "           IF TG_OP IN ('UPDATE', 'DELETE') THEN"
assert FIRST_COUNT_UPDATE in PREVIOUS_COUNT
# LockRows sits above the sort, so rows are locked in `status` order: OPEN -> RESOLVED and
# RESOLVED -> OPEN at once then wait for each other instead of deadlocking.
ORDERED_LOCKS_COUNT = PREVIOUS_COUNT.replace(FIRST_COUNT_UPDATE, """           IF TG_OP = 'UPDATE' THEN
               PERFORM 1 FROM tickets_statuscount WHERE status IN (OLD.resolution_status, NEW.resolution_status)
                   ORDER BY status FOR UPDATE;
           END IF;
""" + FIRST_COUNT_UPDATE)

POSTGRESQL_FORWARD = [
    """CREATE FUNCTION tickets_ticket_version() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           UPDATE tickets_ticketsversion SET token = floor(random() * 9e18)::bigint;
           RETURN NULL;
       END $$""",
    """CREATE TRIGGER tickets_ticket_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tickets_ticket
       FOR EACH STATEMENT EXECUTE FUNCTION tickets_ticket_version()""",
    ORDERED_LOCKS_COUNT,
]
POSTGRESQL_BACKWARD = [
    PREVIOUS_COUNT,
    "DROP TRIGGER tickets_ticket_version ON tickets_ticket",
    "DROP FUNCTION tickets_ticket_version()",
]


def create_token(apps, schema_editor):
    apps.get_model("tickets", "TicketsVersion").objects.create(id=1, token=0)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_search_and_count_triggers")]

    operations = [
        migrations.CreateModel(
            name="TicketsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_token, migrations.RunPython.noop),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
