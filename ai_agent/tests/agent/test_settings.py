"""Settings: provider inference, defaults, and one-line errors that name the variable."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from agent.assistant import Assistant
from agent.settings import SettingsError, load_settings

AZURE = {
    "AZURE_OPENAI_ENDPOINT": "https://contoso.openai.azure.com/",
    "AZURE_OPENAI_API_KEY": "secret-key",
    "AZURE_OPENAI_CHAT_DEPLOYMENT": "gpt-4o",
    "AZURE_OPENAI_CHAT_DEPLOYMENT_MINI": "gpt-4o-mini",
}


def test_defaults_are_offline_against_the_local_ticket_api():
    settings = load_settings({})
    assert settings.provider == "offline"
    assert settings.ticket_system_url == "http://127.0.0.1:8000"
    assert (settings.port, settings.reload, settings.tickets_api_token) == (8100, False, None)
    assert settings.offline_word_delay_ms == 15


@pytest.mark.parametrize(
    ("environ", "provider"),
    [
        (AZURE, "azure"),
        ({"OPENAI_API_KEY": "sk-x", "OPENAI_MODEL": "gpt-4o"}, "openai"),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_MODEL": "llama3.1"}, "openai"),
        ({**AZURE, "OPENAI_API_KEY": "sk-x"}, "azure"),  # azure wins when both are configured
        ({**AZURE, "AGENT_LLM_PROVIDER": "offline"}, "offline"),  # an explicit choice wins
        ({"AGENT_LLM_PROVIDER": "OpenAI", "OPENAI_API_KEY": "sk-x", "OPENAI_MODEL": "m"}, "openai"),
    ],
)
def test_provider_is_chosen_or_inferred(environ, provider):
    assert load_settings(environ).provider == provider


def test_azure_settings_are_read_unchanged():
    settings = load_settings({**AZURE, "AZURE_OPENAI_API_VERSION": "2024-08-01-preview"})
    assert settings.azure_endpoint == "https://contoso.openai.azure.com"
    assert (settings.router_model, settings.specialist_model) == ("gpt-4o", "gpt-4o-mini")
    assert settings.azure_api_version == "2024-08-01-preview"
    assert "secret-key" not in repr(settings)


def test_mini_model_defaults_to_the_main_one():
    assert load_settings({k: v for k, v in AZURE.items() if not k.endswith("_MINI")}).specialist_model == "gpt-4o"
    settings = load_settings({"OPENAI_BASE_URL": "http://localhost:8080/v1", "OPENAI_MODEL": "qwen"})
    assert (settings.router_model, settings.specialist_model) == ("qwen", "qwen")
    assert settings.openai_api_key  # local servers need no key, the client still wants one


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"AGENT_LLM_PROVIDER": "anthropic"}, "AGENT_LLM_PROVIDER"),
        ({**AZURE, "AZURE_OPENAI_CHAT_DEPLOYMENT": ""}, "AZURE_OPENAI_CHAT_DEPLOYMENT"),
        ({**AZURE, "AZURE_OPENAI_API_KEY": " "}, "AZURE_OPENAI_API_KEY"),
        ({**AZURE, "AZURE_OPENAI_ENDPOINT": "contoso.openai.azure.com"}, "AZURE_OPENAI_ENDPOINT"),
        ({**AZURE, "AZURE_OPENAI_ENDPOINT": "https://contoso.openai.azure.com/openai/deployments/x"}, "AZURE_OPENAI_ENDPOINT"),
        ({**AZURE, "AZURE_OPENAI_API_VERSION": "latest"}, "AZURE_OPENAI_API_VERSION"),
        ({"AGENT_LLM_PROVIDER": "azure"}, "AZURE_OPENAI_CHAT_DEPLOYMENT"),
        ({"AGENT_LLM_PROVIDER": "openai", "OPENAI_MODEL": "gpt-4o"}, "OPENAI_API_KEY"),
        ({"OPENAI_API_KEY": "sk-x"}, "OPENAI_MODEL"),
        ({"OPENAI_BASE_URL": "ftp://models", "OPENAI_MODEL": "m"}, "OPENAI_BASE_URL"),
        ({"TICKET_SYSTEM_URL": "localhost:8000"}, "TICKET_SYSTEM_URL"),
        ({"TICKET_SYSTEM_URL": "http://localhost:abc"}, "TICKET_SYSTEM_URL"),
        ({"AGENT_PORT": "eighty"}, "AGENT_PORT"),
        ({"AGENT_PORT": "70000"}, "AGENT_PORT"),
        ({"AGENT_RELOAD": "maybe"}, "AGENT_RELOAD"),
        ({"AGENT_OFFLINE_WORD_DELAY_MS": "-1"}, "AGENT_OFFLINE_WORD_DELAY_MS"),
        ({"AGENT_TICKET_TIMEOUT_S": "nan"}, "AGENT_TICKET_TIMEOUT_S"),
        ({"AGENT_RECURSION_LIMIT": "1"}, "AGENT_RECURSION_LIMIT"),
    ],
)
def test_a_wrong_setting_fails_with_one_line_naming_it(environ, variable):
    with pytest.raises(SettingsError) as raised:
        load_settings(environ)
    message = str(raised.value)
    assert message.startswith(variable)
    assert "\n" not in message


def test_environment_wins_over_the_env_file(tmp_path, monkeypatch):
    env_file = tmp_path / "agent.env"
    env_file.write_text("AGENT_PORT=9001\nTICKET_SYSTEM_URL=http://from-file:8000\n")
    # load_dotenv writes into os.environ: give it a private one so nothing leaks into other tests.
    environment = {"AI_AGENT_ENV_FILE": str(env_file), "TICKET_SYSTEM_URL": "http://from-env:8000"}
    monkeypatch.setattr(os, "environ", environment)

    settings = load_settings()

    assert settings.port == 9001
    assert settings.ticket_system_url == "http://from-env:8000"
    assert settings.provider == "offline"


def test_assistant_starts_without_touching_the_network():
    # Nothing listens on these addresses; constructing must not notice.
    settings = load_settings({**AZURE, "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:9", "TICKET_SYSTEM_URL": "http://127.0.0.1:9"})
    info = Assistant(settings).model_info()
    assert info == {
        "provider": "azure", "router_model": "gpt-4o", "specialist_model": "gpt-4o-mini", "language_model": True,
        "endpoint": "http://127.0.0.1:9", "api_version": "2024-10-21",
    }


def test_offline_model_info_says_no_language_model_is_configured():
    info = Assistant(load_settings({})).model_info()
    assert info["provider"] == "offline" and info["language_model"] is False
    assert "No language model is configured" in info["note"]


def test_env_example_documents_exactly_the_variables_that_are_read():
    agent_dir = Path(__file__).resolve().parents[2]
    documented = set(re.findall(r"^# ([A-Z][A-Z0-9_]+)=", (agent_dir / ".env.example").read_text(), re.M))
    read = set(re.findall(r'"([A-Z][A-Z0-9_]{3,})"', (agent_dir / "agent" / "settings.py").read_text()))
    assert documented == read - {"AI_AGENT_ENV_FILE"}


def test_conversation_settings_default_to_a_sqlite_file_under_ai_agent_data(tmp_path):
    settings = load_settings({})
    assert settings.data_dir == Path(__file__).resolve().parents[2] / "data"
    assert (settings.checkpoint_url, settings.history_max_tokens) == (None, 6000)

    custom = load_settings({"AGENT_DATA_DIR": str(tmp_path), "AGENT_HISTORY_MAX_TOKENS": "2000",
                            "AGENT_CHECKPOINT_URL": "postgresql://agent:pw@db:5432/agent"})
    assert (custom.data_dir, custom.history_max_tokens) == (tmp_path, 2000)
    assert custom.checkpoint_url == "postgresql://agent:pw@db:5432/agent"
    assert "pw" not in repr(custom)


@pytest.mark.parametrize(("environ", "expected"), [
    ({"AGENT_CHECKPOINT_URL": "mysql://db/agent"}, "AGENT_CHECKPOINT_URL is not a PostgreSQL URL"),
    ({"AGENT_CHECKPOINT_URL": "postgresql:///agent"}, "AGENT_CHECKPOINT_URL is not a PostgreSQL URL"),
    ({"AGENT_HISTORY_MAX_TOKENS": "10"}, "AGENT_HISTORY_MAX_TOKENS=10 is out of range"),
    ({"AGENT_HISTORY_MAX_TOKENS": "lots"}, "AGENT_HISTORY_MAX_TOKENS='lots' is not a whole number"),
])
def test_bad_conversation_settings_name_the_variable(environ, expected):
    with pytest.raises(SettingsError) as error:
        load_settings(environ)
    assert str(error.value).startswith(expected)
    assert "pw" not in str(error.value)
