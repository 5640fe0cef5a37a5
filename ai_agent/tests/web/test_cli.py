"""cli.py as a person runs it: a subprocess, from another directory, against the running agent."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.support.fake_openai import Reply

pytestmark = pytest.mark.e2e  # starts the ticket API (and other processes)

CLI = Path(__file__).resolve().parents[2] / "cli.py"


@pytest.fixture
def run_cli(subprocess_env, tmp_path):
    """run_cli(*args, stdin="") -> the finished cli.py; stdin is piped (never a terminal)."""

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(CLI), *args], cwd=tmp_path, env=subprocess_env(),
                              input=stdin, capture_output=True, text=True, timeout=90)

    return run


def test_the_answer_streams_to_stdout_and_tool_activity_to_stderr(agent, ticket_api, run_cli):
    result = run_cli("create a ticket about the VPN outage", agent.url)

    assert result.returncode == 0, result.stderr
    [ticket] = httpx.get(ticket_api.url + "/api/tickets/").json()["results"]
    assert str(ticket["id"]) in result.stdout
    assert result.stdout.endswith("\n")
    assert "event:" not in result.stdout and "data:" not in result.stdout
    *tool_lines, thread_line = result.stderr.splitlines()
    assert tool_lines[0].startswith('[tool] create_ticket {"title": ')
    assert "VPN" in tool_lines[0]
    assert tool_lines[1:] == ["[tool] create_ticket ok"]
    assert re.fullmatch(r"\[thread\] [0-9a-f]{32}", thread_line)


def test_a_base_url_with_a_trailing_slash_works(agent, run_cli):
    result = run_cli("list tickets", agent.url + "/")

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("[tool] list_tickets {")
    assert lines[1] == "[tool] list_tickets ok"
    assert lines[2].startswith("[thread] ")


def test_an_error_event_exits_1_with_its_message_on_stderr(start_agent, start_fake_model, ticket_api, run_cli):
    model = start_fake_model(401, "Incorrect API key provided")
    agent = start_agent(ticket_api.url, AGENT_LLM_PROVIDER="openai", OPENAI_BASE_URL=f"{model.url}/v1",
                        OPENAI_API_KEY="sk-wrong", OPENAI_MODEL="gpt-test", AGENT_MODEL_MAX_RETRIES="0")

    result = run_cli("list tickets", agent.url)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: The language model rejected the credentials: check OPENAI_API_KEY."]


def test_an_unreachable_agent_exits_2_with_one_line_naming_the_url(run_cli, unreachable_url):
    result = run_cli("list tickets", unreachable_url)

    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"{unreachable_url}/chat" in line
    assert "Traceback" not in result.stderr


def test_a_refused_request_exits_2_with_the_status_and_the_reason(agent, run_cli):
    result = run_cli("   ", agent.url)

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert f"{agent.url}/chat" in line
    assert "400" in line and "message is required" in line


def test_a_url_that_is_not_the_agent_exits_2(ticket_api, run_cli):
    # The ticket API has no /chat: a 404 (HTML or JSON), reported in one line.
    result = run_cli("list tickets", ticket_api.url)

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "404" in line


def test_ctrl_c_while_the_answer_streams_exits_130(start_agent, start_fake_llm, ticket_api, subprocess_env, tmp_path):
    # The model's answer is held after its first word: the CLI is mid-answer until we let go.
    answer_held = threading.Event()
    llm = start_fake_llm(lambda request: Reply(text="Here is an answer that takes its time.", hold=answer_held))
    agent = start_agent(ticket_api.url, AGENT_LLM_PROVIDER="openai", OPENAI_BASE_URL=f"{llm.url}/v1",
                        OPENAI_API_KEY="sk-test", OPENAI_MODEL="gpt-test")
    process = subprocess.Popen([sys.executable, str(CLI), "hello there", agent.url], cwd=tmp_path,
                               env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        readable, _, _ = select.select([process.stdout], [], [], 30)
        assert readable, "no answer token within 30 s"
        assert os.read(process.stdout.fileno(), 1024).strip() == b"Here"
        assert process.poll() is None  # the rest of the answer is held: it is still streaming

        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    finally:
        answer_held.set()
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 130
    assert b"Traceback" not in stderr


def tickets(ticket_api) -> list[dict]:
    return httpx.get(ticket_api.url + "/api/tickets/", timeout=10).json()["results"]


def thread_of(result: subprocess.CompletedProcess) -> str:
    [line] = [line for line in result.stderr.splitlines() if line.startswith("[thread] ")]
    return line.removeprefix("[thread] ")


def test_thread_continues_a_conversation(agent, ticket_api, run_cli):
    first = run_cli("create a ticket about the VPN outage", agent.url)

    second = run_cli("--thread", thread_of(first), "close it", agent.url)

    assert second.returncode == 0, second.stderr
    assert thread_of(second) == thread_of(first)
    assert tickets(ticket_api)[0]["resolution_status"] == "CLOSED"


def test_a_single_message_without_a_terminal_answers_no_to_a_confirmation(agent, ticket_api, run_cli):
    ticket = httpx.post(ticket_api.url + "/api/tickets/", json={"title": "VPN outage", "description": "x"}).json()

    result = run_cli(f"delete ticket {ticket['id']}", agent.url, stdin="yes\n")  # stdin is no terminal

    assert result.returncode == 0, result.stderr
    assert f'Delete ticket {ticket["id"]} "VPN outage"? [y/N] no (stdin is not a terminal)' in result.stderr
    assert "was not deleted" in result.stdout
    assert len(tickets(ticket_api)) == 1


def test_a_session_keeps_the_thread_across_lines_and_asks_before_deleting(agent, ticket_api, run_cli):
    lines = [
        "create a ticket about the VPN outage",
        "delete it", "n",  # asked, answered no: kept
        "",  # blank lines are skipped
        "rename it to \"VPN down\"",
        "create a ticket about the printer",
        "delete it", "y",  # the printer ticket: deleted
    ]

    result = run_cli(agent.url, stdin="\n".join(lines) + "\n")

    assert result.returncode == 0, result.stderr  # end of input is Ctrl+D: a normal exit
    [kept] = tickets(ticket_api)
    assert kept["title"] == "VPN down"
    prompts = [line for line in result.stderr.splitlines() if "[y/N]" in line]
    assert len(prompts) == 2
    assert prompts[0].startswith(f'Delete ticket {kept["id"]} "VPN outage"? [y/N]')  # asked before the rename
    assert '"Printer"? [y/N]' in prompts[1]
    assert "was not deleted" in result.stdout and "Deleted ticket" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_session_whose_input_ends_at_a_question_answers_no(agent, ticket_api, run_cli):
    ticket = httpx.post(ticket_api.url + "/api/tickets/", json={"title": "VPN outage", "description": "x"}).json()

    result = run_cli("--thread", "cli-session-1", agent.url, stdin=f"delete ticket {ticket['id']}\n")

    assert result.returncode == 0, result.stderr
    assert "[y/N]" in result.stderr
    assert len(tickets(ticket_api)) == 1
    # The question was answered (no): the thread takes new messages.
    assert run_cli("--thread", "cli-session-1", "list tickets", agent.url).returncode == 0


def test_a_session_reports_a_refused_line_and_goes_on(agent, ticket_api, run_cli):
    result = run_cli("--thread", "not valid!", agent.url, stdin="list tickets\n")

    assert result.returncode == 0
    assert "400" in result.stderr and "thread_id must be" in result.stderr
