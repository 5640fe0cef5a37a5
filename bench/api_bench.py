"""Benchmark the ticket API at scale: `python bench/api_bench.py --count 1000000 [--database-url URL]`.

1. A fresh database: a temporary SQLite file, or (with --database-url postgres://.../any) a new
   PostgreSQL database on that server, dropped at the end.
2. `manage.py migrate` and `manage.py loaddemo --count N`.
3. The SQL time of each scenario's queries, run directly (sql_timings.py, no HTTP).
4. The API under gunicorn (the production server, gunicorn.conf.py) and, as a floor, a bare Django
   JSON view under the same server and settings; driver.py runs wrk, a separate C process, on
   each scenario for --seconds.
5. A markdown table on stdout; JSON and markdown in bench/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import runpy
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

BENCH_DIR = Path(__file__).resolve().parent
TICKET_SYSTEM_DIR = BENCH_DIR.parent / "ticket_system"
RESULTS_DIR = BENCH_DIR / "results"
sys.path.insert(0, str(BENCH_DIR))
from driver import SCENARIOS  # noqa: E402

FLOOR = "bare Django floor"
# Targets from the issue (SQLite, 1M tickets, 8 connections): p50 ceilings in ms.
P50_TARGET_MS = {
    "list page 1": 20, "status filter": 20, "ordering by title": 20, "created__gte last month": 20,
    "search, rare word": 15, "search, common word": 100, "title__icontains": 50,
}
GET_ONE_SHARE_OF_FLOOR = 0.6
# The floor and GET one are measured in turns, this many times each (see compare_with_floor).
FLOOR_ROUNDS = 3


def server_defaults() -> tuple[int, int]:
    """The workers and threads that gunicorn.conf.py gives the production server on this machine."""
    # gunicorn reads its config with ticket_system/ on sys.path (the file imports config.env).
    sys.path.insert(0, str(TICKET_SYSTEM_DIR))
    try:
        config = runpy.run_path(str(TICKET_SYSTEM_DIR / "gunicorn.conf.py"))
    finally:
        sys.path.remove(str(TICKET_SYSTEM_DIR))
    return config["workers"], config["threads"]


@contextmanager
def fresh_database(database_url: str | None):
    """Environment variables naming a new, empty database; it is removed afterwards."""
    if not database_url:
        directory = Path(tempfile.mkdtemp(prefix="ticket-bench-"))
        try:
            yield {"TICKETS_SQLITE_PATH": str(directory / "bench.sqlite3")}
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    import psycopg

    name = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_env(database: dict[str, str], settings: str = "config.settings") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "TICKETS_SQLITE_PATH", "TICKETS_API_TOKEN", "TICKETS_CHAOS_FAILURE_RATE"}}
    return {**env, **database, "DJANGO_SECRET": secrets.token_urlsafe(32), "TICKET_SYSTEM_ENV_FILE": os.devnull,
            "DJANGO_SETTINGS_MODULE": settings, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "PYTHONPATH": os.pathsep.join([str(TICKET_SYSTEM_DIR), str(BENCH_DIR)])}


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=TICKET_SYSTEM_DIR, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int, log: Path):
    """The app under gunicorn with the project's gunicorn.conf.py (bind and access log overridden:
    writing a log line per request would be part of what is measured)."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", os.devnull],
            cwd=TICKET_SYSTEM_DIR, env={**env, "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)},
            stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; log:\n{log.read_text()[-3000:]}")
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def warm_page_cache(database: dict[str, str]) -> None:
    """Read the tickets' tables and indexes into the OS page cache before a scenario. On this VM
    the page cache keeps shrinking (a loaded 1 GB file was a quarter cached an hour later), and a
    random ticket then waits for the disk: the benchmark measures the API, not the disk."""
    if "TICKETS_SQLITE_PATH" in database:
        for path in Path(database["TICKETS_SQLITE_PATH"]).parent.iterdir():
            with path.open("rb") as file:
                while file.read(1 << 24):
                    pass
        return
    import psycopg

    with psycopg.connect(database["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        connection.execute("SELECT pg_prewarm(oid::regclass, 'read') FROM pg_class "
                           "WHERE relname LIKE 'tickets\\_%' AND relkind IN ('r', 'i')")


def drive(url: str, scenario: str, connections: int, seconds: int, warmup: int, max_id: int) -> dict:
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / "driver.py"), url, scenario, "--connections", str(connections),
         "--seconds", str(seconds), "--warmup", str(warmup), "--max-id", str(max_id)],
        capture_output=True, text=True,
    )
    if result.returncode:
        raise SystemExit(f"driver.py failed on {scenario!r}:\n{result.stderr}")
    return json.loads(result.stdout)


