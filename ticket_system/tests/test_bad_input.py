"""Bad request bodies on POST, PUT and PATCH: exact 4xx status and JSON body, and nothing stored.

Every test runs once per write method; `write` sends the body to the list (POST) or to an existing
ticket (PUT, PATCH) and can prove afterwards that the tickets table is exactly as before.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tickets.models import Ticket

ONE_MIB = 1024 * 1024
VALID = {"title": "Valid title", "description": "Valid description", "resolution_status": "OPEN"}


@dataclass
class Write:
    """One write method aimed at its target; every answer it gets must be a JSON non-5xx."""

    method: str
    url: str
    client: Any
    before: list[dict]

    def raw(self, body: bytes | str, content_type: str = "application/json"):
        response = self.client.generic(self.method, self.url, body, content_type=content_type)
        assert response.status_code < 500, response.content
        assert response["Content-Type"].startswith("application/json"), response.content[:300]
        return response

    def json(self, body: Any):
        return self.raw(json.dumps(body))

    def assert_nothing_changed(self) -> None:
        assert list(Ticket.objects.order_by("pk").values()) == self.before


@pytest.fixture(params=["POST", "PUT", "PATCH"])
def write(request, api_client, make_ticket, list_url, detail_url) -> Write:
    ticket = make_ticket(title="Untouched", description="Untouched")
    url = list_url if request.param == "POST" else detail_url(ticket.pk)
    return Write(request.param, url, api_client, list(Ticket.objects.order_by("pk").values()))


@pytest.mark.parametrize("body", [
    '{"title": ',
    "{'title': 'single quotes', 'description': 'd'}",
    '{"title": "a", "description": "b",}',
    '{"title": "a" "description": "b"}',
    "nul",
    '{"title": "unterminated}',
])
def test_malformed_json_is_a_400_with_detail(write, assert_detail_error, body):
    assert_detail_error(write.raw(body), 400)
    write.assert_nothing_changed()


@pytest.mark.parametrize("body", [
    b'{"title": "\xff\xfe", "description": "d"}',
    b'{"title": "caf\xe9", "description": "d"}',
    b"\xff\xfe{\x00}\x00",
    b"\x80\x81\x82",
])
def test_invalid_utf8_is_a_400_with_detail(write, assert_detail_error, body):
    assert_detail_error(write.raw(body), 400)
    write.assert_nothing_changed()


@pytest.mark.parametrize(("body", "content_type"), [
    ("title=a&description=b", "application/x-www-form-urlencoded"),
    ("title: a", "text/plain"),
    ("<ticket><title>a</title></ticket>", "application/xml"),
    ("--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\na\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    (json.dumps(VALID), "text/json"),
])
def test_a_non_json_content_type_is_a_415_with_detail(write, assert_detail_error, body, content_type):
    assert_detail_error(write.raw(body, content_type), 415)
    write.assert_nothing_changed()


@pytest.mark.parametrize("body", [[], [VALID], "x", None, 42, 4.2, True])
def test_a_body_that_is_not_a_json_object_is_a_400(write, body):
    response = write.json(body)

    assert response.status_code == 400
    assert isinstance(response.json(), dict) and response.json()
    write.assert_nothing_changed()


def padded_body(total_bytes: int) -> bytes:
    """A valid JSON object of exactly `total_bytes` bytes (its description is far too long)."""
    skeleton = json.dumps({**VALID, "description": ""}).encode()
    body = json.dumps({**VALID, "description": "x" * (total_bytes - len(skeleton))}).encode()
    assert len(body) == total_bytes
    return body


def test_a_body_over_one_mib_is_a_413_with_detail(write, assert_detail_error):
    assert_detail_error(write.raw(padded_body(ONE_MIB + 1)), 413)
    write.assert_nothing_changed()


def test_a_body_of_exactly_one_mib_is_read_and_validated(write, assert_param_error):
    assert_param_error(write.raw(padded_body(ONE_MIB)), 400, "description")
    write.assert_nothing_changed()


def test_unexpected_fields_are_a_400_naming_every_one(write):
    response = write.json({**VALID, "foo": 1, "bar": None, "Title": "case matters"})

    assert response.status_code == 400
    assert response.json() == {"foo": ["Unexpected field."], "bar": ["Unexpected field."],
                               "Title": ["Unexpected field."]}
    write.assert_nothing_changed()


@pytest.mark.parametrize("field", ["title", "description", "resolution_status"])
@pytest.mark.parametrize("value", [None, 42, 4.2, True, False, [], ["OPEN"], {}, {"value": "OPEN"}],
                         ids=lambda value: json.dumps(value))
def test_a_value_of_the_wrong_json_type_is_a_400_naming_the_field(write, assert_param_error, field, value):
    assert_param_error(write.json({**VALID, field: value}), 400, field)
    write.assert_nothing_changed()


@pytest.mark.parametrize(("field", "value"), [
    ("title", ""), ("title", "   "), ("title", "\n\t "),
    ("description", ""), ("description", "   "),
])
def test_a_blank_title_or_description_is_a_400(write, field, value):
    response = write.json({**VALID, field: value})

    assert response.status_code == 400
    assert response.json() == {field: ["This field may not be blank."]}
    write.assert_nothing_changed()


@pytest.mark.parametrize(("field", "value"), [
    ("title", "x" * 256),
    ("title", " " + "x" * 256 + " "),
    ("description", "x" * 20_001),
    ("description", " " + "x" * 20_000),  # the length counts as sent, as the OpenAPI maxLength says
])
def test_a_too_long_title_or_description_is_a_400(write, assert_param_error, field, value):
    assert_param_error(write.json({**VALID, field: value}), 400, field)
    write.assert_nothing_changed()


@pytest.mark.parametrize("method", ["post", "put"])
@pytest.mark.parametrize("missing", [("title",), ("description",), ("title", "description")])
def test_post_and_put_require_title_and_description(api_client, list_url, detail_url, make_ticket, row_state,
                                                     assert_param_error, method, missing):
    ticket = make_ticket()
    before = row_state(ticket.pk)
    url = list_url if method == "post" else detail_url(ticket.pk)
    body = {key: value for key, value in VALID.items() if key not in missing}

    assert_param_error(getattr(api_client, method)(url, body, format="json"), 400, *missing)
    assert row_state(ticket.pk) == before
    assert Ticket.objects.count() == 1


def test_put_requires_the_status(api_client, detail_url, make_ticket, row_state, assert_param_error):
    ticket = make_ticket()
    before = row_state(ticket.pk)

    response = api_client.put(detail_url(ticket.pk), {"title": "t", "description": "d"}, format="json")

    assert_param_error(response, 400, "resolution_status")
    assert row_state(ticket.pk) == before


def test_an_empty_put_names_every_writable_field(api_client, detail_url, make_ticket, assert_param_error):
    ticket = make_ticket()

    response = api_client.put(detail_url(ticket.pk), {}, format="json")

    assert_param_error(response, 400, "title", "description", "resolution_status")


def test_unknown_fields_and_field_errors_are_reported_together(write, assert_param_error):
    assert_param_error(write.json({**VALID, "title": "", "foo": 1}), 400, "title", "foo")
    write.assert_nothing_changed()


@pytest.mark.parametrize(("field", "value"), [
    ("title", "\ud800 lone surrogate"),
    ("description", "lone surrogate \udfff"),
    ("title", "nul \u0000 inside"),
    ("description", "nul \u0000 inside"),
])
def test_text_a_database_cannot_store_is_a_400_naming_the_field(write, assert_param_error, field, value):
    # json.dumps writes these as \u escapes; the server must refuse them before the database does.
    assert_param_error(write.json({**VALID, field: value}), 400, field)
    write.assert_nothing_changed()


@pytest.mark.parametrize("body", [
    "[" * 50_000 + "]" * 50_000,
    '{"title": ' * 5_000 + '"x"' + "}" * 5_000,
    '{"title": NaN, "description": "d"}',
    '{"title": Infinity, "description": "d"}',
    '{"title": 1e400, "description": "d"}',
    '{"title": ' + "9" * 5_000 + ', "description": "d"}',
    '{"title": "a", "title": "b", "description": "d", "description": 5}',
    "\ufeff" + json.dumps(VALID)[:-1],
    " \n ",
])
def test_hostile_bodies_are_client_errors_in_json(write, body):
    response = write.raw(body)

    assert 400 <= response.status_code < 500
    write.assert_nothing_changed()


def test_random_bytes_never_cause_a_server_error(write):
    generator = random.Random(20240501)  # fixed seed: a failure is reproducible
    for _ in range(30):
        body = bytes(generator.randrange(256) for _ in range(generator.randrange(1, 200)))
        response = write.raw(body)
        assert 400 <= response.status_code < 500, body
    write.assert_nothing_changed()


@pytest.mark.parametrize(("parameter", "value"), [
    ("search", "%00"), ("title__icontains", "%00"), ("search", "%ff%fe"), ("created__gte", "%00"),
    ("ordering", "%00"), ("resolution_status", "%00"), ("id", "99999999999999999999"),
    ("id__in", "1,99999999999999999999"), ("id", "-1"), ("page", "99999999999999999999"),
    ("page_size", "99999999999999999999"), ("search", "a" * 5000), ("id__in", ",".join(["1"] * 2000)),
    ("id__in", ""), ("id__in", ","), ("resolution_status__in", ","), ("ordering", ","), ("ordering", "-"),
    ("created__gte", "2024-01-01T00:00:00%2B99:00"), ("created__lte", "10000-01-01"), ("search", "%25"),
    ("page_size", "%205"), ("created__gte", "0001-01-01T00:00:00%2B01:00"),
    ("created__lte", "9999-12-31T23:59:59-01:00"),
])
def test_hostile_query_strings_are_answered_in_json(api_client, list_url, make_ticket, parameter, value):
    make_ticket()

    response = api_client.get(f"{list_url}?{parameter}={value}")

    assert response.status_code in (200, 400, 404), response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code == 400:
        assert set(body) == {parameter}, body
    else:
        assert isinstance(body, dict)


@pytest.mark.parametrize("ticket_id", ["%00", "%ff", "%20", "1%2F2"])
def test_hostile_ticket_ids_are_json_404s(api_client, detail_url, ticket_id):
    response = api_client.get(detail_url(ticket_id))

    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith("application/json")


def chunked(body: bytes):
    """Without a length, httpx sends a generator's bytes with Transfer-Encoding: chunked."""
    yield body


@pytest.mark.e2e
def test_a_real_server_reads_chunked_bodies_and_limits_them_too(ticket_api):
    def post(body: bytes) -> httpx.Response:
        return httpx.post(f"{ticket_api.url}/api/tickets/", content=chunked(body),
                          headers={"Content-Type": "application/json"})

    small = post(json.dumps(VALID).encode())
    large = post(padded_body(ONE_MIB + 1))

    # Reading the body (201) or refusing bodies without a length (411) are both honest answers;
    # treating it as empty ("title: This field is required.") is not.
    assert small.status_code in (201, 411), small.text
    assert large.status_code in (411, 413), large.text
    assert set(large.json()) == {"detail"}
