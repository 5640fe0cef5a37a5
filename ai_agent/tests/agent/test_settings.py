"""Settings: provider inference, defaults, and one-line errors that name the variable."""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

import pytest

from agent.assistant import Assistant
from agent.models import build_models
from agent.settings import AgentSettings, SettingsError, load_settings

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
    assert settings.openai_api_key is None
    # Local servers need no key, but the openai client refuses to start without one.
    assert build_models(settings).router.openai_api_key.get_secret_value()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"AGENT_LLM_PROVIDER": "anthropic"}, "AGENT_LLM_PROVIDER"),
        ({**AZURE, "AZURE_OPENAI_CHAT_DEPLOYMENT": ""}, "AZURE_OPENAI_CHAT_DEPLOYMENT"),
        ({**AZURE, "AZURE_OPENAI_API_KEY": " "}, "AZURE_OPENAI_API_KEY"),
        ({**AZURE, "AZURE_OPENAI_ENDPOINT": "contoso.openai.azure.com"}, "AZURE_OPENAI_ENDPOINT"),
        ({**AZURE, "AZURE_OPENAI_ENDPOINT": "https://contoso.openai.azure.com/openai/deployments/x"}, "AZURE_OPENAI_ENDPOINT"),
        ({**AZURE, "AZURE_OPENAI_API_VERSION": "latest"}, "AZURE_OPENAI_API_VERSION"),
        ({"AGENT_LLM_PROVIDER": "azure"}, "AZURE_OPENAI_ENDPOINT"),
        ({"AGENT_LLM_PROVIDER": "openai", "OPENAI_MODEL": "gpt-4o"}, "OPENAI_API_KEY"),
        ({"OPENAI_API_KEY": "sk-x"}, "OPENAI_MODEL"),
        ({"OPENAI_BASE_URL": "ftp://models", "OPENAI_MODEL": "m"}, "OPENAI_BASE_URL"),
        ({"TICKET_SYSTEM_URL": "localhost:8000"}, "TICKET_SYSTEM_URL"),
        ({"TICKET_SYSTEM_URL": "http://localhost:abc"}, "TICKET_SYSTEM_URL"),
        ({"AGENT_PORT": "eighty"}, "AGENT_PORT"),
        ({"AGENT_PORT": "70000"}, "AGENT_PORT"),
        ({"AGENT_RELOAD": "maybe"}, "AGENT_RELOAD"),
        ({"AGENT_TICKET_TIMEOUT_S": "nan"}, "AGENT_TICKET_TIMEOUT_S"),
        ({"AGENT_RECURSION_LIMIT": "1"}, "AGENT_RECURSION_LIMIT"),
        # each kind of value, with its own sentence
        ({"AGENT_PORT": "5.0"}, "AGENT_PORT='5.0' is not a whole number"),
        ({"AGENT_PORT": "1_000"}, "AGENT_PORT='1_000' is not a whole number"),
        ({"AGENT_PORT": "\u0663"}, "AGENT_PORT='\u0663' is not a whole number"),  # an Arabic-Indic three
        ({"AGENT_PORT": "0"}, "AGENT_PORT='0' is out of range: use 1..65535"),
        ({"AGENT_OFFLINE_WORD_DELAY_MS": "-1"}, "AGENT_OFFLINE_WORD_DELAY_MS='-1' is out of range: use 0..2000"),
        ({"AGENT_MODEL_MAX_RETRIES": "11"}, "AGENT_MODEL_MAX_RETRIES='11' is out of range: use 0..10"),
        ({"AGENT_MODEL_TIMEOUT_S": "soon"}, "AGENT_MODEL_TIMEOUT_S='soon' is not a number"),
        ({"AGENT_MODEL_TIMEOUT_S": "0.5"}, "AGENT_MODEL_TIMEOUT_S='0.5' is too small: use at least 1"),
        ({"AGENT_TICKET_RETRY_MAX_SECONDS": "-0.1"}, "AGENT_TICKET_RETRY_MAX_SECONDS='-0.1' is too small: use at least 0"),
        ({"TICKET_SYSTEM_URL": "ftp://tickets"}, "TICKET_SYSTEM_URL='ftp://tickets' is not an http(s) URL"),
        ({"AGENT_LLM_PROVIDER": "gpt"}, "AGENT_LLM_PROVIDER='gpt' is not valid: use one of azure, openai, offline"),
        ({**AZURE, "AZURE_OPENAI_API_VERSION": "2024-10-21-beta"}, "AZURE_OPENAI_API_VERSION='2024-10-21-beta' is not"),
        ({"AGENT_CHECKPOINT_URL": "sqlite:///agent.db"}, "AGENT_CHECKPOINT_URL is not a PostgreSQL URL"),
        ({"AGENT_CHECKPOINT_URL": "mysql://db/agent"}, "AGENT_CHECKPOINT_URL is not a PostgreSQL URL"),
        ({"AGENT_CHECKPOINT_URL": "postgresql:///agent"}, "AGENT_CHECKPOINT_URL is not a PostgreSQL URL"),
        ({"AGENT_HISTORY_MAX_TOKENS": "10"}, "AGENT_HISTORY_MAX_TOKENS='10' is out of range: use 500..1000000"),
        ({"AGENT_HISTORY_MAX_TOKENS": "lots"}, "AGENT_HISTORY_MAX_TOKENS='lots' is not a whole number"),
    ],
)
def test_a_wrong_setting_fails_with_one_line_naming_it(environ, expected):
    with pytest.raises(SettingsError) as raised:
        load_settings(environ)
    message = str(raised.value)
    assert message.startswith(expected)
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


