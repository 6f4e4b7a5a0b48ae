"""Settings come from the environment (models/settings.py); start-up refuses a missing or
known-default secret and invalid agency data, naming the variable; a development instance
makes its own random secrets once."""

from __future__ import annotations

import os
import stat

import pytest

from app import create_app
from models.settings import SettingsError, settings_from_env

from .conftest import TEST_AGENCY, TEST_SECRETS, app_config

ENV_NAMES = ("SECRET_KEY", "SECURITY_PASSWORD_SALT", "CONSOLE_DEV", *TEST_AGENCY)


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def refused(config: dict) -> str:
    with pytest.raises(SettingsError) as info:
        create_app(config)
    return str(info.value)


@pytest.mark.parametrize("name", ["SECRET_KEY", "SECURITY_PASSWORD_SALT"])
def test_start_up_refuses_a_missing_secret_naming_it(clean_env, name):
    config = app_config("sqlite://")
    del config[name]
    assert refused(config).startswith(f"{name} is not set")


@pytest.mark.parametrize("value", ["dev-only-secret-change-me", "dev-only-salt", "changeme"])
@pytest.mark.parametrize("name", ["SECRET_KEY", "SECURITY_PASSWORD_SALT"])
def test_start_up_refuses_a_known_default_secret(clean_env, name, value):
    assert refused(app_config("sqlite://", **{name: value})).startswith(f"{name} is a known default")


def test_start_up_refuses_a_short_secret(clean_env):
    assert "SECRET_KEY is too short" in refused(app_config("sqlite://", SECRET_KEY="x" * 20))


@pytest.mark.parametrize(
    "name,value",
    [
        ("AGENZIA_PARTITA_IVA", "01234560170"),
        ("AGENZIA_CODICE_FISCALE", "ABC"),
        ("AGENZIA_CAP", "2506"),
        ("AGENZIA_PROVINCIA", "Brescia"),
        ("AGENZIA_REGIME_FISCALE", "RF03"),
        ("AGENZIA_IBAN", "IT00X0000000000000000000000"),
        ("AGENZIA_DENOMINAZIONE", ""),
    ],
)
def test_start_up_refuses_invalid_agency_data_naming_the_variable(clean_env, name, value):
    assert refused(app_config("sqlite://", **{name: value})).startswith(name)


def test_production_needs_every_setting_from_the_environment(clean_env, tmp_path):
    config = settings_from_env({}, tmp_path)
    assert config["SECRET_KEY"] is None and config["AGENZIA_PARTITA_IVA"] == ""
    assert not (tmp_path / "secrets.json").exists()
    env = {**TEST_SECRETS, **TEST_AGENCY, "SESSION_IDLE_MINUTES": "20", "PROXY_FIX_X_FOR": "1"}
    config = settings_from_env(env, tmp_path)
    assert config["SECRET_KEY"] == TEST_SECRETS["SECRET_KEY"]
    assert config["SESSION_IDLE_MINUTES"] == 20 and config["PROXY_FIX"]["for"] == 1


def test_a_wrong_number_names_its_variable(tmp_path):
    with pytest.raises(SettingsError, match="^SESSION_MAX_HOURS="):
        settings_from_env({"SESSION_MAX_HOURS": "dodici"}, tmp_path)


def test_a_development_instance_makes_its_secrets_once_and_keeps_them(tmp_path):
    first = settings_from_env({"CONSOLE_DEV": "1"}, tmp_path)
    again = settings_from_env({"CONSOLE_DEV": "1"}, tmp_path)
    assert len(first["SECRET_KEY"]) >= 32 and len(first["SECURITY_PASSWORD_SALT"]) >= 32
    assert first["SECRET_KEY"] != first["SECURITY_PASSWORD_SALT"]
    assert (first["SECRET_KEY"], first["SECURITY_PASSWORD_SALT"]) == (
        again["SECRET_KEY"], again["SECURITY_PASSWORD_SALT"])
    secrets_file = tmp_path / "secrets.json"
    assert stat.S_IMODE(os.stat(secrets_file).st_mode) == 0o600
    # Another instance gets other secrets; the demo agency stands in for AGENZIA_*.
    other = settings_from_env({"CONSOLE_DEV": "1"}, tmp_path / "other")
    assert other["SECRET_KEY"] != first["SECRET_KEY"]
    assert first["AGENZIA_PARTITA_IVA"] == TEST_AGENCY["AGENZIA_PARTITA_IVA"]
