"""Reading tickets: the one base queryset every read and write starts from, and one ticket by id.

A filter added to `tickets()` (soft delete, per-user access) applies to lists, to the fast read of
one ticket, to the rows writes lock, and to the admin, because they all start from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Exists, Expression, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from . import counts, search
from .models import Ticket, TicketTag

# Stands for the ticket id in the compiled statement; each read puts the real id in its place.
ID_PLACEHOLDER = object()


def tickets() -> QuerySet[Ticket]:
    """Every ticket the API and the admin may read or write."""
    return Ticket.objects.all()


def with_tag(queryset: QuerySet[Ticket], name: str) -> QuerySet[Ticket]:
    """The tickets of `queryset` that have the tag `name`.

    A tag on many tickets: tickets are read in the list's order and each tested (EXISTS, one
    probe of the (ticket, name) index), which stops once a page is full. A rare tag: its few
    tickets are fetched through the (name, ticket) index and sorted. At a million tickets on
    SQLite a tag on a third of them took 370 ms the second way and 0.1 ms the first; a tag on a
    handful would need the whole table tested the first way. As in tickets/search.py."""
    tagged = TicketTag.objects.filter(name=name)
    if tag_count(name) > search.MANY_MATCHES:
        return queryset.filter(Exists(tagged.filter(ticket_id=OuterRef("pk"))))
    return queryset.filter(id__in=tagged.values("ticket_id"))


def tag_count(name: str) -> int:
    """How many tickets have the tag (exact; counted once per state of the tickets, tickets/counts.py)."""
    return counts.cached(("tag", name), TicketTag.objects.filter(name=name).count)


def ticket_for_update(ticket_id: int) -> Ticket | None:
    """One ticket by id, or None, its row locked until the transaction ends (for writes)."""
    return tickets().select_for_update().filter(pk=ticket_id).first()


@dataclass(frozen=True)
class Statement:
    """`tickets().filter(pk=...)` compiled to SQL once, with the id's position among its parameters."""

    query: Query
    sql: str
    params: tuple
    id_position: int
    columns: list[Expression]
    attnames: list[str]


@cache
def statement(alias: str) -> Statement:
    """The compiled read of one ticket for a database alias (once per process and database: the
    base queryset must not depend on the request; a per-user filter would become a parameter)."""
    queryset = tickets().order_by().filter(pk=RawSQL("%s", (ID_PLACEHOLDER,), output_field=Ticket._meta.pk))
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    if compiler.klass_info.get("related_klass_infos") or compiler.annotation_col_map:
        raise NotImplementedError("selectors.ticket() builds plain tickets: no select_related or annotations")
    columns = [column for column, _, _ in compiler.select]
    return Statement(
        query=queryset.query,
        sql=sql,
        params=tuple(params),
        id_position=next(index for index, param in enumerate(params) if param is ID_PLACEHOLDER),
        columns=columns,
        attnames=[column.target.attname for column in columns],
    )


def ticket(ticket_id: int) -> Ticket | None:
    """One ticket of `tickets()` by id, or None: equal to `tickets().get(pk=ticket_id)` (a test
    checks it on SQLite and PostgreSQL), without building and compiling a QuerySet each time,
    which took about a third of a GET of one ticket (bench/README.md, "Lean read path")."""
    alias = Ticket.objects.db
    compiled, connection = statement(alias), connections[alias]
    params = list(compiled.params)
    params[compiled.id_position] = ticket_id
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    # Values are converted as Django's own query iterators convert them (e.g. SQLite's dates).
    compiler = compiled.query.get_compiler(connection=connection)
    converters = compiler.get_converters(compiled.columns)
    for values in compiler.apply_converters(rows, converters):
        return with_details([Ticket.from_db(alias, compiled.attnames, values)])[0]
    return None


def with_details(tickets: Sequence[Ticket]) -> Sequence[Ticket]:
    """The tickets, each given its `tag_names` and `assignee_username`: at most two queries for any
    number of tickets (one per ticket is what a page would otherwise cost), in plain SQL like the
    fast read above, so reading one ticket stays lean."""
    if not tickets:
        return tickets
    connection = connections[tickets[0]._state.db or Ticket.objects.db]
    tags = defaultdict(list)
    for ticket_id, name in rows(connection, TicketTag._meta.db_table, ("ticket_id", "name"), "ticket_id",
                                [ticket.pk for ticket in tickets]):
        tags[ticket_id].append(name)
    user_ids = sorted({ticket.assignee_id for ticket in tickets if ticket.assignee_id is not None})
    User = get_user_model()
    usernames = dict(rows(connection, User._meta.db_table, ("id", User.USERNAME_FIELD), "id", user_ids))
    for ticket in tickets:
        ticket.tag_names = sorted(tags[ticket.pk])  # in Python: databases' collations sort . _ - apart
        ticket.assignee_username = usernames.get(ticket.assignee_id)
    return tickets


def rows(connection, table: str, columns: tuple[str, str], key: str, values: list[int]) -> list[tuple]:
    """`columns` of the rows of `table` whose `key` is one of `values`."""
    if not values:
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(columns[0])}, {quote(columns[1])} FROM {quote(table)} "
                       f"WHERE {quote(key)} IN ({', '.join(['%s'] * len(values))})", values)
        return cursor.fetchall()
