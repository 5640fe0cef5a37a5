"""Load driver: wrk (Debian's `wrk` package) runs N connections on one scenario for S seconds.

    python bench/driver.py URL SCENARIO --connections 8 --seconds 10 --warmup 2 --max-id 1000000

Prints a JSON summary: req/s, p50/p95/p99 and errors (4xx/5xx answers, connection errors and
timeouts). wrk is C: the benchmark measures the server, not a
Python client competing with it for the same CPUs. scenario.lua makes the requests.
The search words come from tickets/demo.py (loaddemo): "printer" is in a third of the tickets,
"kerberos" in about one in 5,000.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import time
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "scenario.lua"
LAST_MONTH = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 30 * 86400))
SCENARIOS: dict[str, tuple[str, str]] = {
    "list page 1": ("GET", "/api/tickets/"),
    "status filter": ("GET", "/api/tickets/?resolution_status=OPEN"),
    "search, common word": ("GET", "/api/tickets/?search=printer"),
    "search, rare word": ("GET", "/api/tickets/?search=kerberos"),
    "ordering by title": ("GET", "/api/tickets/?ordering=title"),
    "title__icontains": ("GET", "/api/tickets/?title__icontains=vpn"),
    "created__gte last month": ("GET", f"/api/tickets/?created__gte={LAST_MONTH}"),
    "bare Django floor": ("GET", "/floor/{id}/"),  # floor_urls.py; measured in turns with GET one
    "GET one": ("GET", "/api/tickets/{id}/"),
    "PATCH one": ("PATCH", "/api/tickets/{id}/"),
    "POST": ("POST", "/api/tickets/"),
}


def request_for(scenario: str, max_id: int, rng: random.Random | None = None,
                fixed_id: int | None = None) -> tuple[str, str, dict | None]:
    """One request of the scenario, as scenario.lua makes them (sql_timings.py replays its SQL)."""
    rng = rng or random.Random(0)
    method, path = SCENARIOS[scenario]
    path = path.replace("{id}", str(fixed_id or rng.randint(1, max_id)))
    body = None
    if method == "PATCH":
        body = {"title": f"Benchmark edit {rng.randint(1, 10**9)}"}
    elif method == "POST":
        body = {"title": f"Benchmark ticket {rng.randint(1, 10**9)}", "description": "Created by the benchmark."}
    return method, path, body


def wrk(url: str, scenario: str, connections: int, seconds: int, max_id: int) -> dict:
    method, path = SCENARIOS[scenario]
    command = ["wrk", "--threads", str(min(2, connections)), "--connections", str(connections),
               "--duration", f"{seconds}s", "--timeout", "30s", "--script", str(LUA_SCRIPT), url,
               "--", method, path, str(max_id)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"wrk failed on {scenario!r}: {result.stderr or result.stdout}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(url: str, scenario: str, connections: int, seconds: int, max_id: int, warmup: int) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    if warmup:  # connections opened, caches and the OS page cache filled, nothing counted
        wrk(url, scenario, connections, warmup, max_id)
    summary = wrk(url, scenario, connections, seconds, max_id)
    return {
        "scenario": scenario, "connections": connections, "requests": summary["requests"],
        "req_per_s": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50_ms": summary["p50_us"] / 1000, "p95_ms": summary["p95_us"] / 1000, "p99_ms": summary["p99_us"] / 1000,
        "errors": summary["error_status"] + summary["socket_errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--max-id", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.scenario, args.connections, args.seconds, args.max_id, args.warmup)))


if __name__ == "__main__":
    main()
