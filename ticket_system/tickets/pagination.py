from rest_framework import exceptions, pagination


class TicketPagination(pagination.PageNumberPagination):
    """Page-number pagination that rejects bad `page`/`page_size` values instead of ignoring them."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}, got '{raw}'."]}
            )
        return int(raw)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw == "last" or (raw.isdigit() and int(raw) >= 1):
            return raw
        raise exceptions.ValidationError({"page": [f"Must be a page number from 1, or 'last', got '{raw}'."]})
