"""Exact counts of ticket lists, each computed once per state of the tickets table.

A list's `count` can cost far more than its page: a search word in a third of a million tickets
is one page of rows read in order but a third of a million index matches to count. Triggers give
the tickets table a new random version token in the same transaction as every change to it
(migration 0004), so a count computed while the token stayed the same is the exact count for as
long as the token is unchanged. Counts are kept per process, a bounded number of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.db import connection

MAX_ENTRIES = 1024

_counts: OrderedDict[Hashable, tuple[int, int]] = OrderedDict()
_lock = threading.Lock()


def tickets_version() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM tickets_ticketsversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def cached(key: Hashable, count: Callable[[], int]) -> int:
    """`count()`, or its result from an earlier call with this key while the tickets were the same."""
    key = (connection.alias, connection.settings_dict["NAME"], key)
    version = tickets_version()
    with _lock:
        known = _counts.get(key)
        if known is not None and known[0] == version:
            _counts.move_to_end(key)
            return known[1]
    value = count()
    # Kept only if no write landed while counting: then `value` belongs to exactly this version.
    if version is not None and tickets_version() == version:
        with _lock:
            _counts[key] = (version, value)
            _counts.move_to_end(key)
            while len(_counts) > MAX_ENTRIES:
                _counts.popitem(last=False)
    return value
