"""GET /api/schema/ (OpenAPI 3) documents filters, status codes and error bodies; /api/docs/ works offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import httpx
import jsonschema
import pytest

FILTER_PARAMETERS = {"id", "id__in", "title__icontains", "created__gte", "created__lte", "resolution_status",
                     "resolution_status__in", "search", "ordering", "page", "page_size"}
DETAIL_PATH = re.compile(r"^/api/tickets/\{[^}]+\}/$")
EVERY_OPERATION = {"400", "401", "406", "413", "503"}  # middleware, authentication, negotiation, chaos
EXPECTED_RESPONSES = {
    ("list", "get"): {"200", "404", *EVERY_OPERATION},
    ("list", "post"): {"201", "415", "422", *EVERY_OPERATION},
    ("detail", "get"): {"200", "304", "404", *EVERY_OPERATION},
    ("detail", "put"): {"200", "404", "412", "415", "422", *EVERY_OPERATION},
    ("detail", "patch"): {"200", "404", "412", "415", "422", *EVERY_OPERATION},
    ("detail", "delete"): {"204", "404", "412", *EVERY_OPERATION},
}
ERROR_BODY_KEYS = {"404": "detail", "415": "detail", "422": "resolution_status"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.content
    return response.json()


def operation(schema: dict, kind: str, method: str) -> dict:
    paths = schema["paths"]
    path = "/api/tickets/" if kind == "list" else next(p for p in paths if DETAIL_PATH.match(p))
    return paths[path][method]


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def property_names(schema: dict, node: dict) -> set[str]:
    """Every property an error body schema may have, looking through $ref and oneOf/anyOf/allOf."""
    node = resolve(schema, node)
    names = set(node.get("properties", {}))
    for combinator in ("oneOf", "anyOf", "allOf"):
        for part in node.get(combinator, []):
            names |= property_names(schema, part)
    return names


def test_the_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert "/api/tickets/" in schema["paths"]
    assert any(DETAIL_PATH.match(path) for path in schema["paths"])


def test_the_schema_serves_yaml_by_default(api_client):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi: 3." in response.content


def test_every_filter_parameter_is_documented(schema):
    parameters = operation(schema, "list", "get").get("parameters", [])

    documented = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
    assert FILTER_PARAMETERS <= documented


@pytest.mark.parametrize(("kind", "method"), list(EXPECTED_RESPONSES))
def test_every_status_code_is_documented_with_a_json_body(schema, kind, method):
    responses = operation(schema, kind, method)["responses"]

    assert EXPECTED_RESPONSES[kind, method] <= set(responses)
    for status in EXPECTED_RESPONSES[kind, method] - {"204", "304"}:
        content = responses[status].get("content", {})
        assert "application/json" in content, (status, responses[status])
        assert content["application/json"].get("schema"), (status, responses[status])


@pytest.mark.parametrize(("kind", "method"), list(EXPECTED_RESPONSES))
def test_error_bodies_are_documented_with_their_keys(schema, kind, method):
    responses = operation(schema, kind, method)["responses"]

    for status, key in ERROR_BODY_KEYS.items():
        if status in EXPECTED_RESPONSES[kind, method]:
            body = responses[status]["content"]["application/json"]["schema"]
            assert key in property_names(schema, body), (status, body)


def test_the_ticket_schema_has_the_nine_fields_the_three_statuses_and_the_four_priorities(schema):
    created = operation(schema, "list", "post")["responses"]["201"]["content"]["application/json"]["schema"]
    ticket = resolve(schema, created)

    assert set(ticket["properties"]) == {"id", "title", "description", "created", "updated", "resolution_status",
                                         "priority", "assignee", "tags"}
    for name in ("id", "created", "updated"):
        assert ticket["properties"][name].get("readOnly") is True, name
    assert enum_values(schema, ticket["properties"]["resolution_status"]) == {"OPEN", "RESOLVED", "CLOSED"}
    assert enum_values(schema, ticket["properties"]["priority"]) == {"LOW", "NORMAL", "HIGH", "URGENT"}
    assert ticket["properties"]["assignee"]["nullable"] is True


def enum_values(schema: dict, node: dict) -> set[str]:
    node = resolve(schema, node)
    values = set(node.get("enum", []))
    for combinator in ("oneOf", "anyOf", "allOf"):
        for part in node.get(combinator, []):
            values |= enum_values(schema, part)
    return values


class AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def asset_urls(html: str) -> list[str]:
    collector = AssetCollector()
    collector.feed(html)
    return collector.urls


def test_docs_are_swagger_ui_html(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger-ui" in response.content.lower()


@pytest.mark.e2e
def test_docs_load_every_asset_from_our_own_server(ticket_api):
    page = httpx.get(f"{ticket_api.url}/api/docs/")
    assert page.status_code == 200
    urls = asset_urls(page.text)
    assert any(url.endswith(".js") for url in urls), urls
    assert "cdn" not in page.text.lower()

    for url in urls:
        absolute = urljoin(str(page.url), url)
        assert urlparse(absolute).netloc == urlparse(ticket_api.url).netloc, url
        asset = httpx.get(absolute)
        assert asset.status_code == 200, (url, asset.status_code)
        assert asset.content, url


# What the API answers, checked against what the document says it answers.


def response_of(schema: dict, kind: str, method: str, status: int) -> dict:
    responses = operation(schema, kind, method)["responses"]
    assert str(status) in responses, f"{method.upper()} {kind} answered {status}, which the document does not list"
    return responses[str(status)]


def json_schema(node):
    """OpenAPI 3.0's `nullable: true` in the JSON Schema that jsonschema reads."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def validate(schema: dict, body_schema: dict, body) -> None:
    jsonschema.validate(body, json_schema({"allOf": [body_schema], "components": schema["components"]}))


