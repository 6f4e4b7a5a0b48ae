"""Login and sessions (issue 11, item 2): one message for unknown user and wrong password,
throttling per account and per address, the login log, password strength, the optional
second factor an admin can require per role, logout that ends the session on the server,
idle timeout and absolute lifetime, remember-me off by default."""

from __future__ import annotations

import re
import time

import pytest
from flask_security.proxies import _security
from sqlalchemy import select

from models import Ruolo, TentativoAccesso, Utente, db
from models.errors import DomainError
from seed.users import create_user

from . import factories as f

LOGIN = "/login"


def login_post(client, email, password, **extra):
    return client.post(LOGIN, data={"email": email, "password": password, **extra})


def errors(response) -> str:
    """The login page's error list, whitespace-normalised."""
    html = response.get_data(as_text=True)
    return " ".join(re.findall(r'class="fs-error-msg">([^<]*)<', html))


@pytest.fixture
def tight(app):
    app.config.update(LOGIN_MAX_FAILURES_ACCOUNT=3, LOGIN_MAX_FAILURES_ADDRESS=5)
    return app


def test_unknown_user_and_wrong_password_get_the_same_message(app, world, anon):
    unknown = login_post(anon, "nessuno@example.org", "qualcosa-di-sbagliato")
    wrong = login_post(anon, "operatore@example.org", "qualcosa-di-sbagliato")
    assert unknown.status_code == wrong.status_code == 200
    assert errors(unknown) == errors(wrong) != ""
    assert "non esiste" not in errors(unknown) and "Password non valida" not in errors(wrong)


def test_an_account_is_throttled_after_its_failures_even_with_the_right_password(tight, world, anon):
    for _ in range(3):
        login_post(anon, "operatore@example.org", "sbagliata-123456")
    r = login_post(anon, "operatore@example.org", f.PASSWORD)
    assert r.status_code == 200 and "Troppi tentativi falliti" in errors(r)
    assert anon.get("/admin/persona/").status_code == 302
    # Another account from the same address is not affected yet.
    assert login_post(anon, "pal@example.org", f.PASSWORD).status_code == 302


def test_an_unknown_account_is_throttled_the_same_way(tight, world, anon):
    for _ in range(3):
        login_post(anon, "nessuno@example.org", "sbagliata-123456")
    assert "Troppi tentativi falliti" in errors(login_post(anon, "nessuno@example.org", "x"))


