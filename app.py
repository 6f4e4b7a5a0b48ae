"""The application factory: settings, database, Babel, login, admin views and CLI."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from flask import Flask, has_request_context, redirect, request, session, url_for
from flask_babel import Babel
from flask_login import current_user
from flask_migrate import Migrate
from flask_security import Security, SQLAlchemyUserDatastore
from flask_wtf.csrf import CSRFProtect

from models import Ruolo, Utente, db
from models.audit import set_user_provider
from models.settings import check_settings, settings_from_env, totp_secret

HERE = Path(__file__).resolve().parent
LANGUAGES = ("it", "en")


def select_locale() -> str:
    """The user's chosen language (session first, then profile), Italian by default."""
    if not has_request_context():
        return "it"
    lingua = session.get("lingua")
    if lingua in LANGUAGES:
        return lingua
    if current_user and current_user.is_authenticated and current_user.lingua in LANGUAGES:
        return current_user.lingua
    return "it"


def _current_user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def create_app(test_config: dict | None = None) -> Flask:
    """Build the console. Settings come from the environment (models/settings.py);
    ``test_config`` overrides them (tests). Refuses to start on a missing or unsafe secret
    or invalid agency data, naming the variable (SettingsError)."""
    app = Flask(__name__, instance_path=str(HERE / "instance"), template_folder="views/templates",
                static_folder="views/static")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        BABEL_DEFAULT_LOCALE="it",
        BABEL_DEFAULT_TIMEZONE="Europe/Rome",
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        FLASK_ADMIN_FLUID_LAYOUT=True,
        # Static files (Flask-Admin's and ours) are cached for an hour instead of revalidated on
        # every page: a page view is one request, not sixteen (pages themselves are no-store).
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        SECURITY_PASSWORD_HASH="argon2",
        SECURITY_TRACKABLE=True,
        SECURITY_CHANGEABLE=True,
        SECURITY_SEND_PASSWORD_CHANGE_EMAIL=False,
        SECURITY_REGISTERABLE=False,
        SECURITY_POST_LOGIN_VIEW="/admin/",
        SECURITY_POST_LOGOUT_VIEW="/login",
        SECURITY_POST_CHANGE_VIEW="/admin/",
        SECURITY_USERNAME_ENABLE=False,
        # Strength, not only length: zxcvbn scores "12345678" 0 and "demo-pal-2025" 4.
        SECURITY_PASSWORD_LENGTH_MIN=10,
        SECURITY_PASSWORD_COMPLEXITY_CHECKER="zxcvbn",
        SECURITY_ZXCVBN_MINIMUM_SCORE=3,
        SECURITY_PASSWORD_CHECK_BREACHED=False,
        # One message for an unknown user and a wrong password.
        SECURITY_RETURN_GENERIC_RESPONSES=True,
        SECURITY_DEFAULT_REMEMBER_ME=False,
        # Optional TOTP second factor; required for the roles an admin marks (Ruolo).
        SECURITY_TWO_FACTOR=True,
        SECURITY_TWO_FACTOR_ENABLED_METHODS=["authenticator"],
        SECURITY_TWO_FACTOR_RESCUE_EMAIL=False,  # no mail server: an admin resets it
        SECURITY_TOTP_ISSUER="Console PAL",
        SECURITY_MSG_LOGIN=("Please log in to access this page.", "info"),
    )
    app.config.update(settings_from_env(os.environ, Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    check_settings(app.config)
    app.config["SECURITY_TOTP_SECRETS"] = {"1": totp_secret(app.config)}
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # PostgreSQL's JIT spends about half a second compiling a report's plan to save a few
        # milliseconds of execution: off for the console's connections (README, "Benchmarks").
        engine_options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        engine_options.setdefault("connect_args", {}).setdefault("options", "-c jit=off")

    db.init_app(app)
    Migrate(app, db, directory=str(HERE / "migrations"), render_as_batch=True)
    Babel(app, locale_selector=select_locale)
    # One CSRF mechanism for every form and action; before Security (notes).
    CSRFProtect(app)
    datastore = SQLAlchemyUserDatastore(db, Utente, Ruolo)
    app.extensions["datastore"] = datastore

    from views import hardening
    from views.accessi import ConsoleLoginForm, ConsoleTwoFactorVerifyForm, init_login_hooks

    Security(
        app,
        datastore,
        login_form=ConsoleLoginForm,
        two_factor_verify_code_form=ConsoleTwoFactorVerifyForm,
    )
    set_user_provider(_current_user_id)
    init_login_hooks(app)
    hardening.init_app(app)

    from views import init_admin

    init_admin(app)

    @app.route("/")
    def home():
        return redirect(url_for("admin.index"))

    @app.route("/lingua/<code>")
    def set_language(code: str):
        """Switch the interface language for this session, then back to the page (only
        a page of this site: never where a forged Referer points)."""
        if code in LANGUAGES:
            session["lingua"] = code
        return redirect(hardening.safe_target(request.referrer) or url_for("admin.index"))

    # Every command of the `flask` CLI, registered here: seed, users, export, import, fatture,
    # gdpr, backup, restore (fatture invia|notifiche: views/exports/cli_sdi.py).
    from seed import seed_cli, users_cli
    from views.exports.cli import export_cli
    from views.exports.cli_import import import_cli
    from views.exports.cli_mese import fatture_cli
    from views.exports.cli_sdi import invia, notifiche
    from views.manutenzione import backup_command, gdpr_cli, restore_command

    for command in (invia, notifiche):
        if command.name not in fatture_cli.commands:  # one group object, several test apps
            fatture_cli.add_command(command)
    for command in (seed_cli, users_cli, export_cli, import_cli, fatture_cli, gdpr_cli,
                    backup_command, restore_command):
        app.cli.add_command(command)
    if app.config.get("GC_FREEZE", not app.testing):
        # The app's long-lived objects (views, mappers, metadata) leave the collector's
        # generations: a full collection then scans only what requests allocate, and stops
        # pausing pages for tens of milliseconds (README, "Benchmarks").
        gc.collect()
        gc.freeze()
    return app
