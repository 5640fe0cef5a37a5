"""What /api/schema/ says beyond what drf-spectacular infers, so that it says what the API does.

Every status code an operation can answer with, and where it comes from:
  400  a body or query parameter at fault (a map of names to messages), or a request Django or
       the parser refuses whole ({"detail"}: malformed JSON, a bad Content-Length, a bad Host)
  401  TICKETS_API_TOKEN is set and the token is missing or wrong (authentication.py)
  404  no such ticket, page past the end, or `?format=` naming no format (DRF's negotiation)
  406  an Accept header that application/json does not satisfy (negotiation.py)
  412  If-Match does not match the ticket's ETag (etags.py)
  413  a body over MAX_REQUEST_BODY_BYTES (middleware.py)
  415  a body that is not application/json (parsers.py)
  422  a status the workflow forbids, or an Idempotency-Key reused with another body
  503  chaos mode (middleware.py), with Retry-After
The limits of the list's query parameters are read from the code that enforces them.
"""

from django.conf import settings
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiFilterExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from . import digits, priorities, tags, workflow
from .exceptions import CHOICE_ERROR_CODES
from .filters import IdFilter, PriorityFilter, TagsFilter, TrueOrFalseFilter
from .idempotency import MAX_KEY_LENGTH
from .pagination import TicketPagination
from .serializers import StatusField, TicketSerializer

MESSAGES = {"type": "array", "items": {"type": "string"}, "minItems": 1}
# What DRF's CharField refuses after trimming: blank text and NUL characters.
NOT_BLANK_NO_NUL = r"^\s*[^\s\x00][^\x00]*$"
# What digits.whole_number accepts, the parser of every id and number in paths and query strings.
ID_LIMITS = {"minimum": 0, "maximum": digits.LARGEST_ID}
TICKET_ID = {"type": "integer", **ID_LIMITS}


class FieldErrorsSerializer(serializers.Serializer):
    """Marker for the schema below: a map from field or parameter names to their messages."""


class FieldErrorsSchema(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema, direction):
        return {"type": "object", "minProperties": 1, "additionalProperties": MESSAGES,
                "description": "Messages keyed by the body field or query parameter at fault."}


class ChoiceErrorsSerializer(serializers.Serializer):
    """Marker for the schema below: a 422's body."""


class ChoiceErrorsSchema(OpenApiSerializerExtension):
    """A 422: only fields whose value is no choice they take, or a move the workflow forbids
    (exceptions.CHOICE_ERROR_CODES), each with its messages."""

    target_class = ChoiceErrorsSerializer

    def map_serializer(self, auto_schema, direction):
        return {"type": "object", "minProperties": 1, "additionalProperties": False,
                "properties": {name: MESSAGES for name in CHOICE_ERROR_CODES}}


class TicketBodySchema(OpenApiSerializerExtension):
    """Ticket bodies refuse fields they do not know (400 "Unexpected field.")."""

    target_class = TicketSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False} if direction == "request" else schema


class TicketReplacementSerializer(TicketSerializer):
    """PUT's body: every writable field, the status too (TicketSerializer requires it on PUT)."""

    resolution_status = StatusField()


class TrimmedTextSchema(OpenApiSerializerFieldExtension):
    """Request text fields say what the serializer refuses besides their lengths."""

    target_class = "tickets.serializers.StrictCharField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "pattern": NOT_BLANK_NO_NUL} if direction == "request" else schema


class TagsSchema(OpenApiSerializerFieldExtension):
    """Tags in requests: the tag rule's pattern (tickets/tags.py), at most MAX_TAGS."""

    target_class = "tickets.serializers.TagsField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["items"] = {"type": "string", "pattern": tags.PATTERN}
        return schema


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tickets.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Required on /api/tickets/ only when the server sets TICKETS_API_TOKEN."}

    def get_security_requirement(self, auto_schema):
        return [{self.name: []}, {}]  # {}: no token, when the server sets none


class FilterParameters(DjangoFilterExtension):
    """TicketFilter's parameters: empty means "no filter" (django-filter skips it), ids are bounded."""

    priority = 1  # over drf-spectacular's own extension, whose output this completes

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        filters = self.target.get_filterset_class(auto_schema.view, auto_schema.view.get_queryset()).base_filters
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
            schema, kind = parameter["schema"], filters[parameter["name"]]
            item = schema["items"] if schema["type"] == "array" else schema
            if isinstance(kind, IdFilter):
                item.update(ID_LIMITS)
            if isinstance(kind, PriorityFilter):  # by name: the rank is how it is stored, not shown
                item.clear()
                item.update({"type": "string", "enum": list(priorities.NAMES)})
            if isinstance(kind, TrueOrFalseFilter):  # not the foreign key's integer
                parameter["schema"] = {"type": "boolean"}
            if isinstance(kind, TagsFilter):
                # One tag a value. Repeatable (?tag=vpn&tag=floor-3), as its description says; not
                # declared as an exploded array, whose one-item form schemathesis 4 reads as a
                # string that violates it, and reports every accepted ?tag=vpn as a failure.
                parameter["schema"] = {"type": "string", "pattern": tags.PATTERN}
        return parameters


class OrderingParameter(OpenApiFilterExtension):
    """`ordering`: comma-separated fields the view accepts, each optionally with a leading '-'."""

    target_class = "tickets.filters.StrictOrderingFilter"

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        view = auto_schema.view
        fields = [name for name, _ in self.target.get_valid_fields(view.get_queryset(), view, {})]
        values = [value for name in fields for value in (name, f"-{name}")]
        return [build_parameter_type(
            name=self.target.ordering_param, location=OpenApiParameter.QUERY, style="form", explode=False,
            schema={"type": "array", "items": {"type": "string", "enum": values}},
            description="Comma-separated fields to order by, each optionally with a leading '-' (descending).",
        )]


