"""Idempotency-Key for POST: a repeat returns the first response and creates nothing.

The key's row is inserted in the same transaction as the ticket, and its unique constraint (not a
check-then-insert) decides which of two racing requests wins; the loser replays the winner's answer.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.response import Response

from .models import IdempotencyRecord

MAX_KEY_LENGTH = 255


class KeyReusedWithOtherBody(exceptions.APIException):
    status_code = 422
    default_detail = {"Idempotency-Key": ["This key was already used with a different request body."]}


def fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def replay(record: IdempotencyRecord, request_fingerprint: str) -> Response:
    if record.request_fingerprint != request_fingerprint:
        raise KeyReusedWithOtherBody()
    return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})


def live_record(key: str) -> IdempotencyRecord | None:
    # Every expired key goes, not only this one, so the table holds about a day of keys rather
    # than growing forever; the index on `created` makes this cheap when nothing has expired.
    cutoff = timezone.now() - timedelta(seconds=settings.TICKETS_IDEMPOTENCY_TTL_SECONDS)
    IdempotencyRecord.objects.filter(created__lt=cutoff).delete()
    return IdempotencyRecord.objects.filter(key=key).first()


def run_once(key: str, data, create: Callable[[], Response]) -> Response:
    if len(key) > MAX_KEY_LENGTH:
        raise exceptions.ValidationError({"Idempotency-Key": [f"At most {MAX_KEY_LENGTH} characters."]})
    request_fingerprint = fingerprint(data)
    if record := live_record(key):
        return replay(record, request_fingerprint)
    try:
        with transaction.atomic():
            response = create()
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.create(
                    key=key,
                    request_fingerprint=request_fingerprint,
                    response_status=response.status_code,
                    response_body=response.data,
                )
            return response
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(key=key).first()
        if record is None:
            raise
        return replay(record, request_fingerprint)
