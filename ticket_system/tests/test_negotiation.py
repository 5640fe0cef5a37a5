"""The Accept fast path picks exactly the renderer and media type DRF's own negotiation picks."""

import pytest
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tickets.negotiation import PlainAcceptNegotiation

RENDERER_LISTS = {"the API's": [JSONRenderer()], "the schema view's": [OpenApiYamlRenderer(), OpenApiJsonRenderer()]}
ACCEPTS = [None, "*/*", "application/json", "application/vnd.oai.openapi", "application/json; indent=4",
           "text/html,application/xhtml+xml,*/*;q=0.8", "application/*"]


@pytest.mark.parametrize("renderers", RENDERER_LISTS.values(), ids=RENDERER_LISTS.keys())
@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", ["", "?format=json"])
def test_same_choice_as_drf(renderers, accept, query):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/tickets/" + query, **headers))

    def choice(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except Exception as error:  # noqa: BLE001 (the same refusal is the same answer)
            return type(error)
        return type(renderer), media_type

    assert choice(PlainAcceptNegotiation()) == choice(DefaultContentNegotiation())


def test_a_client_that_accepts_no_json_still_gets_406(api_client):
    response = api_client.get("/api/tickets/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert "detail" in response.json()
