"""The console's settings: read from the environment in one place, checked before start-up.

Production (gunicorn, README "Production") passes every secret through the environment; a
development instance (``CONSOLE_DEV=1``, what ``make run`` sets) generates its own random
secrets once and keeps them in ``instance/secrets.json``, never committed. A missing or
known-default secret, or invalid agency data, stops the start-up with a message naming the
variable (the agency data end up in every FatturaPA file: better refused at start than at
the first invoice download).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message names the environment variable."""


#: Secrets that were ever written in this repository or are typical placeholders.
KNOWN_DEFAULTS = {
    "dev-only-secret-change-me",
    "dev-only-salt",
    "change-me",
    "changeme",
    "secret",
    "password",
    "salt",
    "dev",
    "development",
    "test",
}
#: Secrets are random strings of at least this many characters.
MIN_SECRET_LENGTH = 32
SECRET_VARIABLES = ("SECRET_KEY", "SECURITY_PASSWORD_SALT")

#: The demo agency of a development instance (tests and ``make run``).
DEMO_AGENCY = {
    "AGENZIA_DENOMINAZIONE": "Agenzia Lavoro Demo S.r.l.",
    "AGENZIA_PARTITA_IVA": "01234560173",
    "AGENZIA_CODICE_FISCALE": "01234560173",
    "AGENZIA_INDIRIZZO": "Via Roma 1",
    "AGENZIA_CAP": "25065",
    "AGENZIA_COMUNE": "Lumezzane",
    "AGENZIA_PROVINCIA": "BS",
    # A well-formed example IBAN: invoices are paid by bank transfer (MP05) to it.
    "AGENZIA_IBAN": "IT60X0542811101000000123456",
}
#: FatturaPA RegimeFiscale codes (RF03 was withdrawn).
REGIMI_FISCALI = {f"RF{n:02d}" for n in range(1, 20)} - {"RF03"}


def _flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in ("1", "true", "yes", "on", "si", "sì"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={value!r}: use 1 or 0.")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise SettingsError(f"{name}={value!r} must be at least {minimum}.")
    return number


def instance_secrets(instance_path: Path) -> dict[str, str]:
    """The development instance's own random secrets, made on first start (mode 0600)."""
    path = instance_path / "secrets.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    values = {name: secrets.token_urlsafe(48) for name in SECRET_VARIABLES}
    instance_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(values, handle)
    return values


def settings_from_env(env: Mapping[str, str], instance_path: Path) -> dict:
    """Every setting the console reads from the environment (README, "Settings")."""
    dev = _flag(env, "CONSOLE_DEV")
    generated = instance_secrets(instance_path) if dev and not all(
        env.get(name) for name in SECRET_VARIABLES
    ) else {}
    https = _flag(env, "CONSOLE_HTTPS")
    idle = _int(env, "SESSION_IDLE_MINUTES", 30, minimum=1)
    lifetime = _int(env, "SESSION_MAX_HOURS", 12, minimum=1)
    config = {
        "CONSOLE_DEV": dev,
        "SECRET_KEY": env.get("SECRET_KEY") or generated.get("SECRET_KEY"),
        "SECURITY_PASSWORD_SALT": (
            env.get("SECURITY_PASSWORD_SALT") or generated.get("SECURITY_PASSWORD_SALT")
        ),
        # TOTP secrets are encrypted with this key; derived from SECRET_KEY when not given.
        "CONSOLE_TOTP_SECRET": env.get("SECURITY_TOTP_SECRET") or None,
        "SQLALCHEMY_DATABASE_URI": env.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'console.db'}"
        ),
        # Sessions: idle timeout (the signed cookie's age, checked by Flask on every
        # request) and absolute lifetime from the login (views/hardening.py).
        "SESSION_IDLE_MINUTES": idle,
        "SESSION_MAX_HOURS": lifetime,
        "CONSOLE_REMEMBER_ME": _flag(env, "SESSION_REMEMBER_ME"),
        # Login throttling (views/accessi.py): failed attempts in the window.
        "LOGIN_MAX_FAILURES_ACCOUNT": _int(env, "LOGIN_MAX_FAILURES_ACCOUNT", 5, minimum=1),
        "LOGIN_MAX_FAILURES_ADDRESS": _int(env, "LOGIN_MAX_FAILURES_ADDRESS", 20, minimum=1),
        "LOGIN_THROTTLE_MINUTES": _int(env, "LOGIN_THROTTLE_MINUTES", 15, minimum=1),
        # Behind a reverse proxy: how many proxies set each X-Forwarded-* header.
        "PROXY_FIX": {
            key: _int(env, f"PROXY_FIX_X_{key.upper()}", 0)
            for key in ("for", "proto", "host", "port", "prefix")
        },
        "CONSOLE_HTTPS": https,
        "LOG_FORMAT": (env.get("LOG_FORMAT") or "json").lower(),
        "LOG_LEVEL": (env.get("LOG_LEVEL") or "INFO").upper(),
        # A path's documents (issue 15): the agency's own DOCX templates, when it has any
        # (same file names as views/exports/documenti/modelli/), and the signed scans.
        "DOCUMENTI_MODELLI_DIR": env.get("DOCUMENTI_MODELLI_DIR") or str(instance_path / "modelli"),
        "ALLEGATI_DIR": env.get("ALLEGATI_DIR") or str(instance_path / "allegati"),
        "ALLEGATI_MAX_MB": _int(env, "ALLEGATI_MAX_MB", 10, minimum=1),
    }
    agency = {
        name: (env.get(name) or (DEMO_AGENCY.get(name, "") if dev else "")).strip()
        for name in DEMO_AGENCY
    }
    agency["AGENZIA_REGIME_FISCALE"] = (env.get("AGENZIA_REGIME_FISCALE") or "RF01").strip()
    agency["AGENZIA_NAZIONE"] = (env.get("AGENZIA_NAZIONE") or "IT").strip()
    config.update(agency)
    return config


