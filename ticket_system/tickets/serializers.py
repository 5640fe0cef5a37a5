from collections.abc import Mapping
from datetime import datetime, timezone

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import priorities, services, tags, workflow
from .models import Status, Ticket


User = get_user_model()
USERNAME_MAX_LENGTH = User._meta.get_field(User.USERNAME_FIELD).max_length


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of converting them to text, and
    counts its length as sent (as the OpenAPI document's maxLength does), before trimming."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class NameField(serializers.ChoiceField):
    """One of a few names, in any letter case (surrounding blanks ignored); anything else is refused
    with `refusal` (a code exceptions.CHOICE_ERROR_CODES answers with a 422)."""

    refusal = "invalid_choice"

    def __init__(self, names, **kwargs):
        super().__init__(choices=names, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        value = self.parse(data.strip().upper())
        if value is None:
            self.fail(self.refusal, value=data)
        return value

    def parse(self, name: str):
        return name if name in self.choices else None


class StatusField(NameField):
    """A ticket status in any letter case, stored and returned upper case."""

    refusal = "invalid_status"
    default_error_messages = {"invalid": "Not a valid string.", refusal: workflow.not_a_status("{value}")}

    def __init__(self, **kwargs):
        super().__init__(Status.choices, **kwargs)


class PriorityField(NameField):
    """A priority by name in any letter case, stored as its rank and returned by name, upper case."""

    refusal = "invalid_priority"
    default_error_messages = {"invalid": "Not a valid string.", refusal: priorities.not_a_priority("{value}")}

    def __init__(self, **kwargs):
        super().__init__(priorities.NAMES, **kwargs)

    def parse(self, name: str):
        return priorities.from_name(name)

    def to_representation(self, value):
        return priorities.Priority(value).name


@extend_schema_field({"type": "string", "maxLength": USERNAME_MAX_LENGTH})
class AssigneeField(serializers.Field):
    """The username of an active user, or null; the ticket stores the user."""

    default_error_messages = {
        "invalid": "Not a valid string.",
        "no_such_user": "No active user has the username '{value}'.",
    }

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        user = None
        # Longer than any username, or with a NUL (which PostgreSQL cannot compare): no user has it.
        if len(data) <= USERNAME_MAX_LENGTH and "\x00" not in data:
            user = User.objects.filter(is_active=True, **{User.USERNAME_FIELD: data}).first()
        if user is None:
            self.fail("no_such_user", value=data)
        return user

    def to_representation(self, value):
        return value.get_username() if value is not None else None


class TagsField(serializers.ListField):
    """A ticket's tags, as tickets/tags.py says; returned sorted. Each refusal is one message
    about the whole list (not DRF's messages by position)."""

    child = serializers.CharField()
    default_error_messages = {"not_strings": "Each tag must be a string."}

    def __init__(self, **kwargs):
        super().__init__(max_length=tags.MAX_TAGS, **kwargs)

    def get_attribute(self, instance):
        return instance.tag_names

    def to_internal_value(self, data):
        if isinstance(data, (str, Mapping)) or not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not all(isinstance(item, str) for item in data):
            self.fail("not_strings")
        try:
            return tags.normalize_all(data)
        except tags.InvalidTag as error:
            raise serializers.ValidationError(str(error), code="invalid_tag") from None


def iso_8601(moment: datetime) -> str:
    """As DRF's DateTimeField writes it with USE_TZ and TIME_ZONE = "UTC": UTC, 'Z' suffix."""
    text = moment.astimezone(timezone.utc).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class TicketSerializer(serializers.ModelSerializer):
    title = StrictCharField(max_length=255)
    description = StrictCharField(max_length=20_000)
    resolution_status = StatusField(required=False)
    priority = PriorityField(required=False)
    assignee = AssigneeField(required=False)
    tags = TagsField(required=False)

    class Meta:
        model = Ticket
        fields = ["id", "title", "description", "created", "updated", "resolution_status", "priority", "assignee",
                  "tags"]
        read_only_fields = ["id", "created", "updated"]

    def to_representation(self, ticket: Ticket) -> dict:
        # The same JSON as DRF's field-by-field representation (a test compares the two), built
        # directly: walking the field objects per ticket was a fifth of a list request's time.
        return {
            "id": ticket.id,
            "title": ticket.title,
            "description": ticket.description,
            "created": iso_8601(ticket.created),
            "updated": iso_8601(ticket.updated),
            "resolution_status": ticket.resolution_status,
            "priority": priorities.Priority(ticket.priority).name,
            "assignee": ticket.assignee_username,
            "tags": ticket.tag_names,
        }

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            errors.update({name: ["Unexpected field."] for name in sorted(set(data) - set(self.fields))})
            if self.instance is not None and not self.partial and "resolution_status" not in data:
                errors["resolution_status"] = [serializers.ErrorDetail("This field is required.", "required")]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            errors = {**error.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate_resolution_status(self, value: str) -> str:
        # services.update_ticket enforces the workflow; checking it here too reports a forbidden
        # move together with the other field errors (a 400), or alone as a 422.
        if self.instance is not None:
            try:
                workflow.ensure_allowed(self.instance.resolution_status, value)
            except workflow.TransitionNotAllowed as error:
                raise serializers.ValidationError(str(error), code="transition_not_allowed") from None
        return value

    def create(self, validated_data: dict) -> Ticket:
        return services.create_ticket(**validated_data)

    def update(self, instance: Ticket, validated_data: dict) -> Ticket:
        services.update_ticket(instance, validated_data)
        return instance
