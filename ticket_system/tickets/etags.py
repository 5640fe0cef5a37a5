"""Strong ETags for single tickets, and the If-Match / If-None-Match checks that use them.

The tag is a hash of the ticket's JSON representation, so it changes exactly when what a client
sees changes (a no-op update keeps it).
"""

import hashlib
import json

from rest_framework import exceptions


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The ticket has changed since you read it (If-Match does not match its ETag); read it again."
    default_code = "precondition_failed"


def etag_for(representation: dict) -> str:
    body = json.dumps(representation, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def header_tags(value: str) -> set[str]:
    """The entity tags listed in an If-Match / If-None-Match header (weak prefixes dropped)."""
    return {tag.strip().removeprefix("W/") for tag in value.split(",") if tag.strip()}


def matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    tags = header_tags(header)
    return "*" in tags or etag in tags


def check_if_match(header: str | None, etag: str) -> None:
    if header is not None and not matches(header, etag):
        raise PreconditionFailed()
