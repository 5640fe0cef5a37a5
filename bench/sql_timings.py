"""The SQL cost of each benchmark scenario, without HTTP: prints a JSON {scenario: median ms}.

Each scenario's request is made once in-process (Django's test client) while every SQL statement
it sends is recorded; those exact statements are then replayed on a cursor, again and again, and
timed. So the figure is the database's share of the request, for the same queries the API runs.
Writes are replayed inside a transaction that is rolled back, so they change nothing.
Run by api_bench.py with the benchmark database's environment, from ticket_system/.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))  # driver.py, for the scenarios
from driver import SCENARIOS, request_for  # noqa: E402

NOT_REPLAYED = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")  # the replay has its own


def recorded_queries(client, scenario: str, ticket_id: int) -> list[tuple[str, object]]:
    from django.db import connection

    method, path, body = request_for(scenario, ticket_id, fixed_id=ticket_id)
    queries: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(NOT_REPLAYED):
            queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = getattr(client, method.lower())(path, data=body, content_type="application/json")
    if response.status_code >= 400:
        raise SystemExit(f"{scenario}: {response.status_code} {response.content[:200]!r}")
    return queries


def replay_ms(queries: list[tuple[str, object]], writes: bool, seconds: float) -> float:
    from django.db import connection, transaction

    timings = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(timings) < 5:
        with transaction.atomic():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql, params in queries:
                    cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()
            timings.append(time.perf_counter() - started)
            transaction.set_rollback(writes)
    return statistics.median(timings) * 1000


def main() -> None:
    max_id, seconds = int(sys.argv[1]), float(sys.argv[2])
    django.setup()
    from django.test import Client

    client = Client()
    results = {}
    for scenario, (method, _) in SCENARIOS.items():
        if scenario == "bare Django floor":
            continue
        queries = recorded_queries(client, scenario, max(1, max_id // 2))
        results[scenario] = replay_ms(queries, writes=method != "GET", seconds=seconds)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
