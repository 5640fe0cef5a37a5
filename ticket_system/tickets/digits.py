"""Whole numbers as the API accepts them: ASCII digits only, within the database's integer range.

Python's `str.isdigit()` accepts superscripts and `int()` accepts Arabic-Indic or fullwidth digits;
the API takes neither, so ids in paths, page numbers and id filters all parse through here.
"""

import re

LARGEST_ID = 2**63 - 1  # the database's integer range; larger numbers cannot be any ticket's id
ASCII_DIGITS = re.compile(r"[0-9]+")  # not \d, which matches a digit of any script


def whole_number(text: str) -> int | None:
    """`text` as an int when it is ASCII digits only and at most LARGEST_ID, else None."""
    # Length before int(): int() of thousands of digits is slow, and refused past 4300 of them.
    if not ASCII_DIGITS.fullmatch(text) or len(text.lstrip("0")) > len(str(LARGEST_ID)):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None
