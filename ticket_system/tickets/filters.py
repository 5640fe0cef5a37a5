"""Query-string filters for /api/tickets/; bad values are 400 errors naming the parameter."""

from datetime import timezone

from django import forms
from django.db.models import F
from django_filters import rest_framework as filters
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from . import digits, priorities, search, selectors, tags, workflow
from .models import Status, Ticket


class StatusFormField(forms.ChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs["choices"] = Status.choices
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = workflow.not_a_status("%(value)s")

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class StatusFilter(filters.ChoiceFilter):
    field_class = StatusFormField


class StatusInFilter(filters.BaseInFilter, StatusFilter):
    pass


class PriorityFormField(forms.ChoiceField):
    """A priority by name in any letter case; cleans to its rank, the stored value."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = [(name, name) for name in priorities.NAMES]
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = priorities.not_a_priority("%(value)s")

    def to_python(self, value):
        return super().to_python(value).strip().upper()

    def clean(self, value):
        name = super().clean(value)
        return priorities.Priority[name] if name else None  # an empty item of priority__in: none


class PriorityFilter(filters.ChoiceFilter):
    field_class = PriorityFormField


class PriorityInFilter(filters.BaseInFilter, PriorityFilter):
    pass


class TrueOrFalseField(forms.Field):
    """`true` or `false` in any letter case; anything else is refused (forms.NullBooleanField would
    read it as "no filter")."""

    default_error_messages = {"invalid": "Use true or false."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text not in ("true", "false"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text == "true"


class TrueOrFalseFilter(filters.Filter):
    field_class = TrueOrFalseField


class TagsFormField(forms.Field):
    """Every value of a repeated parameter (`?tag=vpn&tag=floor-3`), each a tag by tickets/tags.py."""

    widget = forms.MultipleHiddenInput  # reads every value of the parameter, not only the last

    def to_python(self, value):
        names = [text for text in (value or []) if text]
        try:
            return sorted({tags.normalize(text) for text in names})
        except tags.InvalidTag as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class TagsFilter(filters.Filter):
    """Tickets that have every tag given."""

    field_class = TagsFormField

    def filter(self, queryset, value):
        for name in value or []:
            queryset = selectors.with_tag(queryset, name)
        return queryset


class UtcDateTimeField(forms.DateTimeField):
    """An ISO-8601 date or date-time, refused (not a 500) when it cannot be expressed in UTC."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return result
        try:
            return result.astimezone(timezone.utc)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Enter a date/time that exists in UTC (years 1 to 9999).") from None


class UtcDateTimeFilter(filters.DateTimeFilter):
    field_class = UtcDateTimeField


class IdFormField(forms.IntegerField):
    """A ticket id: ASCII digits within the database's range (forms.IntegerField also takes other
    scripts' digits, a sign and a decimal point)."""

    default_error_messages = {"invalid": f"Enter a whole number from 0 to {digits.LARGEST_ID} in ASCII digits."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = digits.whole_number(str(value).strip())
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdFilter(filters.NumberFilter):
    field_class = IdFormField


class IdInFilter(filters.BaseInFilter, IdFilter):
    pass


class TicketFilter(filters.FilterSet):
    id = IdFilter(field_name="id", help_text="Exact ticket id.")
    id__in = IdInFilter(field_name="id", lookup_expr="in", help_text="Comma-separated ids, e.g. 1,2.")
    title__icontains = filters.CharFilter(method="title_contains", help_text="Case-insensitive substring of the title.")
    created__gte = UtcDateTimeFilter(
        field_name="created", lookup_expr="gte", help_text="Created at or after this ISO-8601 date/time (UTC)."
    )
    created__lte = UtcDateTimeFilter(
        field_name="created", lookup_expr="lte", help_text="Created at or before this ISO-8601 date/time (UTC)."
    )
    resolution_status = StatusFilter(help_text="OPEN, RESOLVED or CLOSED, any letter case.")
    resolution_status__in = StatusInFilter(
        field_name="resolution_status", lookup_expr="in", help_text="Comma-separated statuses, e.g. OPEN,CLOSED."
    )
    priority = PriorityFilter(help_text=f"{', '.join(priorities.NAMES)}, any letter case.")
    priority__in = PriorityInFilter(
        field_name="priority", lookup_expr="in", help_text="Comma-separated priorities, e.g. HIGH,URGENT."
    )
    assignee = filters.CharFilter(field_name="assignee__username", help_text="The assignee's username.")
    assignee__isnull = TrueOrFalseFilter(
        field_name="assignee", lookup_expr="isnull", help_text="true: unassigned tickets; false: assigned ones."
    )
    tag = TagsFilter(field_name="tags__name", help_text="A tag the tickets have; repeat it for tickets that have every one "
                               "(?tag=vpn&tag=floor-3).")

    class Meta:
        model = Ticket
        fields: list[str] = []

    def get_form_class(self):
        # django-filter builds a new form class, and a form field for every filter, on each request;
        # they depend only on this class, so they are built once.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def title_contains(self, queryset, name, value):
        match = search.contains_all(queryset, [value], ("title",))
        self.request.match_count = match.count
        return match.queryset


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, but an unknown field is a 400 rather than silently ignored, and every
    ordering ends with an id tiebreak so pages never overlap."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        fields = [param.strip() for param in params.split(",") if param.strip()]
        allowed = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [field for field in fields if field.removeprefix("-") not in allowed]
        if unknown or not fields:
            raise exceptions.ValidationError(
                {self.ordering_param: [f"Cannot order by '{params}': use {', '.join(sorted(allowed))}, "
                                       "each optionally with a leading '-'."]}
            )
        if not any(field.removeprefix("-") == "id" for field in fields):
            fields.append("-id" if fields[0].startswith("-") else "id")
        return [self.expression(field) for field in fields]

    @staticmethod
    def expression(field: str):
        """What the database orders by: the field itself (priority is stored as its rank, so it
        orders by rank), but the assignee by username, unassigned tickets last either way."""
        if field.removeprefix("-") != "assignee":
            return field
        username = F("assignee__username")
        return username.desc(nulls_last=True) if field.startswith("-") else username.asc(nulls_last=True)


class WordSearchFilter(BaseFilterBackend):
    """`?search=a b`: every word is, in any case, a substring of the title or the description."""

    search_param = "search"
    # Each word is one condition of the query: SQLite refuses an expression tree deeper than 1000.
    max_words = 32
    search_description = (f"Words that must each appear in the title or the description, in any case "
                          f"(at most {max_words} different words).")

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get(self.search_param, "")
        if "\x00" in value:
            raise exceptions.ValidationError({self.search_param: ["Null characters are not allowed."]})
        words = list(dict.fromkeys(value.split()))  # a repeated word narrows nothing
        if len(words) > self.max_words:
            raise exceptions.ValidationError(
                {self.search_param: [f"At most {self.max_words} different words, got {len(words)}."]})
        if not words:
            return queryset
        match = search.contains_all(queryset, words, ("title", "description"))
        request.match_count = match.count
        return match.queryset

    def get_schema_operation_parameters(self, view):
        return [{"name": self.search_param, "required": False, "in": "query",
                 "description": self.search_description, "schema": {"type": "string"}}]
