from collections.abc import Hashable

from django.core.paginator import Paginator
from django.db.models import Sum
from django.utils.functional import cached_property
from rest_framework import exceptions, pagination

from . import counts, digits
from .models import Status, StatusCount

# Query parameters that do not change which tickets are listed.
NOT_NARROWING = {"page", "page_size", "ordering"}


class KnownCountPaginator(Paginator):
    """Django's paginator, told the count when it is already known instead of running COUNT(*),
    and otherwise counting each distinct list once per state of the tickets table."""

    def __init__(self, object_list, per_page, known_count: int | None, list_key: Hashable):
        super().__init__(object_list, per_page)
        self.known_count = known_count
        self.list_key = list_key

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return counts.cached(("list", self.list_key), lambda: Paginator.count.func(self))


def list_key(request) -> tuple:
    """The query parameters that choose which tickets are listed: equal keys, equal lists."""
    return tuple(sorted((name, tuple(values)) for name, values in request.query_params.lists()
                        if name not in NOT_NARROWING))


def known_count(request) -> int | None:
    """The list's exact count without scanning tickets: from the trigger-kept status counts when
    only statuses narrow the list, or from the search index when one search term filter does."""
    narrowing = set(request.query_params) - NOT_NARROWING
    if narrowing <= {"resolution_status", "resolution_status__in"}:
        statuses = set(Status.values)
        if "resolution_status" in narrowing:
            statuses &= {request.query_params["resolution_status"].strip().upper()}
        if "resolution_status__in" in narrowing:
            statuses &= {value.strip().upper() for value in request.query_params["resolution_status__in"].split(",")}
        return counts.cached(("statuses", tuple(sorted(statuses))), lambda: status_total(statuses))
    if len(narrowing) == 1:
        return getattr(request, "match_count", None)
    return None


def status_total(statuses: set[str]) -> int:
    return StatusCount.objects.filter(status__in=statuses).aggregate(total=Sum("tickets"))["total"] or 0


class TicketPagination(pagination.PageNumberPagination):
    """Page-number pagination that rejects bad `page`/`page_size` values instead of ignoring them."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.known_count = known_count(request)
        self.list_key = list_key(request)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size) -> KnownCountPaginator:
        return KnownCountPaginator(queryset, page_size, self.known_count, self.list_key)

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = digits.whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}, got '{raw}'."]}
            )
        return size

    def get_page_number(self, request, paginator) -> int:
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            return paginator.num_pages
        number = digits.whole_number(raw)
        if number is None and digits.ASCII_DIGITS.fullmatch(raw) and raw.strip("0"):
            raise exceptions.NotFound(self.invalid_page_message)  # a page number past any table's end
        if number is None or number < 1:
            raise exceptions.ValidationError({"page": [f"Must be a page number from 1, or 'last', got '{raw}'."]})
        return number
