"""Tickets get a priority, an assignee and tags (issue 11), in seconds on a million tickets.

Both columns are added in place: PostgreSQL (11+) stores a constant DEFAULT once instead of
rewriting the table, and on SQLite `ALTER TABLE ADD COLUMN` only edits the schema. Django's SQLite
AddField would instead copy the whole table for a NOT NULL column (its "remake"), which also
drops the table's triggers (search index, status counts, version token of migrations 0003/0004):
`priority` has a db_default, so the plain ADD COLUMN is valid SQLite, and InPlaceAddField uses it.
The indexes are shaped like the existing ones: a filter's column, then the default order.

Cached list counts (tickets/counts.py) are exact while the tickets table's version token holds:
a tag list filter's and an assignee filter's results also change with writes to the tags table
and with a renamed user, so those writes change the token too.
"""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


SEARCH_AND_COUNTS = import_module("tickets.migrations.0003_search_and_count_triggers")
VERSION = import_module("tickets.migrations.0004_tickets_version")
run = SEARCH_AND_COUNTS.run  # statements by vendor
TICKET_TRIGGERS = [statement for statement in (*SEARCH_AND_COUNTS.SQLITE_FORWARD, *VERSION.SQLITE_FORWARD)
                   if statement.lstrip().startswith("CREATE TRIGGER")]


def restore_sqlite_triggers(apps, schema_editor):
    """Backwards only: Django's SQLite RemoveField of `assignee` copies the table (a foreign key
    column cannot be dropped in place), which drops its triggers; put back the missing ones."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tickets_ticket'")
        existing = {name for (name,) in cursor.fetchall()}
    for statement in TICKET_TRIGGERS:
        if statement.split()[2] not in existing:
            schema_editor.execute(statement, params=None)

VERSION_TOKEN_SOURCES = {  # trigger name -> (table, event)
    "tickets_tickettag_version_insert": ("tickets_tickettag", "INSERT"),
    "tickets_tickettag_version_delete": ("tickets_tickettag", "DELETE"),
    "tickets_tickettag_version_update": ("tickets_tickettag", "UPDATE"),
    "tickets_assignee_version_rename": ("auth_user", "UPDATE OF username"),
}
SQLITE_FORWARD = [
    f"""CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN
            UPDATE tickets_ticketsversion SET token = random();
        END"""
    for name, (table, event) in VERSION_TOKEN_SOURCES.items()
]
SQLITE_BACKWARD = [f"DROP TRIGGER {name}" for name in VERSION_TOKEN_SOURCES]
# tickets_ticket_version() is migration 0004's statement-level function that sets a new token.
POSTGRESQL_FORWARD = [
    f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH STATEMENT EXECUTE FUNCTION tickets_ticket_version()"
    for name, (table, event) in VERSION_TOKEN_SOURCES.items()
]
POSTGRESQL_BACKWARD = [f"DROP TRIGGER {name} ON {table}" for name, (table, _) in VERSION_TOKEN_SOURCES.items()]


class InPlaceAddField(migrations.AddField):
    """AddField as `ALTER TABLE ... ADD COLUMN` on every database (see the module docstring)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        BaseDatabaseSchemaEditor.add_field(schema_editor, model, model._meta.get_field(self.name))


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_trigram_indexes_without_pending_list"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        InPlaceAddField(
            model_name="ticket",
            name="priority",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Low"), (2, "Normal"), (3, "High"), (4, "Urgent")], db_default=2, default=2),
        ),
        migrations.AddField(  # nullable without a default: Django's SQLite AddField is in place already
            model_name="ticket",
            name="assignee",
            field=models.ForeignKey(blank=True, db_index=False, limit_choices_to={"is_active": True}, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="assigned_tickets",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["priority", "-created", "-id"], name="ticket_priority_created_idx"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["priority", "id"], name="ticket_priority_id_idx"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["assignee", "-created", "-id"], name="ticket_assignee_created_idx"),
        ),
        migrations.CreateModel(
            name="TicketTag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=32)),
                ("ticket", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                             related_name="tags", to="tickets.ticket")),
            ],
            options={
                "indexes": [models.Index(fields=["name", "ticket"], name="tickettag_name_ticket_idx")],
                "constraints": [models.UniqueConstraint(fields=("ticket", "name"), name="tickettag_ticket_name_uniq")],
            },
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
