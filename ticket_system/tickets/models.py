from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from .priorities import Priority


class Status(models.TextChoices):
    OPEN = "OPEN", "Open"
    RESOLVED = "RESOLVED", "Resolved"
    CLOSED = "CLOSED", "Closed"


class Ticket(models.Model):
    title = models.CharField(max_length=255)
    description = models.TextField(max_length=20_000)
    # A default rather than auto_now_add, so imports and demo data can keep their real dates.
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)
    resolution_status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # db_default too: existing rows get it from the column's DEFAULT (migration 0006, no rewrite).
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL,
                                                db_default=Priority.NORMAL)
    # No index of its own: ticket_assignee_created_idx starts with it.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_tickets", limit_choices_to={"is_active": True},
                                 db_index=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["-created", "-id"], name="ticket_created_id_idx"),
            models.Index(fields=["resolution_status", "-created", "-id"], name="ticket_status_created_idx"),
            models.Index(fields=["title", "id"], name="ticket_title_id_idx"),
            models.Index(fields=["updated", "id"], name="ticket_updated_id_idx"),
            models.Index(fields=["resolution_status", "id"], name="ticket_status_id_idx"),
            models.Index(fields=["priority", "-created", "-id"], name="ticket_priority_created_idx"),
            models.Index(fields=["priority", "id"], name="ticket_priority_id_idx"),
            models.Index(fields=["assignee", "-created", "-id"], name="ticket_assignee_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolution_status__in=Status.values), name="ticket_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    # What the API shows of the ticket's tags and assignee. Reads of many tickets fill both at once
    # (selectors.with_details); otherwise they are read when first asked for.
    @cached_property
    def tag_names(self) -> list[str]:
        return sorted(tag.name for tag in self.tags.all())

    @cached_property
    def assignee_username(self) -> str | None:
        return self.assignee.username if self.assignee_id is not None else None

    def save(self, *args, **kwargs) -> None:
        # A new ticket's `updated` equals its `created`; every later save moves it forward.
        self.updated = self.created if self._state.adding else timezone.now()
        super().save(*args, **kwargs)


class TicketTag(models.Model):
    """One tag of one ticket (tickets/tags.py says what a tag is). A table rather than a JSON
    column: the (name, ticket) index finds a tag's tickets on SQLite and PostgreSQL alike."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="tags", db_index=False)
    name = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "name"], name="tickettag_ticket_name_uniq")]
        indexes = [models.Index(fields=["name", "ticket"], name="tickettag_name_ticket_idx")]

    def __str__(self) -> str:
        return self.name


class StatusCount(models.Model):
    """How many tickets have each status, kept exact by database triggers (migration 0004), so a
    list's `count` needs no scan of the whole table."""

    status = models.CharField(max_length=8, primary_key=True, choices=Status.choices)
    tickets = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.status}: {self.tickets}"


class TicketsVersion(models.Model):
    """One row whose `token` database triggers set to a new random value with every change to the
    tickets table (migration 0004). Counts cached under a token are exact while it holds; random
    rather than a counter, so a token of a rolled-back write never comes back for other data."""

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.token)


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an Idempotency-Key, replayed for repeats of it."""

    key = models.CharField(max_length=255, unique=True)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key