def test_an_address_is_throttled_across_accounts(tight, world, app):
    client = app.test_client()
    for i in range(5):
        client.post(LOGIN, data={"email": f"utente{i}@example.org", "password": "x"},
                    environ_base={"REMOTE_ADDR": "10.9.8.7"})
    r = client.post(LOGIN, data={"email": "operatore@example.org", "password": f.PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert "Troppi tentativi falliti" in errors(r)
    other = app.test_client().post(LOGIN, data={"email": "operatore@example.org",
                                                "password": f.PASSWORD},
                                   environ_base={"REMOTE_ADDR": "10.9.8.8"})
    assert other.status_code == 302


def test_a_success_resets_the_account_count(tight, world, anon):
    for _ in range(2):
        login_post(anon, "operatore@example.org", "sbagliata-123456")
    assert login_post(anon, "operatore@example.org", f.PASSWORD).status_code == 302
    anon.post("/logout")
    for _ in range(2):
        login_post(anon, "operatore@example.org", "sbagliata-123456")
    assert login_post(anon, "operatore@example.org", f.PASSWORD).status_code == 302


def test_logins_and_failures_are_recorded(app, world, anon, ctx):
    login_post(anon, "nessuno@example.org", "x")
    login_post(anon, "operatore@example.org", "sbagliata")
    login_post(anon, "operatore@example.org", f.PASSWORD)
    with ctx():
        rows = db.session.execute(
            select(TentativoAccesso.email, TentativoAccesso.esito, TentativoAccesso.utente_id,
                   TentativoAccesso.indirizzo).order_by(TentativoAccesso.id)
        ).all()
    operatore = world.users["operatore"].id
    assert [(r.email, r.esito, r.utente_id) for r in rows] == [
        ("nessuno@example.org", "utente_sconosciuto", None),
        ("operatore@example.org", "password_errata", operatore),
        ("operatore@example.org", "ok", operatore),
    ]
    assert {r.indirizzo for r in rows} == {"127.0.0.1"}


def test_the_login_log_is_for_admins_only(client_for):
    assert client_for("admin").get("/admin/accessi/").status_code == 200
    for role in ("operatore", "pal", "amministrazione", "servizio_sociale"):
        assert client_for(role).get("/admin/accessi/").status_code == 403


@pytest.mark.parametrize("weak", ["12345678", "password1234", "qwerty123456"])
def test_weak_passwords_are_refused(app, weak):
    with app.test_request_context(), pytest.raises(DomainError):
        create_user(db.session, email="nuovo@example.org", password=weak, roles=["operatore"])


def test_an_admin_cannot_set_a_weak_password(client_for, world, ctx):
    r = client_for("admin").post(
        f"/admin/utente/edit/?id={world.users['pal'].id}",
        data={"email": "pal@example.org", "nome": "Paola", "cognome": "Rossi", "roles": [], "lingua": "it", "active": "y",
              "nuova_password": "12345678"},
        follow_redirects=True,
    )
    assert "almeno 10 caratteri" in r.get_data(as_text=True)
    with ctx():
        user = db.session.get(Utente, world.users["pal"].id)
        assert _security.password_util.validate(f.PASSWORD, False, user=user)[0] is None
        assert user.verify_and_update_password(f.PASSWORD)


def test_a_cookie_saved_before_logout_is_refused_after_it(app, world):
    client = app.test_client()
    assert login_post(client, "operatore@example.org", f.PASSWORD).status_code == 302
    saved = client.get_cookie("session").value
    assert client.get("/admin/persona/").status_code == 200
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved, domain="localhost")
    r = thief.get("/admin/persona/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_an_idle_session_expires(app, world, monkeypatch):
    client = app.test_client()
    login_post(client, "operatore@example.org", f.PASSWORD)
    assert client.get("/admin/persona/").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/admin/persona/").status_code == 302


def test_an_active_session_ends_at_its_absolute_lifetime(app, world):
    client = app.test_client()
    login_post(client, "operatore@example.org", f.PASSWORD)
    assert client.get("/admin/persona/").status_code == 200
    with client.session_transaction() as s:
        s["fs_paa"] = time.time() - 12 * 3600 - 60
    r = client.get("/admin/persona/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/admin/persona/").status_code == 302


def test_session_lifetimes_come_from_the_settings(app):
    assert app.permanent_session_lifetime.total_seconds() == 30 * 60
    assert app.config["SESSION_MAX_HOURS"] == 12


def test_remember_me_is_off_by_default(app, world, anon):
    assert 'name="remember"' not in anon.get(LOGIN).get_data(as_text=True)
    login_post(anon, "operatore@example.org", f.PASSWORD, remember="y")
    assert anon.get_cookie("remember_token") is None


def _set_role_two_factor(ctx, role: str) -> None:
    with ctx():
        db.session.scalar(select(Ruolo).where(Ruolo.name == role)).due_fattori_obbligatori = True
        db.session.commit()


def test_a_role_that_requires_two_factor_must_set_it_up_before_entering(app, world, anon, ctx):
    _set_role_two_factor(ctx, "pal")
    r = login_post(anon, "pal@example.org", f.PASSWORD)
    assert r.status_code == 302 and "/tf-setup" in r.headers["Location"]
    assert anon.get("/admin/").status_code == 302  # not logged in until the code is checked
    other = app.test_client()
    assert login_post(other, "operatore@example.org", f.PASSWORD).headers["Location"].endswith("/admin/")


def test_an_admin_marks_the_roles_that_require_two_factor(client_for, ctx):
    r = client_for("admin").get("/admin/ruolo/")
    assert r.status_code == 200
    pal = None
    with ctx():
        pal = db.session.scalar(select(Ruolo).where(Ruolo.name == "pal")).id
    r = client_for("admin").post(f"/admin/ruolo/edit/?id={pal}",
                                 data={"due_fattori_obbligatori": "y"})
    assert r.status_code == 302
    with ctx():
        assert db.session.get(Ruolo, pal).due_fattori_obbligatori is True
    assert client_for("operatore").post(f"/admin/ruolo/edit/?id={pal}", data={}).status_code == 403


def test_login_with_a_second_factor(app, world, anon, ctx):
    with ctx():
        user = db.session.get(Utente, world.users["operatore"].id)
        secret = _security._totp_factory.generate_totp_secret()
        user.tf_primary_method, user.tf_totp_secret = "authenticator", secret
        db.session.commit()
    r = login_post(anon, "operatore@example.org", f.PASSWORD)
    assert "/tf-validate" in r.headers["Location"]
    assert anon.get("/admin/persona/").status_code == 302
    bad = anon.post("/tf-validate", data={"code": "000000"})
    assert bad.status_code == 200 and anon.get("/admin/persona/").status_code == 302
    with ctx():
        code = _security._totp_factory.generate_totp_password(secret)
        failed = db.session.scalar(select(TentativoAccesso).where(
            TentativoAccesso.esito == "codice_errato"))
        assert failed is not None and failed.utente_id == world.users["operatore"].id
    assert anon.post("/tf-validate", data={"code": code}).status_code == 302
    assert anon.get("/admin/persona/").status_code == 200
