"""ai_agent/evals/run.py against a real stack: the ticket API and the agent as real processes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from evals import scenarios
from evals.conversation import TurnResult
from evals.report import ScenarioResult, summary, table

RUN = Path(__file__).resolve().parents[2] / "evals" / "run.py"


def run_evals(api_url: str, agent_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RUN), "--api", api_url, "--agent", agent_url, *args],
                          capture_output=True, text=True, timeout=240)


@pytest.fixture
def stack(start_ticket_api, start_agent_process):
    api = start_ticket_api()
    agent = start_agent_process(api.url, AGENT_OFFLINE_WORD_DELAY_MS="0")
    return api, agent


@pytest.mark.e2e
def test_the_offline_model_passes_every_offline_phrased_scenario(stack, tmp_path):
    api, agent = stack
    results = tmp_path / "results.json"

    run = run_evals(api.url, agent.url, "--phrasing", "offline", "--json", str(results))

    offline = [s.name for s in scenarios.load() if s.phrasing == "offline"]
    report = json.loads(results.read_text())
    failed = {s["name"]: s["problems"] for s in report["scenarios"] if not s["passed"]}
    assert failed == {}, run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(s["name"] for s in report["scenarios"]) == sorted(offline)
    [offline_line] = [line for line in report["summary"] if line["group"] == "offline"]
    assert offline_line["pass_rate"] == 1.0
    assert report["model"]["language_model"] is False
    # The table names every scenario; the summary shows "n/a" while the agent reports no usage.
    assert all(name in run.stdout for name in offline)
    assert "pass rate" in run.stdout


@pytest.mark.e2e
def test_a_scenario_whose_end_state_is_not_reached_fails_the_run(stack, tmp_path):
    api, agent = stack
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("""
scenarios:
- name: close-then-expect-resolved
  seed: {a: {title: Kettle broken, description: The kettle does not heat.}}
  turns: ["close {ticket:a}"]
  expect: {tickets: {a: {status: RESOLVED}}}
- name: show-and-expect-nothing-created
  seed: {a: {title: Lamp broken, description: The lamp is broken.}}
  turns: ["show ticket {ticket:a}"]
  expect: {created: [{title: Lamp broken}]}
- name: close-as-expected
  seed: {a: {title: Fan broken, description: The fan is broken.}}
  turns: ["close {ticket:a}"]
  expect: {tickets: {a: {status: CLOSED}}}
""")
    results = tmp_path / "results.json"

    run = run_evals(api.url, agent.url, "--scenarios", str(wrong), "--json", str(results))

    assert run.returncode == 1
    outcome = {s["name"]: s["problems"] for s in json.loads(results.read_text())["scenarios"]}
    assert outcome["close-then-expect-resolved"] == [
        "ticket a (#1): status should be 'RESOLVED', is 'CLOSED'"
    ]
    assert outcome["show-and-expect-nothing-created"][0].startswith("no created ticket matches {'title': 'Lamp broken'}")
    assert outcome["close-as-expected"] == []
    assert "FAIL close-then-expect-resolved" in run.stdout


def test_the_run_stops_with_exit_code_2_when_the_stack_is_unreachable(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}"
        run = run_evals(nowhere, nowhere, "--only", "close-one")

    assert run.returncode == 2
    assert "cannot reach the stack" in run.stderr


def test_the_scenarios_cover_what_the_evaluation_must_show():
    loaded = scenarios.load()
    tags = [tag for scenario in loaded for tag in scenario.tags]
    confirm_answers = {turn.confirm for scenario in loaded for turn in scenario.turns if turn.confirm}

    assert len(loaded) >= 40
    for needed in ("multi-turn", "confirm", "injection", "not-found", "invalid-transition", "multi-intent"):
        assert tags.count(needed) >= 2, needed
    assert confirm_answers == {"yes", "no"}
    assert any(len(scenario.turns) > 1 for scenario in loaded if scenario.phrasing == "offline")
    assert {scenario.phrasing for scenario in loaded} == {"offline", "free"}


def test_usage_from_end_events_is_summed_per_turn_and_reported_or_shown_as_n_a():
    scenario = scenarios.load()[0]
    with_usage = TurnResult()
    with_usage.add_usage({"model_calls": 3, "input_tokens": 900, "output_tokens": 40})
    with_usage.add_usage({"model_calls": 1, "input_tokens": 300, "output_tokens": 10})  # after a confirmation
    without_usage = TurnResult()
    without_usage.add_usage(None)

    [known] = [line for line in summary([ScenarioResult(scenario, [with_usage])]) if line["group"] == "all"]
    [unknown] = [line for line in summary([ScenarioResult(scenario, [without_usage])]) if line["group"] == "all"]

    assert (known["model_calls_per_turn"], known["input_tokens"], known["output_tokens"]) == (4, 1200, 50)
    assert (unknown["model_calls_per_turn"], unknown["input_tokens"]) == (None, None)
    assert "1200/50" in table([ScenarioResult(scenario, [with_usage])])
    assert "n/a" in table([ScenarioResult(scenario, [without_usage])])
