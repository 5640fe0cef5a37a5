"""Fixtures shared by both services' tests: real service processes on free ports, and the
test doubles of tests/support (the fake OpenAI server, the proxy in front of the ticket API).

Tests that need PostgreSQL or Chromium skip when those are missing; with
TESTS_FAIL_ON_SKIP=1 (set by .ci/run) every skip is reported as a failure instead,
so CI can never pass by quietly not testing something.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parent
# `tests.support` must import the same however pytest was started: `python -m pytest` puts the
# current folder on sys.path, the `pytest` script does not (tests/__init__.py says why the name
# `tests` cannot mean another folder).
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from tests.support.fake_openai import Answer, FakeOpenAI  # noqa: E402
from tests.support.http import free_port  # noqa: E402
from tests.support.proxy import Faults, Proxy, no_faults  # noqa: E402

TICKET_SYSTEM_DIR = ROOT / "ticket_system"
AI_AGENT_DIR = ROOT / "ai_agent"
POSTGRES_URL_VARIABLE = "TICKETS_TEST_POSTGRES_URL"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("TESTS_FAIL_ON_SKIP") == "1" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, and TESTS_FAIL_ON_SKIP=1 forbids skips: {reason}"


def agent_environ(ticket_system_url: str, **overrides: str) -> dict[str, str]:
    """The agent's settings as environment variables: offline model, no pause between words."""
    return {
        "TICKET_SYSTEM_URL": ticket_system_url,
        "AGENT_LLM_PROVIDER": "offline",
        "AGENT_OFFLINE_WORD_DELAY_MS": "0",
        **overrides,
    }


def postgres_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set (e.g. postgres://postgres@127.0.0.1:5432/test)")
    return url


@pytest.fixture
def fresh_postgres_database() -> Iterator[Callable[[str], str]]:
    """Create empty PostgreSQL databases on the TICKETS_TEST_POSTGRES_URL server (skips without it).

    `create("test_writers")` returns the URL of a new database with that prefix and a random
    suffix, so tests in parallel runs never share one; each is dropped afterwards, even if a
    server process still holds a connection to it.
    """
    server = postgres_url_or_skip()
    import psycopg  # only the PostgreSQL tests need it

    created: list[str] = []

    def create(prefix: str) -> str:
        name = f"{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))

    yield create
    with psycopg.connect(server, autocommit=True) as connection:
        for name in created:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy within {timeout} s")


@dataclass
class ServiceProcess:
    """A service started as a real process; `url` is its base URL without a trailing slash."""

    url: str
    port: int
    env: dict[str, str]
    args: list[str]
    cwd: Path
    health_path: str
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> ServiceProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.args, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(self.url + self.health_path, self.process)
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"{error}; log:\n{self.log()}") from None
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def ticket_api_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SECRET": secrets.token_urlsafe(32),
        "TICKET_SYSTEM_ENV_FILE": os.devnull,  # never read a developer's .env in tests
        "TICKETS_SQLITE_PATH": str(data_dir / "tickets.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    for name in ("DATABASE_URL", "TICKETS_API_TOKEN", "TICKETS_CHAOS_FAILURE_RATE", "TICKETS_CHAOS_MAX_DELAY_MS"):
        env.pop(name, None)
    env.update(overrides)
    return env


@pytest.fixture
def start_ticket_api(tmp_path_factory) -> Iterator[Callable[..., ServiceProcess]]:
    """Start the ticket API under gunicorn on a free port with a fresh SQLite file.

    Keyword arguments become environment variables (e.g. TICKETS_CHAOS_FAILURE_RATE="0.3").
    Call `.stop()` / `.start()` on the result to take the API down and bring it back.
    """
    started: list[ServiceProcess] = []

    def start(**env_overrides: str) -> ServiceProcess:
        data_dir = tmp_path_factory.mktemp("ticket-api")
        env = ticket_api_env(data_dir, **env_overrides)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=TICKET_SYSTEM_DIR, env=env, check=True, capture_output=True,
        )
        port = free_port()
        service = ServiceProcess(
            url=f"http://127.0.0.1:{port}",
            port=port,
            env=env,
            # The production server settings (gunicorn.conf.py), but for the port.
            args=[sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=TICKET_SYSTEM_DIR,
            health_path="/api/health/",
            log_path=data_dir / "gunicorn.log",
        )
        started.append(service)
        return service.start()

    yield start
    for service in started:
        service.stop()


@pytest.fixture
def ticket_api(start_ticket_api) -> ServiceProcess:
    """A running ticket API with default settings and an empty database."""
    return start_ticket_api()


def agent_child_env(**variables: str) -> dict[str, str]:
    """Environment for ai_agent's main.py/cli.py: ours, minus anything that would pick a model or a store."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AZURE_OPENAI_", "OPENAI_", "AGENT_", "TICKET"))}
    return {**env, "AI_AGENT_ENV_FILE": os.devnull, "PYTHONUNBUFFERED": "1", **variables}


@pytest.fixture
def subprocess_env(tmp_path_factory) -> Callable[..., dict[str, str]]:
    """subprocess_env(**variables) -> an environment for ai_agent's main.py / cli.py subprocesses.

    AGENT_DATA_DIR defaults to a fresh folder of the test, so no test writes into ai_agent/data.
    """
    data_dir = str(tmp_path_factory.mktemp("agent-data"))

    def make(**variables: str) -> dict[str, str]:
        return agent_child_env(**{"AGENT_DATA_DIR": data_dir, **variables})

    return make


@pytest.fixture
def start_agent_process(tmp_path_factory, subprocess_env) -> Iterator[Callable[..., ServiceProcess]]:
    """start_agent_process(ticket_system_url, **env) -> `python main.py` of ai_agent as a real process.

    Offline model unless env says otherwise. `.stop()` / `.start()` on the result restart it with
    the same settings and data folder.
    """
    started: list[ServiceProcess] = []

    def start(ticket_system_url: str, **env: str) -> ServiceProcess:
        port = free_port()
        # An empty provider lets the agent infer it: offline unless env names a model service.
        variables = {"AGENT_PORT": str(port), **agent_environ(ticket_system_url, **{"AGENT_LLM_PROVIDER": "", **env})}
        service = ServiceProcess(
            url=f"http://127.0.0.1:{port}", port=port, env=subprocess_env(**variables),
            args=[sys.executable, "main.py"], cwd=AI_AGENT_DIR, health_path="/health",
            log_path=tmp_path_factory.mktemp("agent-process") / "agent.log",
        )
        started.append(service)
        return service.start()

    yield start
    for service in started:
        service.stop()


@pytest.fixture
def start_fake_llm() -> Iterator[Callable[[Answer], FakeOpenAI]]:
    """start_fake_llm(answer) -> a FakeOpenAI answering answer(request) (tests/support/fake_openai.py)."""
    servers: list[FakeOpenAI] = []

    def start(answer: Answer) -> FakeOpenAI:
        servers.append(FakeOpenAI(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def start_proxy() -> Iterator[Callable[..., Proxy]]:
    """start_proxy(target, faults=no_faults) -> a recording Proxy in front of target (tests/support/proxy.py)."""
    proxies: list[Proxy] = []

    def start(target: str, faults: Faults = no_faults) -> Proxy:
        proxies.append(Proxy(target, faults))
        return proxies[-1]

    yield start
    for proxy in proxies:
        proxy.stop()
