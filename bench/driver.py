"""Load driver: N connections hammer one scenario for S seconds; prints a JSON summary.

Run by api_bench.py in its own process, so the driver's CPU is not the server's.
    python bench/driver.py URL SCENARIO --connections 8 --seconds 10 --max-id 1000000
The search words come from tickets/demo.py (loaddemo): "printer" is in a third of the tickets,
"kerberos" in about one in 5,000.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time

import httpx

LAST_MONTH = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 30 * 86400))
SCENARIOS: dict[str, tuple[str, str]] = {
    "list page 1": ("GET", "/api/tickets/"),
    "status filter": ("GET", "/api/tickets/?resolution_status=OPEN"),
    "search, common word": ("GET", "/api/tickets/?search=printer"),
    "search, rare word": ("GET", "/api/tickets/?search=kerberos"),
    "ordering by title": ("GET", "/api/tickets/?ordering=title"),
    "title__icontains": ("GET", "/api/tickets/?title__icontains=vpn"),
    "created__gte last month": ("GET", f"/api/tickets/?created__gte={LAST_MONTH}"),
    "GET one": ("GET", "/api/tickets/{id}/"),
    "PATCH one": ("PATCH", "/api/tickets/{id}/"),
    "POST": ("POST", "/api/tickets/"),
    "bare Django floor": ("GET", "/floor/"),
}
EXPECTED = {"GET": 200, "PATCH": 200, "POST": 201}


def request_for(scenario: str, max_id: int, rng: random.Random | None = None,
                fixed_id: int | None = None) -> tuple[str, str, dict | None]:
    rng = rng or random.Random(0)
    method, path = SCENARIOS[scenario]
    path = path.replace("{id}", str(fixed_id or rng.randint(1, max_id)))
    body = None
    if method == "PATCH":
        body = {"title": f"Benchmark edit {rng.randint(1, 10**9)}"}
    elif method == "POST":
        body = {"title": f"Benchmark ticket {rng.randint(1, 10**9)}", "description": "Created by the benchmark."}
    return method, path, body


async def worker(client: httpx.AsyncClient, scenario: str, deadline: float, max_id: int, seed: int,
                 latencies: list[float], errors: list[str]) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < deadline:
        method, path, body = request_for(scenario, max_id, rng)
        started = time.perf_counter()
        try:
            response = await client.request(method, path, json=body)
            if response.status_code != EXPECTED[method]:
                errors.append(f"{response.status_code} {response.text[:100]}")
        except httpx.HTTPError as error:
            errors.append(type(error).__name__)
        latencies.append(time.perf_counter() - started)


async def run(url: str, scenario: str, connections: int, seconds: float, max_id: int, warmup: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        # Warm up (connections opened, caches and the OS page cache filled) without counting.
        warm_deadline = time.perf_counter() + warmup
        await asyncio.gather(*(worker(client, scenario, warm_deadline, max_id, -seed - 1, [], errors)
                               for seed in range(connections)))
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(worker(client, scenario, deadline, max_id, seed, latencies, errors)
                               for seed in range(connections)))
        elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {
        "scenario": scenario, "connections": connections, "requests": len(latencies),
        "req_per_s": len(latencies) / elapsed, "p50_ms": quantiles[49] * 1000, "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000, "errors": len(errors), "error_samples": sorted(set(errors))[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-id", type=int, default=1)
    parser.add_argument("--warmup", type=float, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.scenario, args.connections, args.seconds, args.max_id,
                                     args.warmup))))


if __name__ == "__main__":
    main()
