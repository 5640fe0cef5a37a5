"""Property tests: any text, in any script, in any query parameter, path segment, header or body field
of the ticket endpoints gets an answer, never a server error: a 2xx/3xx, or a 4xx with a JSON body.

Text comes from Hypothesis (every Unicode category but surrogates, which cannot be encoded) plus
what most often breaks number parsing and databases: digits of other scripts and superscripts
(which str.isdigit() takes and int() refuses), NUL, numbers longer than int() converts, very long
text, lone surrogates where JSON can carry them (\\ud800 escapes) and invalid UTF-8 where a URL can
(percent-encoded bytes).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tickets.filters import TicketFilter
from tickets.idempotency import MAX_KEY_LENGTH

LIST_PARAMETERS = sorted({*TicketFilter.base_filters, "search", "ordering", "page", "page_size"})
TICKET_FIELDS = ["title", "description", "resolution_status", "priority", "assignee", "tags"]
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

numbers_of_other_scripts = st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6)
# Tried first, every time: a superscript, other scripts' digits, NUL, more digits than int() converts.
ALWAYS = ["²", "١٢", "፩", "\x00", "9" * 5000]
tricky = st.sampled_from([*ALWAYS, "①", "𝟙𝟚", "Ⅻ", "-1", "0", "1e3", " 1", "1 ", "+1", "0x1", "1_0", "1\x00",
                          "last", "OPEN", "open ", "-created,title", ","])
long_text = st.text(min_size=1, max_size=8).map(lambda text: text * 3000)
any_text = st.one_of(st.text(), numbers_of_other_scripts, tricky, long_text)
# Lone surrogates, which only JSON's \u escapes can carry.
with_surrogates = st.text(st.characters(categories=["Cs", "L", "N", "Zs"]), min_size=1)
# WSGI hands headers over as latin-1; anything else cannot reach the server.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=MAX_KEY_LENGTH + 10)


def assert_answered(response) -> None:
    """No server error; a client error names the problem in JSON."""
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        assert isinstance(response.json(), dict) and response.json()


def path_segment(text: str) -> str:
    return quote(text, safe="") or "%20"


@pytest.fixture
def ticket_url(make_ticket) -> str:
    return f"/api/tickets/{make_ticket().pk}/"


def tried_first(test):
    for value in reversed(ALWAYS):
        test = example(value)(test)
    return test


@pytest.mark.parametrize("name", LIST_PARAMETERS)
@PROPERTY_SETTINGS
@given(value=any_text)
@tried_first
def test_any_text_in_any_query_parameter_never_reaches_a_server_error(api_client, name, value):
    assert_answered(api_client.get("/api/tickets/", {name: value}))


@PROPERTY_SETTINGS
@given(query=st.dictionaries(st.one_of(st.sampled_from(LIST_PARAMETERS), st.text()), any_text, max_size=4))
def test_any_mix_of_query_parameters_never_reaches_a_server_error(api_client, query):
    assert_answered(api_client.get("/api/tickets/", query))


@PROPERTY_SETTINGS
@given(name=st.sampled_from(LIST_PARAMETERS), raw=st.binary(min_size=1, max_size=12))
def test_invalid_utf8_in_a_query_parameter_never_reaches_a_server_error(api_client, name, raw):
    assert_answered(api_client.get(f"/api/tickets/?{name}={quote(raw)}"))


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@PROPERTY_SETTINGS
@given(segment=st.one_of(any_text, st.binary(min_size=1, max_size=12).map(quote)))
@tried_first
def test_any_ticket_id_in_the_path_is_a_404(api_client, method, segment):
    path = f"/api/tickets/{segment if '%' in segment else path_segment(segment)}/"
    response = getattr(api_client, method)(path, {"title": "T", "description": "D", "resolution_status": "OPEN"},
                                           format="json")

    assert_answered(response)
    assert response.status_code == 404, (path, response.status_code)


@pytest.mark.parametrize("field", TICKET_FIELDS)
@PROPERTY_SETTINGS
@given(value=any_text)
@tried_first
def test_any_text_in_any_body_field_never_reaches_a_server_error(api_client, ticket_url, field, value):
    body = {"title": "T", "description": "D", field: value}
    for response in (api_client.post("/api/tickets/", body, format="json"),
                     api_client.patch(ticket_url, {field: value}, format="json"),
                     api_client.put(ticket_url, {**body, "resolution_status": "OPEN", field: value}, format="json")):
        assert_answered(response)


@PROPERTY_SETTINGS
@given(values=st.lists(any_text, max_size=25))
def test_any_list_of_text_as_tags_never_reaches_a_server_error(api_client, ticket_url, values):
    for response in (api_client.post("/api/tickets/", {"title": "T", "description": "D", "tags": values}, format="json"),
                     api_client.patch(ticket_url, {"tags": values}, format="json")):
        assert_answered(response)


@PROPERTY_SETTINGS
@given(values=st.lists(any_text, min_size=1, max_size=4))
def test_any_text_in_a_repeated_tag_parameter_never_reaches_a_server_error(api_client, values):
    assert_answered(api_client.get("/api/tickets/", {"tag": values}))


@PROPERTY_SETTINGS
@given(body=st.dictionaries(st.one_of(st.sampled_from(TICKET_FIELDS), st.text()), any_text, max_size=5))
def test_any_mix_of_body_fields_never_reaches_a_server_error(api_client, ticket_url, body):
    for response in (api_client.post("/api/tickets/", body, format="json"),
                     api_client.patch(ticket_url, body, format="json"),
                     api_client.put(ticket_url, body, format="json")):
        assert_answered(response)


@PROPERTY_SETTINGS
@given(field=st.one_of(st.sampled_from(TICKET_FIELDS), with_surrogates), value=with_surrogates)
def test_lone_surrogates_in_json_never_reach_a_server_error(api_client, ticket_url, field, value):
    body = json.dumps({"title": "T", "description": "D", field: value})  # ensure_ascii: \ud800 escapes

    for response in (api_client.post("/api/tickets/", body, content_type="application/json"),
                     api_client.patch(ticket_url, body, content_type="application/json")):
        assert_answered(response)


@PROPERTY_SETTINGS
@given(if_match=header_text, if_none_match=header_text, key=header_text)
def test_any_conditional_or_idempotency_header_never_reaches_a_server_error(api_client, ticket_url, if_match,
                                                                            if_none_match, key):
    assert_answered(api_client.get(ticket_url, HTTP_IF_NONE_MATCH=if_none_match))
    assert_answered(api_client.patch(ticket_url, {"title": "T"}, format="json", HTTP_IF_MATCH=if_match))
    assert_answered(api_client.post("/api/tickets/", {"title": "T", "description": "D"}, format="json",
                                    HTTP_IDEMPOTENCY_KEY=key))
