"""Every example in the README, run as written against real servers with a fresh database.

Each ticket API example's comment line states the status code ("...: 201") and, where it shows
one, the exact JSON body; both are checked. The assistant's examples (curl -N, the CLI) run against
the whole stack and must end their answer. Only the host and port are substituted.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.sse import event_names

README = Path(__file__).resolve().parents[1] / "README.md"
DOCUMENTED_BASE = "http://127.0.0.1:8000"
EXPECTATION = re.compile(r"^# (?P<what>.*?): (?P<status>\d{3})(?P<rest>.*)$")


def readme_curl_examples() -> list[tuple[str, int, str]]:
    """(comment, status, command) for each ```bash block whose command is a curl call to the API."""
    examples = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S):
        first, _, command = block.partition("\n")
        match = EXPECTATION.match(first)
        if match and command.startswith("curl") and DOCUMENTED_BASE in command:
            examples.append((first, int(match["status"]), command.strip()))
    return examples


def documented_body(comment: str):
    rest = EXPECTATION.match(comment)["rest"].strip()
    rest = rest[rest.find("{"):] if "{" in rest else ""
    try:
        return json.loads(rest)
    except json.JSONDecodeError:
        return None  # a description such as {"count", "next", ...}, not a literal body


def test_readme_has_the_examples_people_need():
    commands = " ".join(command for _, _, command in readme_curl_examples())
    for needed in ("-X POST", "resolution_status=", "search=", "ordering=", "-X PATCH", "-X PUT", "-X DELETE", "/999/"):
        assert needed in commands


@pytest.mark.e2e
def test_every_readme_curl_example_works_as_written(ticket_api):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    for comment, status, command in readme_curl_examples():
        command = command.replace(DOCUMENTED_BASE, ticket_api.url) + " -w '\\n%{http_code}'"
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
        body, _, code = result.stdout.rpartition("\n")
        assert result.returncode == 0, f"{comment}: curl failed: {result.stderr}"
        assert int(code) == status, f"{comment}: got {code} {body}"
        if body:
            parsed = json.loads(body)  # always JSON, never an HTML page
            expected = documented_body(comment)
            if expected is not None:
                assert parsed == expected, comment


AGENT_BASE = "http://127.0.0.1:8100"


def readme_assistant_examples() -> list[str]:
    """Commands of the ```bash blocks that talk to the assistant (curl on :8100, or the CLI)."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S):
        command = block.partition("\n")[2].strip()
        if AGENT_BASE in command or command.startswith("python ai_agent/cli.py"):
            commands.append(command)
    return commands


def test_readme_shows_the_assistant_over_curl_and_the_cli():
    commands = readme_assistant_examples()
    assert any(command.startswith("curl -N") and "/chat?message=" in command for command in commands)
    assert any(command.startswith("python ai_agent/cli.py") for command in commands)


@pytest.mark.e2e
def test_every_readme_assistant_example_works_as_written(stack):
    """Run in order against a fresh stack; the CLI, which defaults to :8100, gets the URL appended."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    root = README.parent
    for command in readme_assistant_examples():
        if command.startswith("python ai_agent/cli.py"):
            command = f"{command} {stack.agent.url}".replace("python ", f"{sys.executable} ", 1)
        command = command.replace(AGENT_BASE, stack.agent.url)
        result = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{command}: {result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr, command
        if "/chat" in command:
            events = event_names(result.stdout)
            assert events[-1:] == ["end"] and "error" not in events, result.stdout
        if "message=delete" in command:
            assert "confirm" in events, result.stdout
        if "confirm=yes" in command:  # the confirmed delete really happened
            assert httpx.get(f"{stack.api.url}/api/tickets/1/", timeout=10).status_code == 404
        if "/health" in command:
            assert json.loads(result.stdout)["ticket_api"] == "ok"
