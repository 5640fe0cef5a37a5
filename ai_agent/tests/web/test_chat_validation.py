"""Bad /chat requests get a JSON 4xx naming the problem, never a 500, an HTML page or a stream."""

from __future__ import annotations

import httpx
import pytest

MAX_CHARS = 8_000


@pytest.fixture
def agent_url(start_agent, unreachable_url) -> str:
    # Validation happens before the agent runs, so no ticket API is needed.
    return start_agent(unreachable_url).url


def assert_json_error(response: httpx.Response, status: int, detail: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str)
    if detail is not None:
        assert body["detail"] == detail


@pytest.mark.parametrize("params", [{}, {"message": ""}, {"message": "   \n\t "}])
def test_get_without_a_message_is_400(agent_url, params):
    response = httpx.get(agent_url + "/chat", params=params)
    assert_json_error(response, 400, "message is required")


@pytest.mark.parametrize("body", [{}, {"message": ""}, {"message": "  "}, {"message": None}, {"text": "hi"}])
def test_post_without_a_message_is_400(agent_url, body):
    response = httpx.post(agent_url + "/chat", json=body)
    assert_json_error(response, 400, "message is required")


@pytest.mark.parametrize("content", [b"{not json", b"[\"list tickets\"]", b"\"list tickets\"", b"", b"\xff\xfe\x00",
                                     b"message=list+tickets"])
def test_post_with_a_body_that_is_not_a_json_object_is_400(agent_url, content):
    response = httpx.post(agent_url + "/chat", content=content, headers={"Content-Type": "application/json"})
    assert_json_error(response, 400)
    assert "JSON" in response.json()["detail"]


@pytest.mark.parametrize("message", [5, ["list tickets"], {"text": "hi"}, True])
def test_post_with_a_message_that_is_not_text_is_400(agent_url, message):
    response = httpx.post(agent_url + "/chat", json={"message": message})
    assert_json_error(response, 400, "message must be a string")


def test_a_message_over_8000_characters_is_413(agent_url):
    too_long = "x" * (MAX_CHARS + 1)

    assert_json_error(httpx.get(agent_url + "/chat", params={"message": too_long}), 413)
    response = httpx.post(agent_url + "/chat", json={"message": too_long})
    assert_json_error(response, 413)
    assert "8000" in response.json()["detail"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_message_of_exactly_8000_characters_is_answered(agent_url, method):
    # Non-ASCII on purpose: percent-encoded in a GET it takes 48 KB of request line.
    message = "é" * MAX_CHARS
    request = {"params": {"message": message}} if method == "GET" else {"json": {"message": message}}
    with httpx.stream(method, agent_url + "/chat", timeout=30, **request) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
    assert_json_error(httpx.request(method, agent_url + "/chat", **{
        key: ({"message": message + "é"}) for key in request}), 413)


def test_a_body_over_64_kib_is_413_even_without_a_length_header(agent_url):
    huge = b'{"message": "' + b"x" * (70 * 1024) + b'"}'

    assert_json_error(httpx.post(agent_url + "/chat", content=huge), 413)
    chunks = (huge[i:i + 4096] for i in range(0, len(huge), 4096))  # chunked transfer: no Content-Length
    assert_json_error(httpx.post(agent_url + "/chat", content=chunks), 413)


def test_unknown_paths_and_methods_answer_json(agent_url):
    assert_json_error(httpx.get(agent_url + "/nope"), 404)
    assert_json_error(httpx.delete(agent_url + "/chat"), 405)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_fields_are_ignored(agent_url, method):
    # Documented in web/chat_request.py: a client sending a field this version does not know still gets its turn.
    fields = {"message": "list tickets", "client_request_id": "r-1"}
    request = {"params": fields} if method == "GET" else {"json": fields}
    with httpx.stream(method, agent_url + "/chat", timeout=30, **request) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("thread_id", ["t-1\n", "", "t\u00e9", "t/1"])
def test_a_thread_id_outside_its_alphabet_is_400(agent_url, method, thread_id):
    fields = {"message": "list tickets", "thread_id": thread_id}
    request = {"params": fields} if method == "GET" else {"json": fields}
    assert_json_error(httpx.request(method, agent_url + "/chat", **request), 400,
                      "thread_id must be 1 to 128 letters, digits or the characters . _ : -")
