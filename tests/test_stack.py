"""The whole system through its real entry points: both services as Compose runs them, as local
processes (see tests/conftest.py), driven with the CLI, curl and HTTP, checked through the API and
the database file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import ROOT, wait_until_healthy
from tests.support.fake_openai import Reply
from tests.support.http import free_port
from tests.support.sse import iter_frames

pytestmark = pytest.mark.e2e

CLI = ROOT / "ai_agent" / "cli.py"
# No hang: every agent request must be answered within this bound, even with the API down.
ANSWER_WITHIN_S = 30


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], input=stdin, capture_output=True, text=True,
                          timeout=ANSWER_WITHIN_S)


def tickets(api_url: str) -> list[dict]:
    response = httpx.get(api_url + "/api/tickets/", params={"page_size": 200}, timeout=10)
    response.raise_for_status()
    return response.json()["results"]


def titles_in_database(stack) -> list[str]:
    """The rows themselves, read from the SQLite file the API writes (not through the API)."""
    with sqlite3.connect(stack.api.process.env["TICKETS_SQLITE_PATH"]) as connection:
        return [title for (title,) in connection.execute("SELECT title FROM tickets_ticket")]


def test_each_service_passes_its_compose_healthcheck_and_fails_it_when_down(stack):
    for service in (stack.api, stack.agent):
        result = service.healthcheck()
        assert result.returncode == 0, f"{service.name}: {result.stderr}"

    stack.agent.process.stop()
    assert stack.agent.healthcheck().returncode != 0


def test_the_cli_creates_exactly_one_ticket_then_lists_updates_and_deletes_it(stack):
    created = run_cli("Create a ticket about the VPN outage", stack.agent.url)

    assert created.returncode == 0, created.stderr
    assert "No language model is configured" in created.stdout  # the offline model says so
    [ticket] = tickets(stack.api.url)
    assert (ticket["title"], ticket["resolution_status"]) == ("VPN outage", "OPEN")
    assert f"#{ticket['id']}" in created.stdout
    assert "[tool] create_ticket ok" in created.stderr

    listed = run_cli("list tickets", stack.agent.url)
    assert listed.returncode == 0 and "VPN outage" in listed.stdout

    closed = run_cli(f"close {ticket['id']}", stack.agent.url)
    assert closed.returncode == 0 and "OPEN -> CLOSED" in closed.stdout
    assert tickets(stack.api.url)[0]["resolution_status"] == "CLOSED"

    # An interactive session (lines on stdin): the delete asks first, and "y" confirms it.
    deleted = run_cli(stack.agent.url, stdin=f"delete ticket {ticket['id']}\ny\n")
    assert deleted.returncode == 0, deleted.stderr
    assert f'Delete ticket {ticket["id"]} "VPN outage"? [y/N]' in deleted.stdout + deleted.stderr
    assert tickets(stack.api.url) == []


def test_twenty_creates_through_chaos_make_exactly_twenty_tickets(start_stack):
    stack = start_stack(api_env={"TICKETS_CHAOS_FAILURE_RATE": "0.3", "TICKETS_CHAOS_MAX_DELAY_MS": "200"})
    wanted = [f"Chaos ticket {number}" for number in range(20)]

    def create(title: str) -> subprocess.CompletedProcess:
        return run_cli(f'create a ticket titled "{title}" with description "Filed while the API fails."',
                       stack.agent.url)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(create, wanted))

    assert [result.returncode for result in results] == [0] * 20, [r.stderr for r in results if r.returncode]
    assert sorted(titles_in_database(stack)) == sorted(wanted)  # each once: retries made no duplicate
    log = stack.api.process.log()
    assert '" 503 ' in log  # chaos really failed some calls, and the retries got through them


def test_a_stopped_api_gives_one_clear_error_and_the_next_request_works_once_it_is_back(stack):
    assert run_cli("Create a ticket about the VPN outage", stack.agent.url).returncode == 0
    stack.api.process.stop()

    down = run_cli("list tickets", stack.agent.url)

    assert down.returncode == 1
    [line] = down.stderr.strip().splitlines()[-1:]
    assert "ticket system" in line and "unreachable" in line and stack.api.url in line
    assert "Traceback" not in down.stdout + down.stderr
    health = httpx.get(stack.agent.url + "/health", timeout=10).json()
    assert (health["status"], health["ticket_api"]) == ("degraded", "unreachable")

    stack.api.process.start()

    back = run_cli("list tickets", stack.agent.url)
    assert back.returncode == 0, back.stderr
    assert "VPN outage" in back.stdout  # the data survived the restart
    assert httpx.get(stack.agent.url + "/health", timeout=10).json()["ticket_api"] == "ok"


def test_curl_shows_each_token_as_the_model_writes_it_then_end(start_stack, start_fake_llm):
    """`curl -N` as the README shows it, with a language model (the fake OpenAI server) that holds
    its answer after the first word until curl has shown that word: buffering anywhere between
    them would leave curl waiting and the model's answer cut off."""
    answer = "Streamed word by word to curl."
    answer_held = threading.Event()
    llm = start_fake_llm(lambda request: Reply(text=answer, hold=answer_held))
    stack = start_stack(agent_env={"AGENT_LLM_PROVIDER": "openai", "OPENAI_BASE_URL": f"{llm.url}/v1",
                                   "OPENAI_API_KEY": "sk-test", "OPENAI_MODEL": "gpt-test"})
    curl = subprocess.Popen(["curl", "-sN", stack.agent.url + "/chat?message=hello"],
                            stdout=subprocess.PIPE, text=True)
    frames = []
    try:
        for frame in iter_frames(curl.stdout):
            frames.append(frame)
            if frame.name == "token":
                answer_held.set()
    finally:
        answer_held.set()
        curl.wait(timeout=ANSWER_WITHIN_S)

    assert curl.returncode == 0
    names = [frame.name for frame in frames if frame.name]
    assert names == ["token"] * len(answer.split(" ")) + ["end"], names
    assert "".join(frame.data["delta"] for frame in frames if frame.name == "token") == answer


def test_the_local_run_command_starts_both_services_and_stops_both_on_ctrl_c(tmp_path, plain_environment):
    """The Procfile under honcho, as `make run` starts it (after its set-up steps)."""
    api_port, agent_port = free_port(), free_port()
    env = {
        **plain_environment,
        "API_PORT": str(api_port), "AGENT_PORT": str(agent_port),
        "TICKET_SYSTEM_URL": f"http://127.0.0.1:{api_port}",
        "TICKETS_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "DJANGO_SECRET": "test-secret-for-the-procfile-run",
        "TICKET_SYSTEM_ENV_FILE": "/dev/null", "AI_AGENT_ENV_FILE": "/dev/null",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT / "ticket_system", env=env,
                   check=True, capture_output=True)
    honcho = subprocess.Popen(["honcho", "start", "-f", "Procfile"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_healthy(f"http://127.0.0.1:{api_port}/api/health/", honcho, timeout=60)
        wait_until_healthy(f"http://127.0.0.1:{agent_port}/health", honcho, timeout=60)
        agent_health = httpx.get(f"http://127.0.0.1:{agent_port}/health", timeout=10).json()
        assert agent_health["ticket_api"] == "ok"  # the agent found the API the same command started
    finally:
        honcho.send_signal(2)  # Ctrl+C
        output, _ = honcho.communicate(timeout=30)

    assert honcho.returncode is not None
    assert "api.1" in output and "agent.1" in output  # both logs, labelled
    for port in (api_port, agent_port):
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)

