"""No page of the console is served without the security headers (issue 11, items 3 and 4):
every view's list, create form and details for every role (and anonymous visitors), the
other pages, errors and redirects; CSP nonces on the scripts; cookies; redirects only
within the site."""

from __future__ import annotations

import re

import pytest

from views import VIEWS

ROLES = ("admin", "operatore", "pal", "amministrazione", "servizio_sociale", None)
PAGES = ("/", "/login", "/admin/", "/admin/report/", "/admin/fogli-ore/", "/admin/scadenze/",
         "/admin/nessuna-pagina/", "/change", "/tf-setup")
REQUIRED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def assert_hardened(response, url: str) -> None:
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (url, name, response.status_code)
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "script-src 'self' 'nonce-"):
        assert directive in csp, (url, directive)
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0], url
    server = response.headers.get("Server", "")
    assert "werkzeug" not in server.lower() and "python" not in server.lower(), url


def crawl(client, urls):
    seen = 0
    for url in urls:
        r = client.get(url)
        assert_hardened(r, url)
        seen += 1
        if r.status_code == 200 and url.endswith("/") and "/admin/" in url:
            html = r.get_data(as_text=True)
            nonce = re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)
            # Every <script> of the page carries this response's nonce.
            for tag in re.findall(r"<script\b[^>]*>", html):
                assert f'nonce="{nonce}"' in tag, (url, tag)
            match = re.search(r'href="(/admin/[a-z_-]+/details/\?id=[^"&]+)', html)
            if match:
                details = match.group(1).replace("&amp;", "&")
                assert_hardened(client.get(details), details)
                seen += 1
    return seen


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_page_of_the_console_is_served_with_the_security_headers(app, world, client_for,
                                                                       anon, role):
    client = client_for(role) if role else anon
    urls = list(PAGES)
    for _view, _model, _name, endpoint, _cat in VIEWS:
        urls += [f"/admin/{endpoint}/", f"/admin/{endpoint}/new/",
                 f"/admin/{endpoint}/details/?id=1", f"/admin/{endpoint}/export/csv/"]
    assert crawl(client, urls) >= len(urls)


def test_static_files_may_be_cached_but_carry_the_headers(anon):
    r = anon.get("/admin/static/admin/js/helpers.js")
    r.close()
    assert r.status_code == 200 and "no-store" not in r.headers.get("Cache-Control", "")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_inline_handlers_of_flask_admin_are_allowed_by_hash_only(client_for, world):
    r = client_for("operatore").get("/admin/voucher/new/")
    csp = r.headers["Content-Security-Policy"]
    assert 'onclick="faForm.addInlineField(this, &#39;righe&#39;);"' in r.get_data(as_text=True) \
        or "faForm.addInlineField" in r.get_data(as_text=True)
    assert "'unsafe-hashes' 'sha256-" in csp


def test_hsts_and_secure_cookies_over_https(app, world):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    r = client.get("/login", base_url="https://localhost")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" not in anon_headers(app)


def anon_headers(app):
    return app.test_client().get("/login").headers


def test_session_cookie_is_httponly_and_samesite_lax_over_http(app):
    r = app.test_client().get("/login")
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


@pytest.mark.parametrize("referer", ["https://evil.example/phish", "//evil.example/x",
                                     "http://localhost.evil.example/"])
def test_language_switch_never_redirects_off_site(client_for, world, referer):
    r = client_for("operatore").get("/lingua/en", headers={"Referer": referer})
    assert r.status_code == 302 and r.headers["Location"] in ("/admin/", "http://localhost/admin/")


def test_language_switch_returns_to_the_page_of_the_site(client_for, world):
    r = client_for("operatore").get("/lingua/en", headers={"Referer": "http://localhost/admin/persona/"})
    assert r.headers["Location"] == "http://localhost/admin/persona/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_login_next_never_leaves_the_site(app, world, target):
    from . import factories as f

    client = app.test_client()
    r = client.post(f"/login?next={target}", data={"email": "operatore@example.org",
                                                      "password": f.PASSWORD})
    # Flask-Security refuses the form (no redirect at all), or redirects within the site.
    assert "evil.example" not in r.headers.get("Location", "")
