"""The floor for the benchmark: a bare Django JSON view, under the same settings and middleware."""

from django.http import JsonResponse
from django.urls import path

TICKET = {"id": 1, "title": "VPN is down", "description": "Nobody can connect.", "created": "2026-11-01T08:00:00Z",
          "updated": "2026-11-01T08:00:00Z", "resolution_status": "OPEN"}


def bare_ticket(request):
    return JsonResponse(TICKET)


urlpatterns = [path("floor/", bare_ticket)]
