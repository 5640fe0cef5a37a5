"""Case-insensitive substring matching on tickets, answered from an index.

The meaning is always that of Django's `icontains`: each term is a substring of the field (for
`search`, of the title or the description). How the database finds the rows depends on it:

- PostgreSQL: `icontains` as it is; the pg_trgm GIN indexes of migration 0003 serve it.
- SQLite: the FTS5 trigram table of migration 0003 counts the matches exactly first (cheap). Few
  matches: the rows are fetched through the FTS index. Many matches (a word in a third of all
  tickets): the table is read in the requested order and each row tested, which stops as soon as
  a page is full, far sooner than fetching every match to sort it. Terms under three characters
  have no trigrams and FTS folds non-ASCII case where LIKE does not, so the index only narrows
  and LIKE decides on the rows it leaves.

`Match.count` is the exact number of matching tickets when the index can tell it (the paginator
then needs no COUNT over the table).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from . import counts

FTS_TABLE = "tickets_ticket_fts"
TRIGRAM = 3
# Above this many matches, reading in page order and testing rows beats fetching and sorting them.
MANY_MATCHES = 5_000


@dataclass(frozen=True)
class Match:
    queryset: QuerySet
    count: int | None


def contains_all(queryset: QuerySet, terms: list[str], fields: tuple[str, ...]) -> Match:
    """Tickets in which every term is, case-insensitively, a substring of one of `fields`."""
    terms = [term for term in terms if term]
    if not terms:
        return Match(queryset, None)
    indexed = [term for term in terms if len(term) >= TRIGRAM]
    if connection.vendor != "sqlite" or not indexed:
        return Match(queryset.filter(icontains_all(terms, fields)), None)
    expression = fts_expression(indexed, fields)
    count = fts_count(expression)
    if count > MANY_MATCHES and all(term.isascii() for term in terms):
        # Reading in page order and testing each row stops once a page is full; the index's count
        # is exact here but for text holding U+017F (long s) or U+212A (Kelvin sign), which FTS
        # folds to 's' and 'k' and LIKE does not: see bench/README.md.
        exact = len(indexed) == len(terms)  # a short term narrows further than the index counted
        return Match(queryset.filter(icontains_all(terms, fields)), count if exact else None)
    # Few matches: the index narrows to a superset (FTS folds the case of every letter, LIKE only
    # ASCII, and short terms have no trigrams) and LIKE decides on those few rows, so the rows are
    # exactly icontains' and counting them costs no more than finding them.
    in_index = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])
    return Match(queryset.filter(id__in=in_index).filter(icontains_all(terms, fields)), None)


def icontains_all(terms: list[str], fields: tuple[str, ...]) -> Q:
    return reduce(and_, (reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields)) for term in terms))


def fts_expression(terms: list[str], fields: tuple[str, ...]) -> str:
    """An FTS5 query: each term a quoted phrase (a substring, with the trigram tokenizer), all required."""
    phrases = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return f"{{{' '.join(fields)}}} : ({phrases})"


def fts_count(expression: str) -> int:
    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])
            return cursor.fetchone()[0]

    return counts.cached(("fts", expression), count)