def assert_documented(schema: dict, kind: str, method: str, response) -> None:
    """The response's status, body and required headers are what the document says for it."""
    documented = response_of(schema, kind, method, response.status_code)
    if "content" in documented:
        validate(schema, documented["content"]["application/json"]["schema"], response.json())
    for name, header in documented.get("headers", {}).items():
        if header.get("required"):
            assert response.has_header(name), (response.status_code, name)


JSON = "application/json"
ANSWERS = [
    ("list", "get", 200, lambda c, t: c.get("/api/tickets/")),
    ("list", "get", 400, lambda c, t: c.get("/api/tickets/", {"bogus": "1", "colour": "red"})),
    ("list", "get", 400, lambda c, t: c.get("/api/tickets/", {"ordering": "description"})),
    ("list", "get", 400, lambda c, t: c.get("/api/tickets/", {"page_size": "0"})),
    ("list", "get", 404, lambda c, t: c.get("/api/tickets/", {"page": "99"})),
    ("list", "get", 406, lambda c, t: c.get("/api/tickets/", HTTP_ACCEPT="text/csv")),
    ("list", "post", 201, lambda c, t: c.post("/api/tickets/", {"title": "T", "description": "D"}, format="json")),
    ("list", "post", 400, lambda c, t: c.post("/api/tickets/", {"title": " ", "priority": "high"}, format="json")),
    ("list", "post", 400, lambda c, t: c.post("/api/tickets/", b'{"title": ', content_type=JSON)),
    ("list", "post", 400, lambda c, t: c.post("/api/tickets/", b"[1]", content_type=JSON)),
    ("list", "post", 413, lambda c, t: c.post("/api/tickets/", b" " * (2 * 1024 * 1024), content_type=JSON)),
    ("list", "post", 415, lambda c, t: c.post("/api/tickets/", b"title=T", content_type="text/plain")),
    ("list", "post", 422, lambda c, t: c.post("/api/tickets/", {"title": "T", "description": "D",
                                                                "resolution_status": "DONE"}, format="json")),
    ("detail", "get", 200, lambda c, t: c.get(f"/api/tickets/{t}/")),
    ("detail", "get", 304, lambda c, t: c.get(f"/api/tickets/{t}/", HTTP_IF_NONE_MATCH="*")),
    ("detail", "get", 404, lambda c, t: c.get("/api/tickets/abc/")),
    ("detail", "put", 200, lambda c, t: c.put(f"/api/tickets/{t}/", {"title": "T", "description": "D",
                                                                    "resolution_status": "OPEN"}, format="json")),
    ("detail", "put", 400, lambda c, t: c.put(f"/api/tickets/{t}/", {"title": "T", "description": "D"}, format="json")),
    ("detail", "patch", 412, lambda c, t: c.patch(f"/api/tickets/{t}/", {"title": "T"}, format="json",
                                                  HTTP_IF_MATCH='"stale"')),
    ("detail", "patch", 415, lambda c, t: c.patch(f"/api/tickets/{t}/", b"x", content_type="text/plain")),
    ("detail", "patch", 422, lambda c, t: c.patch(f"/api/tickets/{t}/", {"resolution_status": "nope"}, format="json")),
    ("detail", "delete", 412, lambda c, t: c.delete(f"/api/tickets/{t}/", HTTP_IF_MATCH='"stale"')),
    ("detail", "delete", 204, lambda c, t: c.delete(f"/api/tickets/{t}/")),
    ("detail", "delete", 404, lambda c, t: c.delete("/api/tickets/999999/")),
]


@pytest.mark.parametrize(("kind", "method", "status", "send"), ANSWERS,
                         ids=[f"{method}-{kind}-{status}-{index}" for index, (kind, method, status, _) in
                              enumerate(ANSWERS)])
def test_every_answer_is_documented_with_its_body_and_headers(schema, api_client, make_ticket, kind, method, status,
                                                              send):
    response = send(api_client, make_ticket().pk)

    assert response.status_code == status, response.content
    assert_documented(schema, kind, method, response)


