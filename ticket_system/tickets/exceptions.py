"""Every API error as JSON: DRF's handler plus the status codes this API's contract adds."""

import logging

from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

# Validation codes that mean "well-formed, but not a status (or priority) this ticket can take":
# 422, not 400, when they are all the request's errors.
CHOICE_ERROR_CODES = {
    "resolution_status": {"invalid_status", "transition_not_allowed"},
    "priority": {"invalid_priority"},
}


def is_choice_error(error: exceptions.ValidationError) -> bool:
    codes = error.get_codes()
    return isinstance(codes, dict) and bool(codes) and all(
        set(codes[name]) <= CHOICE_ERROR_CODES.get(name, set()) for name in codes)


def encodable(value):
    """The error body with every lone surrogate written out as its escape: they reach it from JSON's
    \\ud800 escapes, in the names of unknown fields and in refused values, and no response can
    carry them as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode() if not value.isascii() else value
    if isinstance(value, dict):
        return {encodable(key): encodable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [encodable(item) for item in value]
    return value


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # Django's handler500 answers unexpected errors (JSON, no traceback).
    if isinstance(exc, exceptions.ValidationError) and is_choice_error(exc):
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    response.data = encodable(response.data)
    return response


def json_not_found(request, exception=None):
    return JsonResponse({"detail": f"No endpoint at {request.path}."}, status=404)


def json_bad_request(request, exception=None):
    return JsonResponse({"detail": "Bad request."}, status=400)


def json_server_error(request):
    return JsonResponse({"detail": "Internal server error; it has been logged."}, status=500)
