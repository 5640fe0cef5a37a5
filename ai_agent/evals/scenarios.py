"""The scenarios of scenarios.yaml as checked objects, and the {placeholders} they use.

A scenario seeds tickets under short names, sends one or more turns over /chat (answering any
confirmation as the turn says), then states the end state the tickets must reach. Placeholders
in texts: {ticket:NAME} is the id the seeded ticket NAME got; {missing} an id no ticket has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ticket_api.rules import OPEN, STATUSES

DEFAULT_FILE = Path(__file__).resolve().parent / "scenarios.yaml"
PHRASINGS = ("offline", "free")  # offline: phrased as the offline model documents; free: anything else
PLACEHOLDER = re.compile(r"\{(ticket:(?P<name>[\w-]+)|missing)\}")


class ScenarioError(ValueError):
    """scenarios.yaml says something the runner cannot do; the text names the scenario."""


@dataclass(frozen=True)
class Seed:
    title: str
    description: str
    status: str = OPEN


@dataclass(frozen=True)
class Turn:
    say: str
    confirm: str | None = None  # "yes"/"no": the answer to the confirmation this turn must ask


@dataclass(frozen=True)
class Expectation:
    """The end state. Seeds not named in `tickets` must be unchanged; no ticket beyond `created` may appear."""

    tickets: dict[str, Any] = field(default_factory=dict)  # name -> "unchanged" | "deleted" | {field: value}
    created: list[dict[str, str]] = field(default_factory=list)  # each: title | title_contains, description, status
    tool_failed: list[str] = field(default_factory=list)  # tools that must have reported ok: false
    answer_contains: list[str] = field(default_factory=list)  # in the last turn's answer, any letter case
    answer_excludes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    name: str
    phrasing: str
    tags: tuple[str, ...]
    seed: dict[str, Seed]
    turns: tuple[Turn, ...]
    expect: Expectation


def load(path: Path = DEFAULT_FILE) -> list[Scenario]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenarios = [_scenario(item) for item in raw["scenarios"]]
    names = [scenario.name for scenario in scenarios]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ScenarioError(f"scenario names must be unique: {', '.join(duplicates)}")
    return scenarios


def fill(text: str, ids: dict[str, int], missing_id: int) -> str:
    """Replace the placeholders of `text` with the ids this run learned."""

    def replace(match: re.Match) -> str:
        return str(missing_id if match["name"] is None else ids[match["name"]])

    return PLACEHOLDER.sub(replace, text)


def _scenario(item: dict[str, Any]) -> Scenario:
    name = item.get("name") or "<unnamed>"
    try:
        phrasing = item.get("phrasing", "offline")
        if phrasing not in PHRASINGS:
            raise ScenarioError(f"phrasing must be one of {PHRASINGS}")
        seed = {key: _seed(value) for key, value in (item.get("seed") or {}).items()}
        turns = tuple(_turn(turn) for turn in item["turns"])
        expect = Expectation(**(item.get("expect") or {}))
        _check_names(seed, turns, expect)
        return Scenario(name, phrasing, tuple(item.get("tags", ())), seed, turns, expect)
    except (KeyError, TypeError, ScenarioError) as error:
        raise ScenarioError(f"scenario {name}: {error}") from None


def _seed(value: dict[str, str]) -> Seed:
    seed = Seed(**value)
    if seed.status not in STATUSES:
        raise ScenarioError(f"seed status {seed.status!r} is not one of {STATUSES}")
    return seed


def _turn(value: str | dict[str, Any]) -> Turn:
    turn = Turn(say=value) if isinstance(value, str) else Turn(**value)
    if turn.confirm is not None:
        # YAML reads a bare yes/no as a boolean.
        turn = Turn(turn.say, {True: "yes", False: "no"}.get(turn.confirm, turn.confirm))
        if turn.confirm not in ("yes", "no"):
            raise ScenarioError(f"confirm must be yes or no, not {turn.confirm!r}")
    return turn


def _check_names(seed: dict[str, Seed], turns: tuple[Turn, ...], expect: Expectation) -> None:
    texts = [turn.say for turn in turns] + [value.description for value in seed.values()]
    used = {match["name"] for text in texts for match in PLACEHOLDER.finditer(text) if match["name"]}
    unknown = (used | set(expect.tickets)) - set(seed)
    if unknown:
        raise ScenarioError(f"no seeded ticket named {', '.join(sorted(unknown))}")
    for name, outcome in expect.tickets.items():
        if outcome not in ("unchanged", "deleted") and not isinstance(outcome, dict):
            raise ScenarioError(f"ticket {name}: expect unchanged, deleted or a mapping of fields")
