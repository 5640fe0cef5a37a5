"""The evaluation's results as a plain-text table and a summary per phrasing group."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from evals.conversation import TurnResult
from evals.scenarios import Scenario


@dataclass
class ScenarioResult:
    scenario: Scenario
    turns: list[TurnResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def seconds(self) -> float:
        return sum(turn.seconds for turn in self.turns)

    def usage_total(self, name: str) -> int | None:
        values = [turn.usage[name] for turn in self.turns]
        return None if any(value is None for value in values) or not values else sum(values)

    def as_dict(self) -> dict:
        return {
            "name": self.scenario.name, "phrasing": self.scenario.phrasing, "tags": list(self.scenario.tags),
            "passed": self.passed, "problems": self.problems, "turns": len(self.turns), "seconds": round(self.seconds, 3),
            "usage": {name: self.usage_total(name) for name in ("model_calls", "input_tokens", "output_tokens")},
        }


def table(results: list[ScenarioResult]) -> str:
    rows = [("scenario", "phrasing", "turns", "result", "seconds", "calls/turn", "tokens in/out", "first problem")]
    for result in results:
        calls = result.usage_total("model_calls")
        rows.append((
            result.scenario.name, result.scenario.phrasing, str(len(result.turns)),
            "pass" if result.passed else "FAIL", f"{result.seconds:.2f}",
            per_turn(calls, len(result.turns)), tokens(result.usage_total("input_tokens"), result.usage_total("output_tokens")),
            (result.problems[0][:70] if result.problems else ""),
        ))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def summary(results: list[ScenarioResult]) -> list[dict]:
    """One line per phrasing group present (offline, free) and one for all."""
    groups = {"all": results}
    for phrasing in sorted({result.scenario.phrasing for result in results}):
        groups[phrasing] = [result for result in results if result.scenario.phrasing == phrasing]
    lines = []
    for name, group in groups.items():
        turns = [turn for result in group for turn in result.turns]
        calls = [turn.usage["model_calls"] for turn in turns]
        lines.append({
            "group": name,
            "scenarios": len(group),
            "passed": sum(result.passed for result in group),
            "pass_rate": sum(result.passed for result in group) / len(group) if group else 0.0,
            "turns": len(turns),
            "model_calls_per_turn": None if None in calls or not calls else sum(calls) / len(calls),
            "input_tokens": known_sum(turn.usage["input_tokens"] for turn in turns),
            "output_tokens": known_sum(turn.usage["output_tokens"] for turn in turns),
            "turn_seconds_median": statistics.median(turn.seconds for turn in turns) if turns else 0.0,
            "turn_seconds_max": max((turn.seconds for turn in turns), default=0.0),
        })
    return lines


def summary_table(lines: list[dict]) -> str:
    out = ["group     passed        pass rate  turns  calls/turn  tokens in/out    turn s median/max"]
    for line in lines:
        calls = "n/a" if line["model_calls_per_turn"] is None else f"{line['model_calls_per_turn']:.2f}"
        out.append(
            f"{line['group']:<9} {line['passed']:>4}/{line['scenarios']:<7} {line['pass_rate']:>8.0%}  {line['turns']:>5}  "
            f"{calls:>10}  {tokens(line['input_tokens'], line['output_tokens']):<15}  "
            f"{line['turn_seconds_median']:.2f}/{line['turn_seconds_max']:.2f}"
        )
    return "\n".join(out)


def per_turn(total: int | None, turns: int) -> str:
    return "n/a" if total is None or not turns else f"{total / turns:.1f}"


def tokens(input_tokens: int | None, output_tokens: int | None) -> str:
    if input_tokens is None and output_tokens is None:
        return "n/a"
    return f"{input_tokens if input_tokens is not None else 'n/a'}/{output_tokens if output_tokens is not None else 'n/a'}"


def known_sum(values) -> int | None:
    values = list(values)
    return None if not values or None in values else sum(values)
