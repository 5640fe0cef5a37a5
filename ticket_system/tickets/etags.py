"""Strong ETags for single tickets, and the conditional requests (RFC 9110) that use them.

The tag is a hash of the ticket's JSON representation, so it changes exactly when what a client
sees changes (a no-op update keeps it). Django's `get_conditional_response` evaluates the request's
preconditions: If-Match compares strongly (a `W/` tag never matches), If-None-Match weakly, both
take `*` and lists; the dates compare with the ticket's `updated`.
"""

import hashlib
import json
from datetime import datetime

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

PRECONDITION_HEADERS = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_MODIFIED_SINCE")
OTHER_PRECONDITION_FAILED = "The ticket does not meet the request's If-None-Match or If-Unmodified-Since condition."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The ticket has changed since you read it (If-Match does not match its ETag); read it again."
    default_code = "precondition_failed"


def etag_for(representation: dict) -> str:
    body = json.dumps(representation, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def tagged(response: Response) -> Response:
    """A single ticket's successful response, with the ETag of the ticket it carries."""
    if 200 <= response.status_code < 300 and isinstance(response.data, dict) and "id" in response.data:
        response["ETag"] = etag_for(response.data)
    return response


def has_preconditions(request: Request) -> bool:
    """Whether the request has a precondition to evaluate (if not, no ETag need be computed for it)."""
    return any(header in request.META for header in PRECONDITION_HEADERS)


def evaluate(request: Request, etag: str, updated: datetime,
             response: HttpResponseBase | None = None) -> HttpResponseBase | None:
    """`response` (None for a write) when every precondition holds, or a 304 with the ETag for a
    GET of a ticket the client already has; a failed precondition raises PreconditionFailed (412)."""
    answer = get_conditional_response(request, etag=etag, last_modified=int(updated.timestamp()), response=response)
    if answer is not None and answer.status_code == status.HTTP_412_PRECONDITION_FAILED:
        # Django answers a bare 412 without saying which precondition failed. If-Match is tested
        # first (RFC 9110, 13.2.2), so with it present it is the likely one; a request that also
        # sends a failing If-None-Match gets the If-Match sentence too.
        raise PreconditionFailed() if "HTTP_IF_MATCH" in request.META else PreconditionFailed(OTHER_PRECONDITION_FAILED)
    return answer
