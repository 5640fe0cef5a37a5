"""GET /health: 200 while the service runs; "degraded" when the ticket API is unreachable."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e  # starts the ticket API (and other processes)


def test_health_reports_the_offline_model_and_a_reachable_ticket_api(agent):
    response = httpx.get(agent.url + "/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["ticket_api"] == "ok"
    assert body["model"]["provider"] == "offline"
    assert body["model"]["language_model"] is False


def test_health_is_degraded_but_200_when_the_ticket_api_is_unreachable(start_agent, unreachable_url):
    agent = start_agent(unreachable_url)

    response = httpx.get(agent.url + "/health")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["ticket_api"] == "unreachable"


def test_health_follows_the_ticket_api_going_down_and_coming_back(agent, ticket_api):
    ticket_api.stop()
    down = httpx.get(agent.url + "/health", timeout=10).json()
    ticket_api.start()
    back = httpx.get(agent.url + "/health", timeout=10).json()

    assert (down["status"], down["ticket_api"]) == ("degraded", "unreachable")
    assert (back["status"], back["ticket_api"]) == ("ok", "ok")
