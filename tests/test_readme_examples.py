"""Every curl example in the README, run as written against a real server with a fresh database.

Each example's comment line states the status code ("...: 201") and, where it shows one, the exact
JSON body; both are checked. Only the host and port are substituted.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

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