def test_a_reused_idempotency_key_is_a_documented_422(schema, api_client):
    first = api_client.post("/api/tickets/", {"title": "T", "description": "D"}, format="json",
                            HTTP_IDEMPOTENCY_KEY="k1")
    replay = api_client.post("/api/tickets/", {"title": "T", "description": "D"}, format="json",
                             HTTP_IDEMPOTENCY_KEY="k1")
    reused = api_client.post("/api/tickets/", {"title": "Other", "description": "D"}, format="json",
                             HTTP_IDEMPOTENCY_KEY="k1")

    assert (first.status_code, replay.status_code, reused.status_code) == (201, 201, 422)
    assert replay["Idempotent-Replayed"] == "true"
    for response in (first, replay, reused):
        assert_documented(schema, "list", "post", response)


@pytest.mark.parametrize(("kind", "method", "path"), [("list", "get", "/api/tickets/"),
                                                      ("detail", "delete", "/api/tickets/1/")])
def test_auth_and_chaos_answers_are_documented_with_their_headers(schema, api_client, settings, kind, method, path):
    settings.TICKETS_API_TOKEN = "secret-token"
    unauthorized = getattr(api_client, method)(path)
    settings.TICKETS_API_TOKEN = None
    settings.TICKETS_CHAOS_FAILURE_RATE = 1.0
    unavailable = getattr(api_client, method)(path)

    assert (unauthorized.status_code, unavailable.status_code) == (401, 503)
    assert_documented(schema, kind, method, unauthorized)
    assert_documented(schema, kind, method, unavailable)


def error_body_schema(schema: dict, kind: str, method: str, status: str) -> dict:
    return operation(schema, kind, method)["responses"][status]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(("kind", "method"), [("list", "get"), ("list", "post"), ("detail", "put"), ("detail", "patch")])
def test_400_bodies_are_maps_of_any_name_to_messages(schema, kind, method):
    body = error_body_schema(schema, kind, method, "400")

    validate(schema, body, {"any_field_name": ["a message"], "page": ["another"]})
    validate(schema, body, {"detail": "JSON parse error."})
    with pytest.raises(jsonschema.ValidationError):
        validate(schema, body, {"title": "a message, not a list"})


def query_parameter(schema: dict, name: str) -> dict:
    return next(parameter for parameter in operation(schema, "list", "get")["parameters"] if parameter["name"] == name)


def test_ordering_lists_every_value_the_api_accepts_and_nothing_else(schema, api_client):
    from tickets.views import TicketViewSet

    ordering = query_parameter(schema, "ordering")
    values = ordering["schema"]["items"]["enum"]

    assert ordering["schema"]["type"] == "array"
    assert (ordering["style"], ordering["explode"]) == ("form", False)
    assert set(values) == {f"{sign}{name}" for name in TicketViewSet.ordering_fields for sign in ("", "-")}
    for value in values:
        assert api_client.get("/api/tickets/", {"ordering": value}).status_code == 200, value
    assert api_client.get("/api/tickets/", {"ordering": ",".join(values)}).status_code == 200
    assert api_client.get("/api/tickets/", {"ordering": "description"}).status_code == 400


def test_page_size_states_the_paginators_limits(schema, api_client):
    from tickets.pagination import TicketPagination

    page_size = query_parameter(schema, "page_size")["schema"]
    largest = TicketPagination.max_page_size

    assert page_size == {"type": "integer", "minimum": 1, "maximum": largest}
    assert api_client.get("/api/tickets/", {"page_size": largest}).status_code == 200
    assert api_client.get("/api/tickets/", {"page_size": largest + 1}).status_code == 400
    assert api_client.get("/api/tickets/", {"page_size": 0}).status_code == 400


def test_page_is_a_number_from_1_or_last(schema, api_client):
    page = query_parameter(schema, "page")["schema"]

    assert {"type": "integer", "minimum": 1} in page["oneOf"]
    assert {"type": "string", "enum": ["last"]} in page["oneOf"]
    assert api_client.get("/api/tickets/", {"page": "last"}).status_code == 200
    assert api_client.get("/api/tickets/", {"page": "0"}).status_code == 400


def test_ticket_request_keeps_the_serializers_field_limits(schema):
    from tickets.serializers import TicketSerializer

    fields = TicketSerializer().fields
    for component in ("TicketRequest", "PatchedTicketRequest", "TicketReplacementRequest"):
        properties = schema["components"]["schemas"][component]["properties"]
        for name in ("title", "description"):
            assert properties[name]["maxLength"] == fields[name].max_length, (component, name)


def test_put_requires_the_status_as_the_api_does(schema):
    put_body = resolve(schema, operation(schema, "detail", "put")["requestBody"]["content"]["application/json"]["schema"])
    post_body = resolve(schema, operation(schema, "list", "post")["requestBody"]["content"]["application/json"]["schema"])

    assert set(put_body["required"]) == {"title", "description", "resolution_status"}
    assert set(post_body["required"]) == {"title", "description"}
