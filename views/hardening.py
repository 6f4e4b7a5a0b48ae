"""HTTP hardening of every response: security headers with a per-request CSP nonce, no-store
on pages, cookie flags, session lifetime, proxy headers, safe redirects, structured logs.

Flask-Talisman's job, written out (about 150 lines) because the console needs two things it
does not do: hashes of the inline event handlers Flask-Admin's own templates carry
(``onclick="faForm.addInlineField(...)"``, the delete confirmations), and an absolute session
lifetime next to the idle timeout.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import logging
import re
import secrets
import sys
import time
import uuid
from urllib.parse import urljoin, urlsplit

from flask import (
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from flask_security import logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger("console")

#: What a neutral server says about itself (Werkzeug and gunicorn name themselves otherwise).
SERVER_NAME = "console"
#: Inline event handlers and javascript: links in server-rendered HTML (Flask-Admin's
#: templates and ours), in either quoting.
HANDLER = re.compile(r"""\son[a-z]+=(?:"([^"]*)"|'([^']*)')""")
JS_LINK = re.compile(r"""\shref=(?:"javascript:([^"]*)"|'javascript:([^']*)')""")


def csp_nonce() -> str:
    """One nonce per request, for every inline and external <script> of the page."""
    if not has_request_context():
        return ""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _handler_hashes(body: str) -> list[str]:
    """'sha256-...' of each distinct inline handler the page's own templates wrote.

    Only a template can put a literal ``on...="`` (or ``='``) in the page: data are escaped
    (quotes become ``&#34;`` and ``&#39;``, ``tojson`` escapes them too), so no value typed by
    a user is ever allowed by this."""
    sources = set()
    for match in HANDLER.finditer(body):
        sources.add(html.unescape(match.group(1) or match.group(2) or ""))
    for match in JS_LINK.finditer(body):
        # Browsers hash a javascript: link with or without its scheme: both are allowed.
        code = html.unescape(match.group(1) or match.group(2) or "")
        sources |= {code, f"javascript:{code}"}
    digests = {base64.b64encode(hashlib.sha256(c.encode()).digest()).decode() for c in sources}
    return [f"'sha256-{d}'" for d in sorted(digests)]


def content_security_policy(nonce: str, hashes: list[str]) -> str:
    script = ["'self'", f"'nonce-{nonce}'"]
    if hashes:
        script += ["'unsafe-hashes'", *hashes]
    return "; ".join(
        (
            "default-src 'self'",
            "script-src " + " ".join(script),
            # Inline style attributes (widths in the templates, select2's positioning).
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _is_static() -> bool:
    return bool(request.endpoint) and request.endpoint.split(".")[-1] == "static"


def security_headers(response):
    """Every response: framing refused, nosniff, no referrer outside, CSP on HTML, no-store
    on everything but static files (pages and downloads carry personal data)."""
    headers = response.headers
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    hashes = []
    if response.mimetype == "text/html" and not (response.direct_passthrough
                                                  or response.is_streamed):
        hashes = _handler_hashes(response.get_data(as_text=True))
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), hashes)
    if not _is_static():
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if not request.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        # Werkzeug adds its own banner only when the application sent none.
        headers["Server"] = SERVER_NAME
    headers["X-Request-Id"] = g.get("request_id", "")
    return response


def safe_target(url: str | None) -> str | None:
    """``url`` if it points inside this site (same scheme and host), else None."""
    if not url:
        return None
    target = urlsplit(urljoin(request.host_url, url))
    here = urlsplit(request.host_url)
    if target.scheme in ("http", "https") and target.netloc == here.netloc:
        return target.geturl()
    return None


def enforce_session_lifetime():
    """Idle timeout: the session cookie is permanent with the idle lifetime and re-signed on
    every request (Flask refuses an older signature). Absolute lifetime: counted from the
    login (Flask-Security's ``fs_paa``); past it the user logs in again."""
    if _is_static():
        return None
    session.permanent = True
    if not current_user.is_authenticated:
        return None
    started = session.get("fs_paa")
    if started is None:
        # Logged in through a remember cookie (or a test client): the session starts now.
        session["fs_paa"] = started = time.time()
    limit = dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"]).total_seconds()
    if time.time() - float(started) > limit:
        logout_user()
        flash(gettext("Your session has expired: please log in again."), "info")
        return redirect(url_for("security.login", next=safe_target(request.full_path)))
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, user id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for key in ("method", "path", "status", "ms", "event"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestContextFilter(logging.Filter):
    """Adds the request id and the user id (never a name or an e-mail) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            if getattr(record, "user_id", None) is None:
                user = current_user if current_user and current_user.is_authenticated else None
                record.user_id = user.id if user else None
        else:
            record.request_id = getattr(record, "request_id", None)
            record.user_id = getattr(record, "user_id", None)
        return True


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s u=%(user_id)s] %(message)s")
        )
    handler.addFilter(RequestContextFilter())
    log.handlers[:] = [handler]
    log.setLevel(app.config["LOG_LEVEL"])
    log.propagate = False


def init_app(app: Flask) -> None:
    """Wire the hardening into ``app`` (called once by create_app)."""
    proxies = {f"x_{k}": n for k, n in app.config["PROXY_FIX"].items()}
    if any(proxies.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **proxies)
    https = app.config["CONSOLE_HTTPS"]
    app.config.update(
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
        SESSION_REFRESH_EACH_REQUEST=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=https,
        REMEMBER_COOKIE_DURATION=dt.timedelta(hours=app.config["SESSION_MAX_HOURS"]),
        PREFERRED_URL_SCHEME="https" if https else "http",
    )
    gunicorn = sys.modules.get("gunicorn.http.wsgi")
    if gunicorn is not None:
        # gunicorn writes "Server: gunicorn" itself, from this module global.
        gunicorn.SERVER = SERVER_NAME
    configure_logging(app)

    @app.before_request
    def _start():
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        g.started = time.perf_counter()
        return enforce_session_lifetime()

    @app.after_request
    def _finish(response):
        response = security_headers(response)
        if not _is_static():
            # The path only: a query string may hold a surname typed in the search box.
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
                },
            )
        return response
