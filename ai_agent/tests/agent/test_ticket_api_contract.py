"""The ticket_api package says what the real ticket API says: statuses, workflow, orderings, limits.

The facts come from the running API: its OpenAPI document (/api/schema/) and, for what the
document cannot express (the workflow, the default page size), its answers.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ticket_api.rules import (
    DEFAULT_PAGE_SIZE,
    DESCRIPTION_MAX_LENGTH,
    MAX_PAGE_SIZE,
    ORDERINGS,
    PRIORITIES,
    STATUS_FIELD,
    STATUSES,
    TITLE_MAX_LENGTH,
    TRANSITIONS,
)

OPENAPI_JSON = "application/vnd.oai.openapi+json"


@pytest.fixture
def schema(ticket_api) -> dict[str, Any]:
    response = httpx.get(f"{ticket_api.url}/api/schema/", headers={"Accept": OPENAPI_JSON}, timeout=10)
    response.raise_for_status()
    return response.json()


def list_parameter(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """The schema of a query parameter of GET /api/tickets/."""
    parameters = schema["paths"]["/api/tickets/"]["get"]["parameters"]
    [parameter] = [p for p in parameters if p["in"] == "query" and p["name"] == name]
    return parameter["schema"]


def component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


def test_the_statuses_are_the_apis(schema):
    assert set(list_parameter(schema, STATUS_FIELD)["enum"]) == set(STATUSES)
    assert set(component(schema, "ResolutionStatusEnum")["enum"]) == set(STATUSES)


def test_the_priorities_are_the_apis(schema):
    assert list(component(schema, "PriorityEnum")["enum"]) == list(PRIORITIES)  # in rank order


def test_the_orderings_are_the_apis(schema):
    ordering = list_parameter(schema, "ordering")
    assert ordering["type"] == "array"
    assert set(ordering["items"]["enum"]) == set(ORDERINGS)


def test_the_page_size_limit_is_the_apis(schema):
    page_size = list_parameter(schema, "page_size")
    assert (page_size.get("minimum"), page_size.get("maximum")) == (1, MAX_PAGE_SIZE)


def test_the_field_lengths_are_the_apis(schema):
    fields = component(schema, "TicketRequest")["properties"]
    assert fields["title"]["maxLength"] == TITLE_MAX_LENGTH
    assert fields["description"]["maxLength"] == DESCRIPTION_MAX_LENGTH
    assert STATUS_FIELD in fields


def test_the_workflow_is_the_apis(ticket_api):
    """Every status change the package allows is accepted, every other one refused (422)."""
    with httpx.Client(base_url=ticket_api.url, timeout=10) as api:
        answered = {}
        for current in STATUSES:
            for new in STATUSES:
                ticket = api.post("/api/tickets/", json={"title": "t", "description": "d", STATUS_FIELD: current})
                ticket.raise_for_status()
                answered[current, new] = api.patch(f"/api/tickets/{ticket.json()['id']}/", json={STATUS_FIELD: new}).status_code
    expected = {(current, new): 200 if new == current or new in TRANSITIONS[current] else 422
                for current in STATUSES for new in STATUSES}
    assert answered == expected


def test_the_default_page_size_is_the_apis(ticket_api):
    with httpx.Client(base_url=ticket_api.url, timeout=10) as api:
        for number in range(DEFAULT_PAGE_SIZE + 1):
            api.post("/api/tickets/", json={"title": f"t{number}", "description": "d"}).raise_for_status()
        page = api.get("/api/tickets/").json()
    assert (page["count"], len(page["results"])) == (DEFAULT_PAGE_SIZE + 1, DEFAULT_PAGE_SIZE)
