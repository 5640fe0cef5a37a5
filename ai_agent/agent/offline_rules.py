"""The phrasings the offline model understands, turned into specialist tasks and tool calls.

Every request is split into clauses at "and" / "then" / ";" when the next words start a new
command (outside quotes), and each clause is matched by one of the rules below. See offline.py
for the list of phrasings as a person would read it.

In a conversation, "it" / "that ticket" / "this one" after a command ("close it", "rename it to
'X'") means the last ticket the conversation touched: resolve_pronoun puts its id in the clause
before the rules see it; the id comes from the reports' data (offline.py), not from their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ticket_api.operations import CREATE, DELETE, GET, LIST, UPDATE
from ticket_api.rules import CLOSED, OPEN, RESOLVED, STATUSES, TITLE_MAX_LENGTH

STATUS_WORDS = {status.lower(): status for status in STATUSES}
STATUS_WORD = "|".join(STATUS_WORDS)
VERB_STATUS = {"close": CLOSED, "resolve": RESOLVED, "reopen": OPEN, "re-open": OPEN}
COMMAND_START = re.compile(
    r"(create|open\s+an?\b|add|file|make|new|delete|remove|close|resolve|re-?open|set|mark|rename|change|update"
    r"|show|list|get|display|view|search|find|look|which|what|give)\b",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"\s*(?:,\s*and\s+then|,\s*and|,\s*then|\band\s+then\b|\band\b|\bthen\b|,)\s*", re.IGNORECASE)
QUOTED = r"[\"'“”‘’](?P<{name}>.+?)[\"'“”‘’]"
IDS = r"(?:the\s+)?(?:tickets?\s+)?(?:number\s+)?#?(?P<ids>\d+(?:\s*(?:,|and|&)\s*#?\d+)*)"
ONE_ID = r"(?:the\s+)?(?:ticket\s+)?(?:number\s+)?#?(?P<id>\d+)"
SEARCH_STOPWORDS = {"and", "or", "the", "a", "an", "any", "some"}
PRONOUN = re.compile(
    r"^(?P<head>(?:please\s+|can\s+you\s+|could\s+you\s+)?"
    r"(?:close|resolve|re-?open|delete|remove|show(?:\s+me)?|get|display|view|fetch|rename|set|mark|"
    r"change\s+the\s+(?:title|name|description)\s+of))\s+"
    r"(?:it|that(?:\s+one|\s+ticket)?|this(?:\s+one|\s+ticket)?|the\s+same\s+ticket)\b",
    re.IGNORECASE,
)

@dataclass(frozen=True)
class Clause:
    """One piece of a request: which specialist handles it, and the tool calls that do it."""

    text: str
    specialist: str
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def split_request(request: str) -> list[str]:
    """Split a request into clauses; quoted text is never split.

    ";" always separates. "and", "then" and "," separate only where the words after them are a
    command of their own: "create a ticket about printers and scanners" stays one clause,
    "create a ticket about printers and close 12" becomes two.
    """
    clauses = []
    for part in _split_outside_quotes(request, ";"):
        clauses.extend(_split_soft(part))
    return clauses


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts, start = [], 0
    for index, char in enumerate(text):
        if char == separator and not _inside_quotes(text[:index]):
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _split_soft(text: str) -> list[str]:
    candidates = [
        match for match in SEPARATOR.finditer(text)
        if not _inside_quotes(text[: match.start()]) and COMMAND_START.match(text, match.end())
    ]
    parts, start = [], 0
    for index, match in enumerate(candidates):
        end = candidates[index + 1].start() if index + 1 < len(candidates) else len(text)
        following = text[match.end() : end]
        # "... and close it": "it" is resolved later, but it is a command of its own already.
        if parse_clause(following) is not None or has_pronoun(following):
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def resolve_pronoun(text: str, ticket_id: int | None) -> str:
    """"close it" -> "close ticket 12" when the conversation's last ticket is 12; else unchanged."""
    if ticket_id is None:
        return text
    return PRONOUN.sub(lambda match: f"{match['head']} ticket {ticket_id}", text.strip(), count=1)