def check_secrets(config: Mapping) -> None:
    for name in SECRET_VARIABLES:
        value = config.get(name)
        if not value:
            raise SettingsError(
                f"{name} is not set: give it a random value of at least {MIN_SECRET_LENGTH} "
                "characters in the environment (README, \"Production\"), or set CONSOLE_DEV=1 "
                "for a development instance."
            )
        if str(value).strip().lower() in KNOWN_DEFAULTS:
            raise SettingsError(f"{name} is a known default value: set a random one.")
        if len(str(value)) < MIN_SECRET_LENGTH:
            raise SettingsError(f"{name} is too short: use at least {MIN_SECRET_LENGTH} characters.")


def check_agency(config: Mapping) -> None:
    """The agency's data as FatturaPA needs them (CedentePrestatore)."""
    for name in ("AGENZIA_DENOMINAZIONE", "AGENZIA_INDIRIZZO", "AGENZIA_COMUNE"):
        if not (config.get(name) or "").strip():
            raise SettingsError(f"{name} is not set (the agency's data on its invoices).")
    piva = config.get("AGENZIA_PARTITA_IVA") or ""
    if not iva.is_valid(piva):
        raise SettingsError(f"AGENZIA_PARTITA_IVA {piva!r} is not a valid partita IVA.")
    cf = config.get("AGENZIA_CODICE_FISCALE") or ""
    if cf and not (iva.is_valid(cf) or codicefiscale.is_valid(cf)):
        raise SettingsError(f"AGENZIA_CODICE_FISCALE {cf!r} is not a valid fiscal code.")
    checks = (
        ("AGENZIA_CAP", r"\d{5}", "five digits"),
        ("AGENZIA_PROVINCIA", r"[A-Z]{2}", "two letters, e.g. BS"),
        ("AGENZIA_NAZIONE", r"[A-Z]{2}", "a two-letter country code, e.g. IT"),
    )
    for name, pattern, expected in checks:
        value = config.get(name) or ""
        if not re.fullmatch(pattern, value):
            raise SettingsError(f"{name} {value!r} is not valid: {expected}.")
    regime = config.get("AGENZIA_REGIME_FISCALE") or ""
    if regime not in REGIMI_FISCALI:
        raise SettingsError(f"AGENZIA_REGIME_FISCALE {regime!r} is not a FatturaPA code (RF01-RF19).")
    iban = config.get("AGENZIA_IBAN") or ""
    if iban:
        try:
            stdnum_iban.validate(iban)
        except StdnumError:
            raise SettingsError(f"AGENZIA_IBAN {iban!r} is not a valid IBAN.") from None


def totp_secret(config: Mapping) -> str:
    """The key that encrypts the users' TOTP secrets: SECURITY_TOTP_SECRET, else derived
    from SECRET_KEY (changing SECRET_KEY then asks everyone to set up the second factor again)."""
    if config.get("CONSOLE_TOTP_SECRET"):
        return config["CONSOLE_TOTP_SECRET"]
    digest = hmac.new(str(config["SECRET_KEY"]).encode(), b"console-totp", hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()


def check_settings(config: Mapping) -> None:
    """Refuse to start on a missing or unsafe secret or invalid agency data."""
    check_secrets(config)
    check_agency(config)
    if config.get("LOG_FORMAT") not in ("json", "text"):
        raise SettingsError(f"LOG_FORMAT {config.get('LOG_FORMAT')!r}: use json or text.")
