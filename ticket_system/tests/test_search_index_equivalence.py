"""The indexed search (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) means exactly what the plain,
unindexed query means: every word is an `icontains` match of the title or the description.

Random tickets and random words, compared result for result, order and count, with the plain
Django query on the same database. The suite runs once on SQLite and once on PostgreSQL (see
test_postgresql.py), so both databases are compared.
"""

from __future__ import annotations

import random
from functools import reduce
from operator import and_, or_

import pytest
from django.db.models import Q

from tickets import search
from tickets.models import Ticket

# Few letters, so words recur and substrings match often; both cases; LIKE's wildcards and escape
# character; and non-ASCII letters whose case only some matchers fold.
ALPHABET = "abcdeABCDE%_\\'\"éÉüÜß"
SEEDS = range(3)


def random_text(rng: random.Random, words: int) -> str:
    return " ".join("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 7))) for _ in range(words))


def random_word(rng: random.Random, texts: list[str]) -> str:
    """Mostly a piece of an existing text with its case shuffled (so it matches something), sometimes
    random letters (which mostly match nothing)."""
    if rng.random() < 0.2:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 5)))
    word = rng.choice(rng.choice(texts).split())
    start = rng.randrange(len(word))
    piece = word[start:start + rng.randint(1, 5)]
    return "".join(letter.swapcase() if rng.random() < 0.5 else letter for letter in piece)


def plain(**lookups_by_word) -> list[int]:
    """The unindexed meaning, straight from Django's icontains."""
    fields, words = lookups_by_word["fields"], lookups_by_word["words"]
    condition = reduce(and_, (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words))
    return list(Ticket.objects.filter(condition).order_by("-created", "-id").values_list("id", flat=True))


def listed(api_client, list_url, params: dict) -> tuple[list[int], int]:
    """Every id the API lists for `params`, page after page, and the count it reports."""
    ids, page, count = [], 1, None
    while True:
        response = api_client.get(list_url, {**params, "page_size": 200, "page": page})
        assert response.status_code == 200, response.content
        body = response.json()
        count = body["count"] if count is None else count
        assert body["count"] == count
        ids += [ticket["id"] for ticket in body["results"]]
        if not body["next"]:
            return ids, count
        page += 1


@pytest.fixture
def random_tickets(make_ticket, request) -> tuple[random.Random, list[str]]:
    rng = random.Random(request.node.callspec.params["seed"])
    texts = []
    for _ in range(250):
        title, description = random_text(rng, rng.randint(1, 3)), random_text(rng, rng.randint(1, 8))
        make_ticket(title=title, description=description, resolution_status=rng.choice(["OPEN", "CLOSED"]))
        texts += [title, description]
    return rng, texts


# MANY_MATCHES decides, on SQLite, between the two ways of using the index (fetch through it, or
# read in order and test each row); both must give the same answers.
@pytest.mark.parametrize("many_matches", [search.MANY_MATCHES, 3])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("parameter", "fields", "most_words"), [
    ("search", ("title", "description"), 3),
    ("title__icontains", ("title",), 1),
])
def test_indexed_matching_gives_exactly_the_unindexed_results_and_count(
    api_client, list_url, random_tickets, monkeypatch, seed, many_matches, parameter, fields, most_words
):
    monkeypatch.setattr(search, "MANY_MATCHES", many_matches)
    rng, texts = random_tickets
    for _ in range(40):
        words = [random_word(rng, texts) for _ in range(rng.randint(1, most_words))]
        expected = plain(fields=fields, words=words)

        ids, count = listed(api_client, list_url, {parameter: " ".join(words)})

        assert (ids, count) == (expected, len(expected)), words


def test_search_combined_with_a_status_filter_and_ordering_matches_the_plain_query(
    api_client, list_url, make_ticket
):
    rng = random.Random(7)
    for _ in range(120):
        make_ticket(title=random_text(rng, 2), description=random_text(rng, 5),
                    resolution_status=rng.choice(["OPEN", "RESOLVED", "CLOSED"]))
    condition = Q(title__icontains="abc") | Q(description__icontains="abc")
    expected = list(Ticket.objects.filter(condition, resolution_status="RESOLVED")
                    .order_by("title", "id").values_list("id", flat=True))

    ids, count = listed(api_client, list_url, {"search": "ABC", "resolution_status": "resolved", "ordering": "title"})

    assert (ids, count) == (expected, len(expected))