Detail = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
BadRequest = OpenApiResponse(
    PolymorphicProxySerializer("BadRequest", [FieldErrorsSerializer, Detail], resource_type_field_name=None),
    description="A body field or query parameter at fault (messages by name), or a request refused whole "
    "(malformed JSON, a bad Content-Length or Host: a detail).",
)
StatusErrors = ChoiceErrorsSerializer
IdempotencyKeyReused = inline_serializer("IdempotencyKeyReused", {"Idempotency-Key": serializers.ListField(
    child=serializers.CharField(), min_length=1)})
WORKFLOW = (f"Unsupported status or priority value, or a status change the workflow forbids "
            f"({workflow.summary()})")
NotFound = OpenApiResponse(Detail, description="Ticket with id '<id>' was not found (ids are whole numbers).")
Stale = OpenApiResponse(Detail, description="If-Match does not match the ticket's current ETag; nothing changed.")
COMMON_ERRORS = {
    400: OpenApiResponse(Detail, description="A request refused whole: a bad Content-Length or Host header."),
    401: OpenApiResponse(Detail, description="TICKETS_API_TOKEN is set and the bearer token is missing or wrong."),
    406: OpenApiResponse(Detail, description="The Accept header does not allow application/json."),
    413: OpenApiResponse(Detail, description=f"Body over {settings.MAX_REQUEST_BODY_BYTES} bytes."),
    503: OpenApiResponse(Detail, description="Temporarily unavailable (chaos mode); retry after Retry-After seconds."),
}
WRITE_ERRORS = {
    **COMMON_ERRORS,
    400: BadRequest,
    415: OpenApiResponse(Detail, description="Content-Type is not application/json."),
}


def header(name: str, schema: dict, description: str, statuses: list[int], required: bool = True) -> OpenApiParameter:
    """A response header, sent with the given statuses."""
    return OpenApiParameter(name, schema, OpenApiParameter.HEADER, description=description, response=statuses,
                            required=required)


ETAG = {"type": "string", "pattern": r'^"[^"]*"$'}
RESPONSE_HEADERS = [
    header("WWW-Authenticate", {"type": "string"}, "The scheme to authenticate with: Bearer.", [401]),
    header("Retry-After", {"type": "integer", "minimum": 0}, "Seconds to wait before retrying.", [503]),
]


def etag_header(*statuses: int) -> OpenApiParameter:
    return header("ETag", ETAG, "Strong tag of the ticket as returned; send it in If-Match or If-None-Match.",
                  list(statuses))


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "maxLength": MAX_KEY_LENGTH}, OpenApiParameter.HEADER,
    description="Repeat a POST safely: the same key and body return the first response; another body -> 422.",
)
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER,
    description="The ETag of the ticket as you read it (or *); if it changed since, nothing is written and the "
    "answer is 412.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, description="ETags you hold (or *); 304 if the ticket still has one.",
)
ID = OpenApiParameter("id", TICKET_ID, OpenApiParameter.PATH, description="The ticket's id; anything else is a 404.")
LIST_PARAMETERS = [
    OpenApiParameter("page", {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["last"]}]},
                     description="A page number from 1, or 'last'; past the last page -> 404."),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": TicketPagination.max_page_size},
                     description=f"Tickets a page (default {TicketPagination.page_size})."),
]


def edit(**overrides) -> extend_schema:
    """PUT and PATCH: the ticket, or why nothing was written."""
    return extend_schema(
        parameters=[ID, IF_MATCH, *RESPONSE_HEADERS, etag_header(200)],
        responses={200: TicketSerializer, 404: NotFound, 412: Stale, **WRITE_ERRORS,
                   422: OpenApiResponse(StatusErrors, WORKFLOW)},
        **overrides,
    )


TICKET_SCHEMA = extend_schema_view(
    list=extend_schema(
        parameters=[*LIST_PARAMETERS, *RESPONSE_HEADERS],
        responses={200: TicketSerializer(many=True), **COMMON_ERRORS, 400: BadRequest,
                   404: OpenApiResponse(Detail, description="Page past the end.")},
    ),
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY, *RESPONSE_HEADERS, etag_header(201),
                    header("Location", {"type": "string", "format": "uri"}, "URL of the new ticket.", [201]),
                    header("Idempotent-Replayed", {"type": "string", "enum": ["true"]},
                           "Present when this is the stored answer to an earlier request with the same key.",
                           [201], required=False)],
        responses={201: TicketSerializer, **WRITE_ERRORS,
                   404: OpenApiResponse(Detail, description="`?format=` names a format this API does not answer in."),
                   422: OpenApiResponse(PolymorphicProxySerializer(
                       "CreateRefused", [StatusErrors, IdempotencyKeyReused], resource_type_field_name=None),
                       description=f"{WORKFLOW} Or an Idempotency-Key already used with another body.")},
    ),
    retrieve=extend_schema(
        parameters=[ID, IF_NONE_MATCH, *RESPONSE_HEADERS, etag_header(200, 304)],
        responses={200: TicketSerializer, 304: OpenApiResponse(description="Not modified."), 404: NotFound,
                   **COMMON_ERRORS},
    ),
    update=edit(request=TicketReplacementSerializer),
    partial_update=edit(),
    destroy=extend_schema(
        parameters=[ID, IF_MATCH, *RESPONSE_HEADERS],
        responses={204: None, 404: NotFound, 412: Stale, **COMMON_ERRORS},
    ),
)