def has_pronoun(text: str) -> bool:
    return PRONOUN.match(text.strip()) is not None


def parse_clause(text: str) -> Clause | None:
    """The matching rule's Clause, or None when the text is not a supported phrasing."""
    clean = _normalise(text)
    for rule in (_create, _delete, _status_change, _edit_field, _show_ids, _search, _list):
        clause = rule(clean)
        if clause is not None:
            return clause
    return None


# --- rules -----------------------------------------------------------------------------------


def _create(text: str) -> Clause | None:
    match = re.match(r"^(?:create|open|add|file|make|raise|log)\s+(?:a\s+|an\s+)?(?:new\s+)?ticket\b\s*(?P<rest>.*)$", text, re.I)
    if not match:
        return None
    rest = match["rest"]
    description = _quoted_after(r"(?:with\s+)?(?:the\s+)?description|saying|described\s+as", rest)
    title = _quoted_after(r"titled|called|named|title|with\s+title", rest)
    if title is None:
        quoted = re.match(r"^" + QUOTED.format(name="q"), rest)
        title = quoted["q"] if quoted else None
    if title is None:
        topic = re.match(r"^(?:about|for|regarding|on|re:?)\s+(?P<topic>.+?)(?:\s+with\s+(?:the\s+)?description\b.*)?$", rest, re.I)
        if not topic:
            return None
        title = _title_from_topic(topic["topic"])
    title = title.strip()[:TITLE_MAX_LENGTH]
    if not title:
        return None
    if description is None:
        description = f"{title}. Reported through the ticket assistant: \"{text}\"."
    return Clause(text, "create", [(CREATE.name, {"title": title, "description": description})])


def _delete(text: str) -> Clause | None:
    match = re.match(rf"^(?:delete|remove)\s+{IDS}$", text, re.I)
    if not match:
        return None
    return Clause(text, "delete", [(DELETE.name, {"ticket_id": ticket_id}) for ticket_id in _ids(match["ids"])])


def _status_change(text: str) -> Clause | None:
    status = None
    match = re.match(rf"^(?P<verb>close|resolve|reopen|re-open)\s+{IDS}$", text, re.I)
    if match:
        status = VERB_STATUS[match["verb"].lower()]
    else:
        match = re.match(
            rf"^(?:set|mark|change|move|put)\s+(?:the\s+status\s+of\s+)?{IDS}\s+(?:status\s+)?(?:to|as|back\s+to)\s+"
            rf"(?P<status>{STATUS_WORD})$",
            text, re.I,
        )
        if match:
            status = STATUS_WORDS[match["status"].lower()]
    if status is None:
        return None
    calls = [(UPDATE.name, {"ticket_id": ticket_id, "status": status}) for ticket_id in _ids(match["ids"])]
    return Clause(text, "update", calls)


def _edit_field(text: str) -> Clause | None:
    match = re.match(rf"^rename\s+{ONE_ID}\s+(?:to|as)\s+(?P<value>.+)$", text, re.I)
    field_name = "title"
    if not match:
        match = re.match(
            rf"^(?:change|set|update|edit)\s+the\s+(?P<field>title|name|description)\s+of\s+{ONE_ID}\s+to\s+(?P<value>.+)$",
            text, re.I,
        )
        if not match:
            return None
        field_name = "description" if match["field"].lower() == "description" else "title"
    value = _unquote(match["value"])
    if not value:
        return None
    return Clause(text, "update", [(UPDATE.name, {"ticket_id": int(match["id"]), field_name: value})])


def _show_ids(text: str) -> Clause | None:
    match = re.match(
        rf"^(?:(?:show|get|display|view|fetch|open|find|look\s+up)\s+(?:me\s+)?|what\s+is\s+|what's\s+)?{IDS}$", text, re.I
    )
    if not match or (not re.search(r"ticket|#|show|get|display|view|fetch|open|find|look|what", text, re.I)):
        return None
    return Clause(text, "get", [(GET.name, {"ticket_id": ticket_id}) for ticket_id in _ids(match["ids"])])


