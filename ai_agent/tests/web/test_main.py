"""`python main.py`: serves the app on AGENT_PORT, and stops with one clear line on a bad setting."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.sse import event_names

pytestmark = pytest.mark.e2e  # starts the ticket API (and other processes)

AI_AGENT_DIR = Path(__file__).resolve().parents[2]
MAIN = AI_AGENT_DIR / "main.py"


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"main.py exited with {process.returncode}: {process.stdout.read()}")
        try:
            return httpx.get(url + "/health", timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"main.py did not serve {url}/health within {timeout} s")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"main.py did not stop on SIGTERM: {output}") from None
    return output


@pytest.mark.parametrize("cwd", ["ai_agent", "elsewhere"])
def test_main_serves_the_agent_on_agent_port(ticket_api, subprocess_env, port, tmp_path, cwd):
    env = subprocess_env(AGENT_PORT=str(port), TICKET_SYSTEM_URL=ticket_api.url, AGENT_OFFLINE_WORD_DELAY_MS="0")
    process = subprocess.Popen([sys.executable, str(MAIN)], cwd=AI_AGENT_DIR if cwd == "ai_agent" else tmp_path,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        health = wait_for_health(url, process)
        assert health.json()["status"] == "ok"
        with httpx.stream("GET", url + "/chat", params={"message": "list tickets"}, timeout=30) as response:
            assert response.status_code == 200
            assert event_names(response.read().decode())[-1] == "end"
    finally:
        output = stop(process)
    assert "0.0.0.0:%d" % port in output  # listens on every interface, as a container needs
    assert "model: offline. No language model is configured" in output  # says so at start-up
    assert f"ticket API: {ticket_api.url}" in output
    assert "reloader" not in output.lower()


def test_main_reloads_on_code_changes_only_when_agent_reload_is_set(unreachable_url, subprocess_env, port):
    env = subprocess_env(AGENT_PORT=str(port), TICKET_SYSTEM_URL=unreachable_url, AGENT_RELOAD="1")
    process = subprocess.Popen([sys.executable, str(MAIN)], cwd=AI_AGENT_DIR, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}", process)
        assert health.json()["ticket_api"] == "unreachable"
    finally:
        output = stop(process)
    assert "reloader" in output.lower()
    assert str(AI_AGENT_DIR) in output  # it watches the agent's own folder


@pytest.mark.parametrize(("variables", "named"), [
    ({"AGENT_PORT": "eighty"}, "AGENT_PORT"),
    ({"AGENT_LLM_PROVIDER": "gpt"}, "AGENT_LLM_PROVIDER"),
    ({"TICKET_SYSTEM_URL": "localhost:8000"}, "TICKET_SYSTEM_URL"),
    ({"AGENT_LLM_PROVIDER": "azure", "AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com/",
      "AZURE_OPENAI_API_KEY": "key-a1b2"}, "AZURE_OPENAI_CHAT_DEPLOYMENT"),
    ({"AGENT_RELOAD": "maybe"}, "AGENT_RELOAD='maybe' is not a yes/no value"),
    ({"AGENT_CHECKPOINT_URL": "mysql://agent:pw-a1b2@db/agent"}, "AGENT_CHECKPOINT_URL is not a PostgreSQL URL"),
    ({"OPENAI_API_KEY": "sk-a1b2", "AGENT_HISTORY_MAX_TOKENS": "10"}, "AGENT_HISTORY_MAX_TOKENS='10' is out of range"),
])
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(subprocess_env, tmp_path, variables, named):
    result = subprocess.run([sys.executable, str(MAIN)], cwd=tmp_path, env=subprocess_env(**variables),
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr
    assert "a1b2" not in result.stderr  # no secret is ever printed


def test_settings_come_from_the_env_file_named_by_ai_agent_env_file(subprocess_env, tmp_path):
    env_file = tmp_path / "agent.env"
    env_file.write_text("AGENT_PORT=0x1f\n")

    result = subprocess.run([sys.executable, str(MAIN)], cwd=tmp_path,
                            env={**subprocess_env(), "AI_AGENT_ENV_FILE": str(env_file)},
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert "AGENT_PORT" in result.stderr
