"""Every page of every view answers each role as the permission table says."""

import pytest

from views import VIEWS

ROLES = ("operatore", "pal", "amministrazione", "servizio_sociale", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_each_view_allows_exactly_its_roles(client_for, role):
    client = client_for(role)
    for view_cls, _model, _name, endpoint, _cat in VIEWS:
        letters = view_cls.permissions.get(role, "")
        expected = 200 if "r" in letters else 403
        assert client.get(f"/admin/{endpoint}/").status_code == expected, (role, endpoint)
        r = client.get(f"/admin/{endpoint}/new/")
        if "c" in letters:
            assert r.status_code == 200, (role, endpoint, "new")
        else:
            assert r.status_code in (302, 403), (role, endpoint, "new")
        if "r" in letters:
            r = client.get(f"/admin/{endpoint}/export/csv/")
            assert r.status_code == 200, (role, endpoint, "export")


def test_anonymous_is_sent_to_login_everywhere(anon):
    for _view_cls, _model, _name, endpoint, _cat in VIEWS:
        r = anon.get(f"/admin/{endpoint}/")
        assert r.status_code == 302 and "/login" in r.headers["Location"], endpoint
    r = anon.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_postgresql_connections_run_without_jit(app):
    """PostgreSQL's JIT costs the reports about half a second of compiling (README)."""
    from sqlalchemy import text

    from models import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting: this run is on SQLite")
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
