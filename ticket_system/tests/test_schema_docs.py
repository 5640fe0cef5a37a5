"""GET /api/schema/ (OpenAPI 3) documents filters, status codes and error bodies; /api/docs/ works offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import httpx
import pytest

FILTER_PARAMETERS = {"id", "id__in", "title__icontains", "created__gte", "created__lte", "resolution_status",
                     "resolution_status__in", "search", "ordering", "page", "page_size"}
DETAIL_PATH = re.compile(r"^/api/tickets/\{[^}]+\}/$")
EXPECTED_RESPONSES = {
    ("list", "get"): {"200", "400", "404"},
    ("list", "post"): {"201", "400", "415", "422"},
    ("detail", "get"): {"200", "404"},
    ("detail", "put"): {"200", "400", "404", "415", "422"},
    ("detail", "patch"): {"200", "400", "404", "415", "422"},
    ("detail", "delete"): {"204", "404"},
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
    for status in EXPECTED_RESPONSES[kind, method] - {"204"}:
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


def test_the_ticket_schema_has_the_six_fields_and_the_three_statuses(schema):
    created = operation(schema, "list", "post")["responses"]["201"]["content"]["application/json"]["schema"]
    ticket = resolve(schema, created)

    assert set(ticket["properties"]) == {"id", "title", "description", "created", "updated", "resolution_status"}
    for name in ("id", "created", "updated"):
        assert ticket["properties"][name].get("readOnly") is True, name
    assert enum_values(schema, ticket["properties"]["resolution_status"]) == {"OPEN", "RESOLVED", "CLOSED"}


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
