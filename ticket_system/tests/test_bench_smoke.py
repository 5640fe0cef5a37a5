"""The benchmark command keeps working: run at a tiny size, it prints a row for every scenario, with
no failed request. Timings are the benchmark's business, never a test's (see bench/README.md)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ["list page 1", "status filter", "search, common word", "search, rare word", "ordering by title",
             "title__icontains", "created__gte last month", "GET one", "PATCH one", "POST", "bare Django floor"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_args(request) -> list[str]:
    if request.param == "sqlite":
        return []
    from conftest import postgres_url_or_skip  # noqa: PLC0415 (the root conftest)

    return ["--database-url", postgres_url_or_skip()]


def test_the_benchmark_runs_every_scenario_without_errors(database_args):
    if shutil.which("wrk") is None:
        pytest.skip("wrk, the benchmark's load generator, is not installed: apt-get install wrk")
    result = subprocess.run(
        [sys.executable, "bench/api_bench.py", "--count", "2000", "--seconds", "1", "--warmup", "0", *database_args],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )

    assert result.returncode == 0, f"{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
    rows = {cells[0]: cells for cells in (
        [cell.strip() for cell in line.strip("|").split("|")] for line in result.stdout.splitlines()
        if line.startswith("| ") and not line.startswith(("| scenario", "| ---")))}
    assert sorted(rows) == sorted(SCENARIOS), result.stdout
    for scenario, cells in rows.items():
        requests_per_second, errors = float(cells[2]), int(cells[6])
        assert requests_per_second > 0 and errors == 0, cells
        if scenario != "bare Django floor":
            assert re.fullmatch(r"\d+\.\d\d", cells[7]), f"no SQL time for {scenario}: {cells}"
