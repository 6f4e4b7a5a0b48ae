"""The application factory: config, database, Babel, login, admin views and CLI."""

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
    """Build the console. ``test_config`` overrides the configuration (tests)."""
    app = Flask(__name__, instance_path=str(HERE / "instance"), template_folder="views/templates")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only-secret-change-me"),
        SQLALCHEMY_DATABASE_URI=os.environ.get(
            "DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'console.db'}"
        ),
        BABEL_DEFAULT_LOCALE="it",
        BABEL_DEFAULT_TIMEZONE="Europe/Rome",
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        SECURITY_PASSWORD_HASH="argon2",
        SECURITY_PASSWORD_SALT=os.environ.get("SECURITY_PASSWORD_SALT", "dev-only-salt"),
        SECURITY_TRACKABLE=True,
        SECURITY_CHANGEABLE=True,
        SECURITY_SEND_PASSWORD_CHANGE_EMAIL=False,
        SECURITY_REGISTERABLE=False,
        SECURITY_POST_LOGIN_VIEW="/admin/",
        SECURITY_POST_LOGOUT_VIEW="/login",
        SECURITY_POST_CHANGE_VIEW="/admin/",
        SECURITY_USERNAME_ENABLE=False,
        SECURITY_PASSWORD_LENGTH_MIN=8,
        SECURITY_PASSWORD_CHECK_BREACHED=False,
        SECURITY_MSG_LOGIN=("Please log in to access this page.", "info"),
        FLASK_ADMIN_FLUID_LAYOUT=True,
        # The agency as CedentePrestatore of its FatturaPA invoices (demo values: set the real
        # ones through the environment). The partita IVA must pass stdnum.it.iva.
        AGENZIA_DENOMINAZIONE=os.environ.get("AGENZIA_DENOMINAZIONE", "Agenzia Lavoro Demo S.r.l."),
        AGENZIA_PARTITA_IVA=os.environ.get("AGENZIA_PARTITA_IVA", "01234560173"),
        AGENZIA_CODICE_FISCALE=os.environ.get("AGENZIA_CODICE_FISCALE", "01234560173"),
        AGENZIA_REGIME_FISCALE=os.environ.get("AGENZIA_REGIME_FISCALE", "RF01"),
        AGENZIA_INDIRIZZO=os.environ.get("AGENZIA_INDIRIZZO", "Via Roma 1"),
        AGENZIA_CAP=os.environ.get("AGENZIA_CAP", "25065"),
        AGENZIA_COMUNE=os.environ.get("AGENZIA_COMUNE", "Lumezzane"),
        AGENZIA_PROVINCIA=os.environ.get("AGENZIA_PROVINCIA", "BS"),
        AGENZIA_NAZIONE=os.environ.get("AGENZIA_NAZIONE", "IT"),
        AGENZIA_IBAN=os.environ.get("AGENZIA_IBAN", ""),
    )
    if test_config:
        app.config.update(test_config)
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
    Security(app, datastore)
    set_user_provider(_current_user_id)

    from views import init_admin

    init_admin(app)

    @app.route("/")
    def home():
        return redirect(url_for("admin.index"))

    @app.route("/lingua/<code>")
    def set_language(code: str):
        """Switch the interface language for this session."""
        if code in LANGUAGES:
            session["lingua"] = code
        target = request.referrer or url_for("admin.index")
        return redirect(target)

    # Every command of the `flask` CLI, registered here: seed, users, export, fatture.
    from seed import seed_cli, users_cli
    from views.exports.cli import export_cli
    from views.exports.cli_mese import fatture_cli

    for group in (seed_cli, users_cli, export_cli, fatture_cli):
        app.cli.add_command(group)
    if app.config.get("GC_FREEZE", not app.testing):
        # The app's long-lived objects (views, mappers, metadata) leave the collector's
        # generations: a full collection then scans only what requests allocate, and stops
        # pausing pages for tens of milliseconds (README, "Benchmarks").
        gc.collect()
        gc.freeze()
    return app
