"""Missing tickets (every method, non-numeric ids) and unknown /api/ URLs: JSON 404s."""

import pytest

from tickets.models import Ticket

# "²" and "①" pass str.isdigit() but not int(); "١٢" (Arabic-Indic) and "１２" (fullwidth) pass both.
MISSING_IDS = ["123", "abc", "0", "-1", "1.5", "1e3", "99999999999999999999", "x_y-z", "²", "①", "١٢", "１２", "+1",
               " 1"]
METHODS = ["GET", "PUT", "PATCH", "DELETE"]
VALID = {"title": "t", "description": "d", "resolution_status": "OPEN"}


@pytest.mark.parametrize("ticket_id", MISSING_IDS)
@pytest.mark.parametrize("method", METHODS)
def test_a_missing_ticket_is_a_404_naming_the_id(api_client, make_ticket, detail_url, row_state, method, ticket_id):
    existing = make_ticket()  # a ticket that is NOT asked for must stay untouched
    before = row_state(existing.pk)

    response = api_client.generic(method, detail_url(ticket_id), '{"title": "t", "description": "d", '
                                  '"resolution_status": "OPEN"}', content_type="application/json")

    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": f"Ticket with id '{ticket_id}' was not found."}
    assert row_state(existing.pk) == before
    assert Ticket.objects.count() == 1


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("digits", [ARABIC_INDIC_DIGITS, FULLWIDTH_DIGITS], ids=["arabic-indic", "fullwidth"])
@pytest.mark.parametrize("method", METHODS)
def test_an_existing_id_in_other_digits_is_a_404(api_client, make_ticket, detail_url, row_state, method, digits):
    # int() reads these as the ticket's id; the API takes ids in ASCII digits only.
    ticket = make_ticket()
    before = row_state(ticket.pk)
    written = str(ticket.pk).translate(digits)

    response = api_client.generic(method, detail_url(written), '{"title": "t", "description": "d", '
                                  '"resolution_status": "CLOSED"}', content_type="application/json")

    assert response.status_code == 404, response.content
    assert response.json() == {"detail": f"Ticket with id '{written}' was not found."}
    assert row_state(ticket.pk) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_missing_ticket_is_a_404_even_with_an_invalid_body(api_client, detail_url, method):
    response = api_client.generic(method, detail_url(123), '{"foo": 1}', content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket with id '123' was not found."}


def test_put_does_not_create_a_missing_ticket(api_client, detail_url):
    api_client.put(detail_url(77), VALID, format="json")

    assert not Ticket.objects.exists()


@pytest.mark.parametrize("path", [
    "/api/nope/", "/api/", "/api/tickets/1/extra/", "/api/tickets/abc/def/", "/api/health/extra/", "/api/%ff/",
])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_api_urls_are_json_404s(api_client, method, path):
    response = api_client.generic(method, path)

    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("detail"), str)


@pytest.mark.parametrize("path", ["/api/tickets", "/api/tickets/1"])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_to_a_url_without_its_trailing_slash_is_not_silently_redirected(api_client, make_ticket, method,
                                                                                 path):
    # A 301/302 makes clients (curl -L, requests, browsers) repeat a POST as a GET: the ticket is
    # never written, yet the client sees a 200. Handling it, a method-keeping 307/308, or a JSON 404 are fine.
    make_ticket()

    response = api_client.generic(method, path, '{"title": "t", "description": "d", "resolution_status": "OPEN"}',
                                  content_type="application/json")

    assert response.status_code not in (301, 302, 303), (response.status_code, response.get("Location"))
    if response.status_code not in (204, 307, 308):
        assert response["Content-Type"].startswith("application/json")
