"""Indexed substring search and exact per-status counts, kept in step by the database itself.

SQLite: an FTS5 table with the trigram tokenizer over title and description (external content, so
the text is stored once) and triggers that follow every INSERT, UPDATE and DELETE, whoever runs it.
PostgreSQL: pg_trgm GIN indexes on UPPER(title) and UPPER(description), the expressions Django's
`icontains` compares. Both: triggers that keep tickets_statuscount equal to the real counts.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE tickets_ticket_fts USING fts5(
           title, description, content='tickets_ticket', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER tickets_ticket_fts_insert AFTER INSERT ON tickets_ticket BEGIN
           INSERT INTO tickets_ticket_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
       END""",
    """CREATE TRIGGER tickets_ticket_fts_delete AFTER DELETE ON tickets_ticket BEGIN
           INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, title, description)
           VALUES ('delete', old.id, old.title, old.description);
       END""",
    """CREATE TRIGGER tickets_ticket_fts_update AFTER UPDATE OF title, description ON tickets_ticket BEGIN
           INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, title, description)
           VALUES ('delete', old.id, old.title, old.description);
           INSERT INTO tickets_ticket_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
       END""",
    "INSERT INTO tickets_ticket_fts(tickets_ticket_fts) VALUES ('rebuild')",
    """CREATE TRIGGER tickets_ticket_count_insert AFTER INSERT ON tickets_ticket BEGIN
           UPDATE tickets_statuscount SET tickets = tickets + 1 WHERE status = new.resolution_status;
       END""",
    """CREATE TRIGGER tickets_ticket_count_delete AFTER DELETE ON tickets_ticket BEGIN
           UPDATE tickets_statuscount SET tickets = tickets - 1 WHERE status = old.resolution_status;
       END""",
    """CREATE TRIGGER tickets_ticket_count_update AFTER UPDATE OF resolution_status ON tickets_ticket
       WHEN old.resolution_status <> new.resolution_status BEGIN
           UPDATE tickets_statuscount SET tickets = tickets - 1 WHERE status = old.resolution_status;
           UPDATE tickets_statuscount SET tickets = tickets + 1 WHERE status = new.resolution_status;
       END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER tickets_ticket_count_update",
    "DROP TRIGGER tickets_ticket_count_delete",
    "DROP TRIGGER tickets_ticket_count_insert",
    "DROP TRIGGER tickets_ticket_fts_update",
    "DROP TRIGGER tickets_ticket_fts_delete",
    "DROP TRIGGER tickets_ticket_fts_insert",
    "DROP TABLE tickets_ticket_fts",
]

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ticket_title_trgm_idx ON tickets_ticket USING gin (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX ticket_description_trgm_idx ON tickets_ticket USING gin (UPPER(description::text) gin_trgm_ops)",
    """CREATE FUNCTION tickets_ticket_count() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           IF TG_OP = 'UPDATE' AND OLD.resolution_status = NEW.resolution_status THEN
               RETURN NULL;
           END IF;
           IF TG_OP IN ('UPDATE', 'DELETE') THEN
               UPDATE tickets_statuscount SET tickets = tickets - 1 WHERE status = OLD.resolution_status;
           END IF;
           IF TG_OP IN ('UPDATE', 'INSERT') THEN
               UPDATE tickets_statuscount SET tickets = tickets + 1 WHERE status = NEW.resolution_status;
           END IF;
           RETURN NULL;
       END $$""",
    """CREATE TRIGGER tickets_ticket_count AFTER INSERT OR DELETE OR UPDATE OF resolution_status
       ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION tickets_ticket_count()""",
    # TRUNCATE skips row triggers (Django's flush uses it): start the counts again from zero.
    """CREATE FUNCTION tickets_ticket_count_reset() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           UPDATE tickets_statuscount SET tickets = 0;
           RETURN NULL;
       END $$""",
    """CREATE TRIGGER tickets_ticket_count_truncate AFTER TRUNCATE ON tickets_ticket
       FOR EACH STATEMENT EXECUTE FUNCTION tickets_ticket_count_reset()""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER tickets_ticket_count_truncate ON tickets_ticket",
    "DROP FUNCTION tickets_ticket_count_reset()",
    "DROP TRIGGER tickets_ticket_count ON tickets_ticket",
    "DROP FUNCTION tickets_ticket_count()",
    "DROP INDEX ticket_description_trgm_idx",
    "DROP INDEX ticket_title_trgm_idx",
]

STATUSES = ("OPEN", "RESOLVED", "CLOSED")


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no search indexes for the {schema_editor.connection.vendor} database")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return operation


def count_existing_tickets(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    StatusCount = apps.get_model("tickets", "StatusCount")
    for status in STATUSES:
        StatusCount.objects.update_or_create(
            status=status, defaults={"tickets": Ticket.objects.filter(resolution_status=status).count()}
        )


def forget_counts(apps, schema_editor):
    apps.get_model("tickets", "StatusCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_list_indexes")]

    operations = [
        migrations.RunPython(count_existing_tickets, forget_counts),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
