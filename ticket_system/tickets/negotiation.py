"""Content negotiation that answers the common case without parsing anything."""

from rest_framework.negotiation import DefaultContentNegotiation


class PlainAcceptNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, skipped when its answer is known: the client accepts anything (`*/*`,
    what curl, httpx and fetch send, or no Accept header) or exactly the first renderer's type, and
    asks for no `?format=`. DRF then picks the first renderer too; parsing the header and the query
    string for it took a tenth of a one-ticket GET (bench/README.md)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        first = renderers[0]
        if (accept in ("*/*", first.media_type) and not format_suffix
                and self.settings.URL_FORMAT_OVERRIDE not in request.GET):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