def compare_with_floor(api_url: str, floor_url: str, database: dict[str, str], connections: int, seconds: int,
                       warmup: int, max_id: int) -> tuple[dict, dict]:
    """The floor and GET one, measured in turns FLOOR_ROUNDS times: their ratio is a target, and on
    a shared machine a single pair of runs can differ by 10% from the next. Each row is its
    scenario's median run; GET one's row also lists each round's share of the floor."""
    floors, get_ones = [], []
    for _ in range(FLOOR_ROUNDS):
        for runs, url, scenario in ((floors, floor_url, FLOOR), (get_ones, api_url, "GET one")):
            warm_page_cache(database)
            runs.append(drive(url, scenario, connections, seconds, warmup, max_id))
    shares = [get_one["req_per_s"] / floor["req_per_s"] for floor, get_one in zip(floors, get_ones)]

    def median(runs: list[dict]) -> dict:
        return sorted(runs, key=lambda run: run["req_per_s"])[len(runs) // 2]

    return median(floors), {**median(get_ones), "floor_shares": shares}


def verdict(row: dict, floor_rps: float | None) -> str:
    scenario = row["scenario"]
    if scenario in P50_TARGET_MS:
        target = P50_TARGET_MS[scenario]
        return f"p50 <= {target} ms: {'met' if row['p50_ms'] <= target else 'MISSED'}"
    if scenario == "GET one" and floor_rps:
        share = row["req_per_s"] / floor_rps
        rounds = ", ".join(f"{round_share:.0%}" for round_share in row.get("floor_shares", []))
        return (f">= 60% of floor: {share:.0%} {'met' if share >= GET_ONE_SHARE_OF_FLOOR else 'MISSED'}"
                f" (rounds: {rounds})")
    if scenario == "POST":
        return f"0 errors: {'met' if row['errors'] == 0 else 'MISSED'}"
    return ""


def markdown(rows: list[dict], sql_ms: dict[str, float], floor_rps: float | None) -> str:
    lines = ["| scenario | conns | req/s | p50 ms | p95 ms | p99 ms | errors | SQL ms | target |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        sql = sql_ms.get(row["scenario"])
        lines.append(
            f"| {row['scenario']} | {row['connections']} | {row['req_per_s']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} | "
            f"{'' if sql is None else f'{sql:.2f}'} | {verdict(row, floor_rps)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000, help="tickets to load (default 1,000,000)")
    parser.add_argument("--database-url", help="a PostgreSQL server URL; a fresh database is created on it")
    parser.add_argument("--seconds", type=int, default=10, help="whole seconds of load per scenario (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured warm-up seconds per scenario (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="connections for reads and PATCH (default 8)")
    parser.add_argument("--post-connections", type=int, default=16, help="connections for POST (default 16)")
    workers, threads = server_defaults()
    parser.add_argument("--workers", type=int, default=workers, help=f"gunicorn workers (default here: {workers})")
    parser.add_argument("--threads", type=int, default=threads, help=f"threads per worker (default here: {threads})")
    args = parser.parse_args()

    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    database_kind = "postgresql" if args.database_url else "sqlite"
    log = RESULTS_DIR / f"{stamp}-{database_kind}-gunicorn.log"
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(args.database_url))
        env = django_env(database)
        manage(env, "migrate", "--noinput")
        started = time.perf_counter()
        manage(env, "loaddemo", "--count", str(args.count))
        load_seconds = time.perf_counter() - started
        print(f"Loaded {args.count:,} tickets into {database_kind} in {load_seconds:.1f} s.", flush=True)

        timings = subprocess.run(
            [sys.executable, str(BENCH_DIR / "sql_timings.py"), str(args.count), str(min(args.seconds, 2))],
            cwd=TICKET_SYSTEM_DIR, env=env, capture_output=True, text=True,
        )
        if timings.returncode:
            raise SystemExit(f"sql_timings.py failed:\n{timings.stdout}\n{timings.stderr}")
        sql_ms = json.loads(timings.stdout)

        rows = []
        floor_url = stack.enter_context(gunicorn(django_env(database, "floor_settings"), args.workers, args.threads, log))
        api_url = stack.enter_context(gunicorn(env, args.workers, args.threads, log))
        for scenario in SCENARIOS:
            if scenario == FLOOR:
                continue  # measured in turns with GET one
            connections = args.post_connections if scenario == "POST" else args.connections
            if scenario == "GET one":
                floor, row = compare_with_floor(api_url, floor_url, database, connections, args.seconds,
                                                args.warmup, args.count)
            else:
                warm_page_cache(database)
                row = drive(api_url, scenario, connections, args.seconds, args.warmup, args.count)
            rows.append(row)
            print(f"  {scenario}: {row['req_per_s']:.0f} req/s, p50 {row['p50_ms']:.1f} ms, {row['errors']} errors",
                  flush=True)
        rows.append(floor)

    table = markdown(rows, sql_ms, floor["req_per_s"])
    header = (f"{database_kind}, {args.count:,} tickets (loaded in {load_seconds:.1f} s), {stamp}, "
              f"gunicorn {args.workers} workers x {args.threads} threads, {args.seconds:g} s per scenario, "
              f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"\n{header}\n\n{table}")
    report = {"database": database_kind, "count": args.count, "load_seconds": load_seconds, "stamp": stamp,
              "workers": args.workers, "threads": args.threads, "seconds": args.seconds, "scenarios": rows,
              "sql_ms": sql_ms}
    (RESULTS_DIR / f"{stamp}-{database_kind}.json").write_text(json.dumps(report, indent=2))
    (RESULTS_DIR / f"{stamp}-{database_kind}.md").write_text(f"{header}\n\n{table}\n")
    if any(row["errors"] for row in rows):
        sys.exit("some requests failed: see the errors column and " + str(log))


if __name__ == "__main__":
    main()