def _search(text: str) -> Clause | None:
    match = re.match(
        rf"^(?:which|what)\s+(?:(?P<status1>{STATUS_WORD})\s+)?tickets?\s+(?:are\s+|do\s+we\s+have\s+)?"
        r"(?:about|mentioning|mention|matching|regarding|with|on|for)\s+(?P<q>.+?)"
        rf"(?:\s+(?:are|is)\s+(?:still\s+|currently\s+|now\s+)?(?P<status2>{STATUS_WORD}))?$",
        text, re.I,
    ) or re.match(
        rf"^(?:search|find|look\s+for|look\s+up)\s+(?:for\s+)?(?:all\s+)?(?:the\s+)?(?:(?P<status1>{STATUS_WORD})\s+)?"
        r"(?:tickets?\s+)?(?:about|mentioning|matching|regarding|with|on|for)?\s*(?P<q>.+?)"
        rf"(?:\s+(?:that\s+)?(?:are|is)\s+(?:still\s+|currently\s+|now\s+)?(?P<status2>{STATUS_WORD}))?$",
        text, re.I,
    ) or re.match(
        rf"^(?:list|show|get|display|give)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?:(?P<status1>{STATUS_WORD})\s+)?"
        r"tickets?\s+(?:about|mentioning|matching|regarding|with|on|for)\s+(?P<q>.+?)"
        rf"(?:\s+(?:that\s+)?(?:are|is)\s+(?:still\s+|currently\s+|now\s+)?(?P<status2>{STATUS_WORD}))?$",
        text, re.I,
    )
    if not match:
        return None
    words = [word for word in re.split(r"\s+", _unquote(match["q"])) if word.lower() not in SEARCH_STOPWORDS]
    if not words:
        return None
    args: dict[str, Any] = {"search": " ".join(words)}
    status = match["status1"] or match["status2"]
    if status:
        args["status"] = [STATUS_WORDS[status.lower()]]
    return Clause(text, "get", [(LIST.name, args)])


def _list(text: str) -> Clause | None:
    match = re.match(
        rf"^(?:list|show|get|display|give|view)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?:(?P<status>{STATUS_WORD})\s+)?tickets?$",
        text, re.I,
    ) or re.match(rf"^(?:all\s+)?(?:the\s+)?(?:(?P<status>{STATUS_WORD})\s+)?tickets$", text, re.I)
    if not match:
        return None
    args: dict[str, Any] = {}
    if match["status"]:
        args["status"] = [STATUS_WORDS[match["status"].lower()]]
    return Clause(text, "get", [(LIST.name, args)])


# --- helpers ---------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"^(?:please|can\s+you|could\s+you|would\s+you|pls)\s+", "", text, flags=re.I)
    return text.rstrip(" .!?").replace(" please", "")


def _inside_quotes(text: str) -> bool:
    straight = text.count('"') % 2 == 1
    curly = text.count("“") > text.count("”")
    return straight or curly


def _quoted_after(keyword: str, text: str) -> str | None:
    match = re.search(rf"(?:{keyword})\s+" + QUOTED.format(name="value"), text, re.I)
    return match["value"].strip() if match else None


def _unquote(value: str) -> str:
    value = value.strip()
    match = re.fullmatch(QUOTED.format(name="inner"), value)
    return (match["inner"] if match else value).strip()


def _ids(text: str) -> list[int]:
    return [int(number) for number in re.findall(r"\d+", text)]


def _title_from_topic(topic: str) -> str:
    topic = _unquote(topic)
    topic = re.sub(r"^(?:the|a|an|our|my|some)\s+", "", topic, flags=re.I).strip()
    return topic[:1].upper() + topic[1:]
