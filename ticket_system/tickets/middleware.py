"""Middleware that guards /api/tickets/ before Django parses anything."""

import io
import random
import time

from django.conf import settings
from django.http import JsonResponse

TICKETS_PATH = "/api/tickets"


class RequestSizeLimitMiddleware:
    """Refuse bodies over MAX_REQUEST_BODY_BYTES with a JSON 413 instead of Django's HTML 400.

    A chunked body has no Content-Length, and Django would read it as empty: it is read here (up
    to the limit) so the view sees it, and the limit holds for it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_BYTES
        too_large = JsonResponse({"detail": f"Request body is larger than {limit} bytes."}, status=413)
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() and "wsgi.input" in request.META:
            body = request.META["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return too_large
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = io.BytesIO(body)
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
        if length > limit:
            return too_large
        return self.get_response(request)


class ChaosMiddleware:
    """Testing switch: delay and fail a share of /api/tickets/ calls, as an unreliable network would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(TICKETS_PATH):
            max_delay_ms = settings.TICKETS_CHAOS_MAX_DELAY_MS
            if max_delay_ms:
                time.sleep(random.uniform(0, max_delay_ms) / 1000)
            if random.random() < settings.TICKETS_CHAOS_FAILURE_RATE:
                return JsonResponse(
                    {"detail": "Chaos mode: simulated temporary failure, retry later."},
                    status=503,
                    headers={"Retry-After": "1"},
                )
        return self.get_response(request)
