"""The floor for the benchmark: a bare Django JSON view, under the same settings and middleware,
requested like GET one (a random id in the path), so the two differ only in what the API does."""

from django.http import JsonResponse
from django.urls import path

TICKET = {"title": "VPN is down", "description": "Nobody can connect.", "created": "2026-11-01T08:00:00Z",
          "updated": "2026-11-01T08:00:00Z", "resolution_status": "OPEN"}


def bare_ticket(request, ticket_id: int):
    return JsonResponse({"id": ticket_id, **TICKET})


urlpatterns = [path("floor/<int:ticket_id>/", bare_ticket)]
