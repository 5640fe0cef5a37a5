"""Fixtures for the agent's end-to-end tests: the agent as a real `python main.py` process.

(tests/web/conftest.py runs the app in a thread of the test process instead, to look at its
tasks; the browser and evaluation tests want the service exactly as it is deployed.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The root conftest.py, which pytest has already imported under the name "conftest".
from conftest import ServiceProcess, free_port

AI_AGENT_DIR = Path(__file__).resolve().parents[1]


def agent_process_env(ticket_system_url: str, port: int, **overrides: str) -> dict[str, str]:
    """Our environment minus anything that picks a model or a ticket API, plus the given settings."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AZURE_OPENAI_", "OPENAI_", "AGENT_", "TICKET"))}
    return {
        **env,
        "AI_AGENT_ENV_FILE": os.devnull,  # never read a developer's ai_agent/.env in tests
        "PYTHONUNBUFFERED": "1",
        "AGENT_LLM_PROVIDER": "offline",
        "AGENT_PORT": str(port),
        "TICKET_SYSTEM_URL": ticket_system_url,
        **overrides,
    }


@pytest.fixture
def start_agent_process(tmp_path_factory) -> Iterator[Callable[..., ServiceProcess]]:
    """start_agent_process(ticket_system_url, **env) -> `python main.py` serving on a free port.

    The offline model by default; keyword arguments are more environment variables.
    `.stop()` takes the agent down (e.g. to see how a client copes).
    """
    started: list[ServiceProcess] = []

    def start(ticket_system_url: str, **env: str) -> ServiceProcess:
        port = free_port()
        service = ServiceProcess(
            url=f"http://127.0.0.1:{port}",
            port=port,
            env=agent_process_env(ticket_system_url, port, **env),
            args=[sys.executable, str(AI_AGENT_DIR / "main.py")],
            cwd=AI_AGENT_DIR,
            health_path="/health",
            log_path=tmp_path_factory.mktemp("agent") / "agent.log",
        )
        started.append(service)
        return service.start()

    yield start
    for service in started:
        service.stop()