def test_env_example_documents_exactly_the_declared_variables_with_their_defaults():
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    documented = dict(re.findall(r"^# ([A-Z][A-Z0-9_]+)=(.*)$", example, re.M))
    declared = {field.validation_alias: name for name, field in AgentSettings.model_fields.items()}
    assert set(documented) == set(declared)
    defaults = load_settings({})
    for variable, value in documented.items():
        if value:  # a value shown in the example is the default
            assert getattr(load_settings({variable: value}), declared[variable]) == getattr(defaults, declared[variable])


def test_conversation_settings_default_to_a_sqlite_file_under_ai_agent_data(tmp_path):
    settings = load_settings({})
    assert settings.data_dir == Path(__file__).resolve().parents[2] / "data"
    assert (settings.checkpoint_url, settings.history_max_tokens) == (None, 6000)

    custom = load_settings({"AGENT_DATA_DIR": str(tmp_path), "AGENT_HISTORY_MAX_TOKENS": "2000",
                            "AGENT_CHECKPOINT_URL": "postgresql://agent:pw@db:5432/agent"})
    assert (custom.data_dir, custom.history_max_tokens) == (tmp_path, 2000)
    assert custom.checkpoint_url.get_secret_value() == "postgresql://agent:pw@db:5432/agent"
    assert "pw" not in repr(custom)




# --- each kind of value: what it accepts, and the one-line error for the rest --------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("TRUE", True), ("yes", True), (" On ", True),
    ("0", False), ("false", False), ("No", False), ("off", False), ("", False), ("   ", False),
])
def test_flags_take_1_0_true_false_yes_no_on_off_in_any_case(value, expected):
    assert load_settings({"AGENT_RELOAD": value}).reload is expected


@pytest.mark.parametrize("value", ["maybe", "2", "y", "t", "enabled", "1.0", "yes please"])
def test_any_other_flag_value_is_an_error(value):
    with pytest.raises(SettingsError) as raised:
        load_settings({"AGENT_RELOAD": value})
    assert str(raised.value) == (
        f"AGENT_RELOAD={value!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off")


def test_blanks_around_values_are_ignored():
    settings = load_settings({"AGENT_PORT": " 9001 ", "TICKET_SYSTEM_URL": "\thttp://tickets:8000/ ", "AGENT_LLM_PROVIDER": " "})
    assert (settings.port, settings.ticket_system_url, settings.provider) == (9001, "http://tickets:8000", "offline")


def test_every_wrong_value_is_named_in_the_same_line():
    with pytest.raises(SettingsError) as raised:
        load_settings({"AGENT_PORT": "eighty", "AGENT_RELOAD": "maybe"})
    assert str(raised.value).startswith("AGENT_PORT='eighty' is not a whole number; AGENT_RELOAD='maybe'")

    with pytest.raises(SettingsError) as raised:
        load_settings({"AGENT_LLM_PROVIDER": "azure"})
    message = str(raised.value)
    assert "\n" not in message
    for variable in ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_CHAT_DEPLOYMENT"):
        assert f"{variable} is not set: set it to " in message


def test_a_mapping_is_the_only_source(tmp_path, monkeypatch):
    env_file = tmp_path / "agent.env"
    env_file.write_text("AGENT_PORT=9001\n")
    monkeypatch.setattr(os, "environ", {"AI_AGENT_ENV_FILE": str(env_file), "AGENT_RELOAD": "1"})

    settings = load_settings({"TICKET_SYSTEM_URL": "http://given:8000"})

    assert (settings.port, settings.reload, settings.ticket_system_url) == (8100, False, "http://given:8000")


# --- secrets ------------------------------------------------------------------------------------

SECRETS = {
    "TICKETS_API_TOKEN": "token-7f3a",
    "OPENAI_API_KEY": "sk-9b2c",
    "AZURE_OPENAI_API_KEY": "azure-4d1e",
    "AGENT_CHECKPOINT_URL": "postgresql://agent:pw-5e6f@db:5432/agent",
}
SECRET_VALUES = ("token-7f3a", "sk-9b2c", "azure-4d1e", "pw-5e6f")


def test_secrets_are_read_but_never_shown():
    settings = load_settings({**AZURE, **SECRETS})

    assert settings.tickets_api_token.get_secret_value() == "token-7f3a"
    assert settings.openai_api_key.get_secret_value() == "sk-9b2c"
    assert settings.azure_api_key.get_secret_value() == "azure-4d1e"
    assert settings.checkpoint_url.get_secret_value() == SECRETS["AGENT_CHECKPOINT_URL"]
    for shown in (repr(settings), str(settings), str(settings.model_dump())):
        assert not any(secret in shown for secret in SECRET_VALUES), shown


@pytest.mark.parametrize("wrong", [
    {"AGENT_CHECKPOINT_URL": "mysql://agent:pw-5e6f@db/agent"},  # the secret itself is wrong
    {**SECRETS, "AGENT_PORT": "eighty"},  # another setting is wrong while the secrets are set
    {**SECRETS, "AGENT_LLM_PROVIDER": "azure"},  # a rule about several settings fails
])
def test_errors_never_show_a_secret(wrong):
    with pytest.raises(SettingsError) as raised:
        load_settings(wrong)
    # Not in the message, nor anywhere in the traceback a log would print.
    printed = "".join(traceback.format_exception(raised.value))
    assert not any(secret in printed for secret in SECRET_VALUES), printed
