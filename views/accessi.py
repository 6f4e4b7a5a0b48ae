"""Login: throttling, the login log, remember-me off by default, a second factor where a
role requires it, and logout that ends the session on the server (rules in
models/operations/accessi.py)."""

from __future__ import annotations

import logging
import math

from flask import Flask, current_app, request
from flask_babel import ngettext
from flask_login import user_logged_out
from flask_security import LoginForm, user_authenticated
from flask_security.forms import TwoFactorVerifyCodeForm

from models import clock, db
from models.operations.accessi import Limiti, record_attempt, throttled_until

log = logging.getLogger("console")


def _limits() -> Limiti:
    config = current_app.config
    return Limiti(
        per_account=config["LOGIN_MAX_FAILURES_ACCOUNT"],
        per_address=config["LOGIN_MAX_FAILURES_ADDRESS"],
        minutes=config["LOGIN_THROTTLE_MINUTES"],
    )


def _refuse_if_throttled(form, email: str | None, utente_id: int | None) -> bool:
    """Record and refuse an attempt while its identity or address is throttled."""
    until = throttled_until(db.session, email, request.remote_addr, _limits())
    if until is None:
        return False
    minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
    form.form_errors.append(
        ngettext(
            "Too many failed attempts: try again in %(num)d minute.",
            "Too many failed attempts: try again in %(num)d minutes.",
            minutes,
        )
    )
    record_attempt(db.session, email, request.remote_addr, "bloccato", utente_id)
    db.session.commit()
    log.warning("login throttled", extra={"event": "login_throttled"})
    return True


class ConsoleLoginForm(LoginForm):
    """Flask-Security's login form, throttled and logged; no remember-me unless enabled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not current_app.config["CONSOLE_REMEMBER_ME"]:
            del self.remember

    def validate(self, **kwargs) -> bool:
        email = self.email.data if self.email else None
        if email and _refuse_if_throttled(self, email, None):
            return False
        ok = super().validate(**kwargs)
        if not email or (not ok and self.user is None and not self.email.errors):
            # Refused before any credential was checked (e.g. an off-site ``next``).
            return ok
        if ok:
            esito = "ok"
        elif self.user is None:
            esito = "utente_sconosciuto"
        elif not self.user_authenticated:
            esito = "password_errata"
        else:
            esito = "disattivato"
        record_attempt(db.session, email, request.remote_addr, esito,
                       self.user.id if self.user is not None else None)
        db.session.commit()
        if not ok:
            # No e-mail in the log line: the login log (admin only) has it.
            log.warning("login failed", extra={"event": f"login_{esito}"})
        return ok


class ConsoleTwoFactorVerifyForm(TwoFactorVerifyCodeForm):
    """The second factor's code, throttled and logged like the password."""

    def validate(self, **kwargs) -> bool:
        user = self.user
        if self.is_setup or user is None:
            return super().validate(**kwargs)
        if _refuse_if_throttled(self, user.email, user.id):
            return False
        ok = super().validate(**kwargs)
        if not ok:
            record_attempt(db.session, user.email, request.remote_addr, "codice_errato", user.id)
            db.session.commit()
            log.warning("second factor failed", extra={"event": "login_codice_errato"})
        return ok


def init_login_hooks(app: Flask) -> None:
    """Log every login; rotate the user's identity key at logout, so that a session cookie
    (or remember cookie) saved before the logout is refused after it, on every device."""

    @user_authenticated.connect_via(app)
    def _logged_in(sender, user, **extra):
        log.info("login", extra={"event": "login", "user_id": user.id})

    @user_logged_out.connect_via(app)
    def _logged_out(sender, user, **extra):
        if user is None or not getattr(user, "is_authenticated", False):
            return
        app.extensions["datastore"].set_uniquifier(user)
        db.session.commit()
        log.info("logout", extra={"event": "logout", "user_id": user.id})
