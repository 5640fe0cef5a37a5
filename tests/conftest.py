"""The whole stack as Docker Compose would run it, but as local processes (no Docker engine here).

Each service runs with its image's command (the Dockerfile's ENTRYPOINT + CMD), the environment
of its image and of docker-compose.yml, and its Compose healthcheck command, with only what a
container would see differently translated: /data becomes a temporary folder, the container port
becomes a free local port, and the `ticket-system` host name becomes 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, ServiceProcess, agent_child_env
from tests.support.http import free_port

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
# Service name -> (folder, port inside the container, health path).
SERVICES = {
    "ticket_system": ("ticket_system", 8000, "/api/health/"),
    "ai_agent": ("ai_agent", 8100, "/health"),
}


def image_command(folder: str) -> list[str]:
    """ENTRYPOINT + CMD of the service's Dockerfile (both in JSON form)."""
    text = (ROOT / folder / "Dockerfile").read_text()
    parts: list[str] = []
    for instruction in ("ENTRYPOINT", "CMD"):
        match = re.search(rf"^{instruction} (\[.*\])$", text, flags=re.M)
        if match:
            parts += json.loads(match[1])
    return parts


def image_environment(folder: str) -> dict[str, str]:
    """The ENV instructions of the Dockerfile, as name -> value."""
    text = (ROOT / folder / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", text, flags=re.M):
        env.update(dict(re.findall(r"(\w+)=(\S+)", line)))
    return env


def local_environment() -> dict[str, str]:
    """This machine's environment minus anything that would change what the services pick.

    A developer's model keys, agent and database settings must not leak into the stack under
    test, and the virtual environment's programs (gunicorn, python) come first on the PATH, as in
    the image.
    """
    env = {name: value for name, value in agent_child_env().items()
           if not name.startswith(("DJANGO_", "DATABASE_URL", "API_PORT"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture
def plain_environment() -> dict[str, str]:
    return local_environment()


@dataclass
class ComposeService:
    """One Compose service started locally; `healthcheck()` runs its Compose healthcheck command."""

    name: str
    process: ServiceProcess
    healthcheck_command: list[str]

    @property
    def url(self) -> str:
        return self.process.url

    def healthcheck(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.healthcheck_command, capture_output=True, text=True, timeout=30,
                              env=local_environment())


def start_compose_service(name: str, data_dir: Path, hosts: dict[str, str], **overrides: str) -> ComposeService:
    folder, container_port, health_path = SERVICES[name]
    service = COMPOSE["services"][name]
    port = free_port()

    def translate(value: str) -> str:
        value = re.sub(r"^/data(?=/|$)", str(data_dir), value)  # the volume mounted at /data
        for host, local in hosts.items():
            value = value.replace(host, local)
        return value

    environment = {**image_environment(folder), **{k: str(v) for k, v in service.get("environment", {}).items()}}
    env = {
        **local_environment(),
        **{variable: translate(value) for variable, value in environment.items()},
        "API_PORT" if name == "ticket_system" else "AGENT_PORT": str(port),
        # The image gets these from the service's optional .env file; tests never read a developer's.
        "TICKET_SYSTEM_ENV_FILE": os.devnull,
        "AI_AGENT_ENV_FILE": os.devnull,
        "DJANGO_SECRET": secrets.token_urlsafe(32),
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }
    health = service["healthcheck"]["test"]
    assert health[0] == "CMD", health
    healthcheck_command = [sys.executable if part == "python" else part.replace(f":{container_port}/", f":{port}/")
                           for part in health[1:]]
    command = [sys.executable if part == "python" else part for part in image_command(folder)]
    process = ServiceProcess(url=f"http://127.0.0.1:{port}", port=port, env=env, args=command,
                             cwd=ROOT / folder, health_path=health_path, log_path=data_dir / f"{name}.log")
    return ComposeService(name, process.start(), healthcheck_command)


@dataclass
class Stack:
    api: ComposeService
    agent: ComposeService


@pytest.fixture
def start_stack(tmp_path_factory) -> Iterator[Callable[..., Stack]]:
    """start_stack(api_env={...}, agent_env={...}) -> the API and the agent, as Compose runs them."""
    started: list[ComposeService] = []

    def start(api_env: dict[str, str] | None = None, agent_env: dict[str, str] | None = None) -> Stack:
        data_dir = tmp_path_factory.mktemp("stack")
        api = start_compose_service("ticket_system", data_dir, {}, **(api_env or {}))
        started.append(api)
        agent = start_compose_service("ai_agent", data_dir, {"ticket-system:8000": f"127.0.0.1:{api.process.port}"},
                                      **(agent_env or {}))
        started.append(agent)
        return Stack(api, agent)

    yield start
    for service in reversed(started):
        service.process.stop()


@pytest.fixture
def stack(start_stack) -> Stack:
    """The API and the agent (offline model) as Compose runs them, on a fresh SQLite database."""
    return start_stack()
