from django.db import models
from django.utils import timezone


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

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["-created", "-id"], name="ticket_created_id_idx"),
            models.Index(fields=["resolution_status", "-created", "-id"], name="ticket_status_created_idx"),
            models.Index(fields=["title", "id"], name="ticket_title_id_idx"),
            models.Index(fields=["updated", "id"], name="ticket_updated_id_idx"),
            models.Index(fields=["resolution_status", "id"], name="ticket_status_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolution_status__in=Status.values), name="ticket_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def save(self, *args, **kwargs) -> None:
        # A new ticket's `updated` equals its `created`; every later save moves it forward.
        self.updated = self.created if self._state.adding else timezone.now()
        super().save(*args, **kwargs)


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
