"""The one reader of the ticket system's environment variables, for Django's settings and gunicorn's.

Importing it loads ticket_system/.env (or TICKET_SYSTEM_ENV_FILE) once; variables already in the
environment win over the file. Every reader treats an unset or blank variable as its default, and
stops start-up on a value it cannot use with one line naming the variable and what is allowed:
SystemExit prints its message without a traceback, under manage.py and gunicorn alike.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import NoReturn

from dotenv import load_dotenv

TICKET_SYSTEM_DIR = Path(__file__).resolve().parent.parent
# The flag spellings both services accept (the agent's settings use the same rule).
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}", re.ASCII)  # 18 digits: int() never refuses it
DECIMAL_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?", re.ASCII)


def refuse(name: str, allowed: str, shown: str | None = None) -> NoReturn:
    """Stop start-up: `NAME='value' is not allowed: <allowed>.` (`shown=None` keeps the value out)."""
    value = f"={shown!r}" if shown is not None else " (value not shown: it may hold a password)"
    raise SystemExit(f"{name}{value} is not allowed: {allowed}.")


def text(name: str, default: str | None = None) -> str | None:
    """The variable without surrounding blanks, or `default` when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or default


def required(name: str, allowed: str) -> str:
    value = text(name)
    if value is None:
        raise SystemExit(f"{name} is not set: {allowed}.")
    return value


def flag(name: str, default: bool = False) -> bool:
    value = text(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    refuse(name, "use 1/0, true/false, yes/no or on/off", value)


def names(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    items = [item.strip() for item in (text(name) or "").split(",") if item.strip()]
    return items or default


def choice(name: str, default: str, choices: Collection[str]) -> str:
    """One of `choices` (upper case), in any letter case."""
    value = text(name)
    if value is None:
        return default
    if value.upper() not in choices:
        refuse(name, f"use one of {', '.join(choices)}", value)
    return value.upper()


def number(name: str, default: float, minimum: float, maximum: float) -> float:
    value = text(name)
    if value is None:
        return default
    if not DECIMAL_NUMBER.fullmatch(value) or not minimum <= float(value) <= maximum:
        refuse(name, f"use a number from {minimum:g} to {maximum:g}", value)
    return float(value)


def whole_number(name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    """A whole number in ASCII digits (`int()` alone would also take '١٢' or '1_000')."""
    value = text(name)
    if value is None:
        return default
    if not WHOLE_NUMBER.fullmatch(value) or int(value) < minimum or (maximum is not None and int(value) > maximum):
        limits = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        refuse(name, f"use a whole number {limits}", value)
    return int(value)


load_dotenv(text("TICKET_SYSTEM_ENV_FILE", str(TICKET_SYSTEM_DIR / ".env")), override=False)
