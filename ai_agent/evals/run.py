"""Run the evaluation scenarios against a running agent and ticket API, and print the results.

    python ai_agent/evals/run.py --agent http://127.0.0.1:8100 --api http://127.0.0.1:8000

Uses whichever model the agent is configured with (its /health says which). For each scenario:
seed its tickets through the API, send its turns over /chat in one thread (answering
confirmations as it says), then check the end state through the API. Prints one row per scenario
and a summary per phrasing group (offline: the offline model's documented phrasings; free: other
wordings only a language model understands). Exit code 0 when every scenario run passed, 1 when
one failed, 2 when the agent or the API cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import httpx

# Run as a script: make ai_agent/ importable (the evals package, and cli.py's SSE parser).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evals import scenarios as scenario_file  # noqa: E402
from evals.conversation import Conversation  # noqa: E402
from evals.report import ScenarioResult, summary, summary_table, table  # noqa: E402
from evals.tickets import TicketApi, end_state_problems  # noqa: E402
from ticket_api.client import TicketSystemUnavailable  # noqa: E402

# Models can be slow; the agent sends a keep-alive comment every 15 s while it works.
TIMEOUT = httpx.Timeout(10.0, read=120.0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    selected = [s for s in scenario_file.load(args.scenarios)
                if args.phrasing in ("all", s.phrasing) and (not args.only or s.name in args.only)]
    with httpx.Client(timeout=TIMEOUT) as client, TicketApi(args.api) as api:
        try:
            health = client.get(args.agent.rstrip("/") + "/health").json()
            api.highest_id()
        except (httpx.HTTPError, TicketSystemUnavailable) as error:
            print(f"run.py: cannot reach the stack: {error}", file=sys.stderr)
            return 2
        print(f"agent {args.agent}: model {json.dumps(health.get('model'))}, ticket API {health.get('ticket_api')}")
        results = [run_scenario(scenario, args.agent, api, client) for scenario in selected]
    print(table(results))
    print()
    lines = summary(results)
    print(summary_table(lines))
    for result in results:
        if not result.passed:
            print(f"\nFAIL {result.scenario.name}:\n  " + "\n  ".join(result.problems))
    if args.json:
        args.json.write_text(json.dumps({"model": health.get("model"), "summary": lines,
                                         "scenarios": [result.as_dict() for result in results]}, indent=2))
    return 0 if all(result.passed for result in results) else 1


def run_scenario(scenario, agent_url: str, api: TicketApi, client: httpx.Client) -> ScenarioResult:
    result = ScenarioResult(scenario)
    seeded = api.seed(scenario)
    conversation = Conversation(agent_url, client)
    try:
        for turn in scenario.turns:
            said = scenario_file.fill(turn.say, seeded.ids, seeded.missing_id)
            outcome = conversation.send(turn, said)
            result.turns.append(outcome)
            result.problems.extend(f"turn {len(result.turns)}: {error}" for error in outcome.errors)
    except httpx.HTTPError as error:  # the agent went away mid-scenario: a failure, not a crash
        result.problems.append(f"turn {len(result.turns) + 1}: {type(error).__name__}: {error}")
    result.problems.extend(end_state_problems(api, seeded, scenario.expect))
    result.problems.extend(event_problems(result, scenario.expect))
    return result


def event_problems(result: ScenarioResult, expect) -> list[str]:
    """What the conversation itself should have shown: failed tools, words in the last answer."""
    failed = [name for turn in result.turns for name in turn.failed_tools]
    last_answer = result.turns[-1].answer.lower() if result.turns else ""
    problems = [f"expected {name} to fail (a 4xx from the API), it did not" for name in expect.tool_failed
                if name not in failed]
    problems += [f"the last answer does not mention {text!r}" for text in expect.answer_contains
                 if text.lower() not in last_answer]
    problems += [f"the last answer mentions {text!r}" for text in expect.answer_excludes if text.lower() in last_answer]
    return problems


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agent", default="http://127.0.0.1:8100", help="the agent's base URL")
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the ticket API's base URL")
    parser.add_argument("--phrasing", choices=("all", *scenario_file.PHRASINGS), default="all",
                        help="run only the scenarios of this phrasing group")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these scenarios")
    parser.add_argument("--scenarios", type=Path, default=scenario_file.DEFAULT_FILE, help="the scenario file")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
