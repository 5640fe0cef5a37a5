"""The ticket client against the real API: retries, Retry-After, idempotent POSTs, readable failures.

Waits are checked as the waits the client asked for (a fake sleep and clock), not as time spent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from agent.events import TokenEvent, ToolEndEvent
from ticket_api.client import RetryPolicy, TicketApiError, TicketClient, TicketSystemUnavailable

pytestmark = pytest.mark.asyncio

QUICK = RetryPolicy(attempts=4, max_seconds=10, backoff_base=0.05, backoff_max=0.2)


@dataclass
class FakeTime:
    """A clock that moves only when the client sleeps, and every wait the client asked for."""

    now: float = 1000.0
    waits: list[float] = field(default_factory=list)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def policy(self, **limits: Any) -> RetryPolicy:
        return RetryPolicy(sleep=self.sleep, clock=self.clock, **limits)


def _posts(proxy) -> list[dict[str, str]]:
    return [headers for method, path, headers in proxy.seen if method == "POST"]


async def test_lost_create_response_is_retried_with_the_same_key_and_makes_one_ticket(
    ticket_api, ticket_store, start_proxy, make_assistant, planned_model, step, run_agent
):
    # The proxy forwards the first POST to the API, then drops the answer: the client must retry.
    proxy = start_proxy(ticket_api.url, lambda method, path, index: "drop" if (method, index) == ("POST", 0) else None)
    model = planned_model([step("create", "Create it.", [("create_ticket", {"title": "Once", "description": "Only once."})])])

    run = await run_agent(make_assistant(proxy.url, model), "create it")

    posts = _posts(proxy)
    assert len(posts) == 2
    assert posts[0]["idempotency-key"] == posts[1]["idempotency-key"]
    assert [t["title"] for t in ticket_store.all()] == ["Once"]
    assert run.tools_ended == [ToolEndEvent("create_ticket", True)]


async def test_separate_identical_creates_are_not_deduplicated(
    ticket_api, ticket_store, start_proxy, make_assistant, planned_model, step, run_agent
):
    proxy = start_proxy(ticket_api.url)
    same = ("create_ticket", {"title": "Printer jam", "description": "Again."})
    model = planned_model([step("create", "First.", [same]), step("create", "Second.", [same])])
    assistant = make_assistant(proxy.url, model)

    await run_agent(assistant, "two of them")
    await run_agent(assistant, "and two more")

    assert len(ticket_store.all()) == 4
    assert len({headers["idempotency-key"] for headers in _posts(proxy)}) == 4


async def test_chaos_mode_is_ridden_out_by_retries(start_ticket_api, make_assistant, planned_model, step, run_agent):
    api = start_ticket_api(TICKETS_CHAOS_FAILURE_RATE="0.3", TICKETS_CHAOS_MAX_DELAY_MS="200")
    titles = [f"Chaos {number}" for number in range(6)]
    steps = [step("create", f"Create {title}.", [("create_ticket", {"title": title, "description": "x"})]) for title in titles]
    steps.append(step("get", "List them.", [("list_tickets", {"search": "chaos"})]))
    model = planned_model(steps)

    run = await run_agent(make_assistant(api.url, model), "create six and list them")

    assert [e.ok for e in run.tools_ended] == [True] * 7
    assert '6 tickets matching search "chaos"' in run.answer
    stored = await _all_titles_despite_chaos(api.url)
    assert sorted(stored) == sorted(titles)  # every create landed exactly once


async def test_retry_after_is_honoured_and_capped(ticket_api, start_proxy):
    proxy = start_proxy(ticket_api.url, lambda method, path, index: (429, "1") if index == 0 else None)
    time = FakeTime()
    client = TicketClient(proxy.url, retry=time.policy(attempts=4, backoff_base=0.05, backoff_max=0.2))
    page = await client.list_tickets({})
    await client.aclose()
    assert page.count == 0
    assert len(proxy.seen) == 2
    assert time.waits == [1.0]  # what the server asked for, not the backoff (0.05 s and some jitter)

    greedy = start_proxy(ticket_api.url, lambda method, path, index: (503, "3600") if index == 0 else None)
    time = FakeTime()
    client = TicketClient(greedy.url, retry=time.policy(attempts=3, max_retry_after=0.3, backoff_base=0.05))
    await client.list_tickets({})
    await client.aclose()
    assert time.waits == [0.3]  # an hour was asked; the cap keeps us responsive


async def test_backoff_grows_and_stays_within_its_bounds(unused_tcp_port):
    time = FakeTime()
    policy = time.policy(attempts=6, max_seconds=60, backoff_base=0.2, backoff_max=1.0)
    client = TicketClient(f"http://127.0.0.1:{unused_tcp_port}", retry=policy)
    with pytest.raises(TicketSystemUnavailable):
        await client.list_tickets({})
    await client.aclose()
    assert len(time.waits) == 5  # between six attempts
    for retry, wait in enumerate(time.waits):
        exponential = policy.backoff_base * 2**retry
        # base * 2^n plus up to one base of jitter, never more than backoff_max
        assert min(exponential, policy.backoff_max) <= wait <= min(exponential + policy.backoff_base, policy.backoff_max)


async def test_a_4xx_is_never_retried(ticket_api, start_proxy):
    proxy = start_proxy(ticket_api.url)
    client = TicketClient(proxy.url, retry=QUICK)
    with pytest.raises(TicketApiError) as raised:
        await client.get_ticket(4242)
    await client.aclose()
    assert raised.value.status == 404
    assert raised.value.body == {"detail": "Ticket with id '4242' was not found."}
    assert len(proxy.seen) == 1


async def test_a_server_that_keeps_failing_gives_up_after_the_attempts(ticket_api, start_proxy):
    proxy = start_proxy(ticket_api.url, lambda *_: 503)
    client = TicketClient(proxy.url, retry=QUICK)
    with pytest.raises(TicketSystemUnavailable) as raised:
        await client.list_tickets({})
    await client.aclose()
    assert len(proxy.seen) == 4
    assert str(raised.value) == f"The ticket system at {proxy.url} is unreachable (it kept answering HTTP 503 after 4 attempts)"


async def test_retries_are_bounded_in_total_time(unused_tcp_port):
    time = FakeTime()
    policy = time.policy(attempts=50, max_seconds=1.0, backoff_max=0.3)
    client = TicketClient(f"http://127.0.0.1:{unused_tcp_port}", retry=policy)
    with pytest.raises(TicketSystemUnavailable) as raised:
        await client.list_tickets({})
    await client.aclose()
    # The time ran out long before the attempts: no attempt started after max_seconds, and it
    # stopped only when the next wait would have crossed it.
    assert len(time.waits) < 49
    assert policy.max_seconds - policy.backoff_max <= sum(time.waits) < policy.max_seconds
    assert f"{len(time.waits) + 1} attempts" in raised.value.reason
    assert "the connection was refused or failed" in raised.value.reason


async def test_an_unreachable_api_ends_the_run_after_reporting_the_failed_tool(
    unused_tcp_port, make_assistant, planned_model, step
):
    url = f"http://127.0.0.1:{unused_tcp_port}"
    model = planned_model([step("get", "List.", [("list_tickets", {})])])
    events = []

    with pytest.raises(TicketSystemUnavailable) as raised:
        async for event in make_assistant(url, model, AGENT_TICKET_RETRY_ATTEMPTS="2").stream("list tickets"):
            events.append(event)

    assert [event for event in events if isinstance(event, ToolEndEvent)] == [ToolEndEvent("list_tickets", False)]
    assert raised.value.url == url and "2 attempts" in raised.value.reason
    assert not any(isinstance(event, TokenEvent) for event in events)  # no answer pretends it worked


async def test_a_lost_delete_response_still_reports_the_deletion(
    ticket_api, ticket_store, start_proxy, make_assistant, planned_model, step, run_agent
):
    ticket = ticket_store.create("Gone soon", "x")
    # Request 3 is the first DELETE: after the confirmation's two reads (asking, resuming) and the tool's.
    proxy = start_proxy(ticket_api.url, lambda method, path, index: "drop" if (method, index) == ("DELETE", 3) else None)
    model = planned_model([step("delete", "Delete it.", [("delete_ticket", {"ticket_id": ticket["id"]})])])

    run = await run_agent(make_assistant(proxy.url, model), "delete it", answers=["yes"])

    assert ticket_store.get(ticket["id"]) is None
    # The confirmation reads the title (again on resume), the tool reads it, then the DELETE is retried.
    assert [method for method, _, _ in proxy.seen] == ["GET", "GET", "GET", "DELETE", "DELETE"]
    assert f"Deleted ticket #{ticket['id']}" in run.answer and "does not exist" not in run.answer


async def test_edits_send_if_match_from_the_ticket_they_read(
    ticket_api, ticket_store, start_proxy, make_assistant, planned_model, step, run_agent
):
    ticket = ticket_store.create("Printer jam", "x")
    read_before_update = httpx.get(f"{ticket_api.url}/api/tickets/{ticket['id']}/").headers["ETag"]
    proxy = start_proxy(ticket_api.url)
    model = planned_model([step("update", "Close it.", [("update_ticket", {"ticket_id": ticket["id"], "status": "CLOSED"})])])

    await run_agent(make_assistant(proxy.url, model), "close it")
    read_before_delete = httpx.get(f"{ticket_api.url}/api/tickets/{ticket['id']}/").headers["ETag"]
    model = planned_model([step("delete", "Delete it.", [("delete_ticket", {"ticket_id": ticket["id"]})])])
    await run_agent(make_assistant(proxy.url, model), "delete it", answers=["yes"])

    writes = {method: headers.get("if-match") for method, _, headers in proxy.seen if method in ("PATCH", "DELETE")}
    assert writes == {"PATCH": read_before_update, "DELETE": read_before_delete}
    assert ticket_store.get(ticket["id"]) is None


async def test_a_change_made_after_the_read_is_not_overwritten(
    ticket_api, ticket_store, start_proxy, make_assistant, planned_model, step, run_agent
):
    ticket = ticket_store.create("Printer jam", "x")
    url = f"{ticket_api.url}/api/tickets/{ticket['id']}/"

    def colleague_renames_it_first(method, path, index):
        if method == "PATCH":  # between the tool's read and its write
            httpx.patch(url, json={"title": "Printer jam, floor 3"}).raise_for_status()

    proxy = start_proxy(ticket_api.url, colleague_renames_it_first)
    model = planned_model([step("update", "Rename it.", [("update_ticket", {"ticket_id": ticket["id"], "title": "Mine"})])])

    run = await run_agent(make_assistant(proxy.url, model), "rename it")

    assert ticket_store.get(ticket["id"])["title"] == "Printer jam, floor 3"
    assert run.tools_ended == [ToolEndEvent("update_ticket", False)]
    assert f"ticket {ticket['id']} was changed by someone else after it was read" in run.answer


async def test_a_lost_update_response_still_reports_the_update(
    ticket_api, ticket_store, start_proxy, make_assistant, planned_model, step, run_agent
):
    ticket = ticket_store.create("Printer jam", "x")
    # The first PATCH is applied but its answer lost; the retry's If-Match is stale by then (412).
    proxy = start_proxy(ticket_api.url, lambda method, path, index: "drop" if (method, index) == ("PATCH", 1) else None)
    model = planned_model([step("update", "Resolve it.", [("update_ticket", {"ticket_id": ticket["id"], "status": "RESOLVED"})])])

    run = await run_agent(make_assistant(proxy.url, model), "resolve it")

    assert [method for method, _, _ in proxy.seen] == ["GET", "PATCH", "PATCH", "GET"]
    assert ticket_store.get(ticket["id"])["resolution_status"] == "RESOLVED"
    assert run.tools_ended == [ToolEndEvent("update_ticket", True)]


async def test_bearer_token_is_sent_when_configured(start_ticket_api, make_assistant, planned_model, step, run_agent):
    api = start_ticket_api(TICKETS_API_TOKEN="s3cret-token")
    model = planned_model([step("get", "List.", [("list_tickets", {})])])

    with_token = await run_agent(make_assistant(api.url, model, TICKETS_API_TOKEN="s3cret-token"), "list")
    without = await run_agent(make_assistant(api.url, model), "list")

    assert "No tickets." in with_token.answer
    assert "rejected the assistant's credentials; an administrator must check TICKETS_API_TOKEN" in without.answer


async def test_health_is_quick_and_not_retried(ticket_api, start_proxy, unused_tcp_port):
    assert await TicketClient(ticket_api.url).health() == "ok"
    failing = start_proxy(ticket_api.url, lambda *_: 503)
    assert await TicketClient(failing.url, retry=QUICK).health() == "unreachable"
    assert len(failing.seen) == 1
    assert await TicketClient(f"http://127.0.0.1:{unused_tcp_port}").health() == "unreachable"


async def _all_titles_despite_chaos(url: str) -> list[str]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        for _ in range(30):
            response = await http.get("/api/tickets/", params={"page_size": 200})
            if response.status_code == 200:
                return [t["title"] for t in response.json()["results"]]
    raise AssertionError("the chaos API never answered the check")
