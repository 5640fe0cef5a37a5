from django.db import DatabaseError, connection, transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from . import digits, etags, idempotency, selectors, services
from .filters import StrictOrderingFilter, TicketFilter, WordSearchFilter
from .models import Ticket
from .openapi import TICKET_SCHEMA
from .serializers import TicketSerializer

ORDERING_FIELDS = ["created", "title", "id", "updated", "resolution_status", "priority", "assignee"]
WRITE_ACTIONS = ("update", "partial_update", "destroy")


@TICKET_SCHEMA
class TicketViewSet(viewsets.ModelViewSet):
    """Support tickets. Search matches every word in the title or description, in any case."""

    serializer_class = TicketSerializer
    filter_backends = [DjangoFilterBackend, WordSearchFilter, StrictOrderingFilter]
    filterset_class = TicketFilter
    search_fields = ["title", "description"]
    ordering_fields = ORDERING_FIELDS
    ordering = ["-created", "-id"]
    lookup_value_regex = "[^/]+"  # any id reaches get_object: 404 unless ASCII digits of an existing ticket

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            self.reject_unknown_query_parameters(request)

    def reject_unknown_query_parameters(self, request) -> None:
        known = {*TicketFilter.base_filters, "search", "ordering", "page", "page_size"}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise exceptions.ValidationError(
                {name: [f"Unknown query parameter; use one of {', '.join(sorted(known))}."] for name in unknown}
            )

    def get_queryset(self):
        return selectors.tickets()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.with_details(page)

    def get_object(self) -> Ticket:
        """The ticket in the URL; for writes, locked until the transaction ends and checked against
        the request's preconditions, so a concurrent change can never be silently overwritten."""
        ticket_id = digits.whole_number(self.kwargs["pk"])
        # By action, not method: DRF's OPTIONS metadata calls get_object for a PUT it never runs.
        writing = self.action in WRITE_ACTIONS
        ticket = None
        if ticket_id is not None:
            ticket = selectors.ticket_for_update(ticket_id) if writing else selectors.ticket(ticket_id)
        if ticket is None:
            raise exceptions.NotFound(f"Ticket with id '{self.kwargs['pk']}' was not found.")
        if writing and etags.has_preconditions(self.request):
            etags.evaluate(self.request, etags.etag_for(self.get_serializer(ticket).data), ticket.updated)
        return ticket

    def retrieve(self, request, *args, **kwargs):
        ticket = self.get_object()
        response = etags.tagged(Response(self.get_serializer(ticket).data))
        if not etags.has_preconditions(request):
            return response
        return etags.evaluate(request, response["ETag"], ticket.updated, response)

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return etags.tagged(super().create(request, *args, **kwargs))
        create = lambda: super(TicketViewSet, self).create(request, *args, **kwargs)  # noqa: E731
        response = idempotency.run_once(key, request.data, create)
        if response.status_code == status.HTTP_201_CREATED:
            response["Location"] = self.get_success_headers(response.data)["Location"]
        return etags.tagged(response)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        return etags.tagged(super().update(request, *args, **kwargs))

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: Ticket) -> None:
        services.delete_ticket(instance)

    def get_success_headers(self, data) -> dict:
        return {"Location": self.request.build_absolute_uri(f"/api/tickets/{data['id']}/")}


class HealthView(APIView):
    """200 when the database answers, 503 when it does not. Never needs a token."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(responses={
        200: inline_serializer("Health", {"status": serializers.CharField(), "database": serializers.CharField()}),
        503: inline_serializer("HealthDown", {"status": serializers.CharField(), "database": serializers.CharField()}),
    })
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM tickets_ticket LIMIT 1")
        except DatabaseError as error:
            return Response({"status": "unavailable", "database": str(error).splitlines()[0]},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"status": "ok", "database": "ok"})
