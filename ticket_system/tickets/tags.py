"""The tag rule: what a tag is, how it is written, and how many a ticket may have.

Each tag is trimmed and lower-cased, then 1 to 32 characters of a-z 0-9 . _ -; a ticket has at
most 20 (as sent), duplicates dropped, kept and shown sorted. Only ASCII blanks are trimmed and
only ASCII letters lower-cased, so what the OpenAPI document's pattern says is what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_LENGTH = 32
MAX_TAGS = 20
CHARACTERS = "a-z 0-9 . _ -"
BLANKS = " \t\n\r"
_TAG = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_LENGTH}}}")
# The same rule for the OpenAPI document (ECMA regex; \s would mean more blanks than BLANKS).
PATTERN = rf"^[ \t\n\r]*[A-Za-z0-9._-]{{1,{MAX_LENGTH}}}[ \t\n\r]*$"


class InvalidTag(ValueError):
    pass


def normalize(text: str) -> str:
    """`text` as a tag (trimmed, lower case), or InvalidTag saying why it is none."""
    tag = text.strip(BLANKS)
    if not _TAG.fullmatch(tag):
        raise InvalidTag(f"'{text}' is not a tag: use 1 to {MAX_LENGTH} characters of {CHARACTERS}.")
    return tag.lower()


def normalize_all(texts: Iterable[str]) -> list[str]:
    """A ticket's tags: each normalized, duplicates dropped, sorted; InvalidTag when over MAX_TAGS."""
    texts = list(texts)
    if len(texts) > MAX_TAGS:
        raise InvalidTag(f"At most {MAX_TAGS} tags, got {len(texts)}.")
    return sorted({normalize(text) for text in texts})
