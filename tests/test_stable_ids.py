"""No id is ever reused (issue 11, item 5): an audit row or a reading of special-category
data names one record forever. SQLite needs AUTOINCREMENT for that (models/__init__.py and
migration 0007); PostgreSQL's sequences never go back."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import delete, text

from models import Base, Comune, Persona, RegistroAudit, db

from . import factories as f
from .test_migrations import _drop_everything

ID_TABLES = sorted(
    name for name, table in Base.metadata.tables.items()
    if [c.name for c in table.primary_key.columns] == ["id"]
)


def test_a_deleted_id_is_never_given_again(session):
    comune = f.make_comune(session)
    persona = f.make_persona(session, comune)
    last = persona.id
    session.execute(delete(Persona).where(Persona.id == last))
    session.flush()
    again = f.make_persona(session, comune)
    assert again.id > last


def test_an_audit_row_keeps_naming_the_deleted_record(app, client_for, world, ctx):
    with ctx():
        comune = f.make_comune(db.session, nome="Da cancellare")
        db.session.commit()
        gone = comune.id
    r = client_for("admin").post("/admin/comune/delete/", data={"id": str(gone)})
    assert r.status_code == 302
    with ctx():
        assert db.session.get(Comune, gone) is None
        newer = f.make_comune(db.session, nome="Nuovo")
        db.session.commit()
        assert newer.id != gone
        rows = db.session.query(RegistroAudit).filter_by(tabella="comune", record_id=str(gone)).all()
        # The log's "delete" row names the deleted Comune, and nothing else ever gets its id.
        assert [r.azione for r in rows] == ["delete"]
        assert rows[0].modifiche["nome"] == ["Da cancellare", None]


def test_migrations_give_every_id_table_autoincrement_on_sqlite(standalone_app):
    with standalone_app.app_context():
        _drop_everything()
        upgrade()
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "sqlite":
                sql = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
                missing = [t for t in ID_TABLES if "AUTOINCREMENT" not in sql[t]]
                assert missing == []
            # The rule itself, on the migrated schema of either database.
            insert = text("INSERT INTO categoria_svantaggio (codice, descrizione) VALUES (:c, 'x')")
            conn.execute(insert, {"c": "A"})
            first = conn.execute(text("SELECT max(id) FROM categoria_svantaggio")).scalar()
            conn.execute(text("DELETE FROM categoria_svantaggio WHERE id = :i"), {"i": first})
            conn.execute(insert, {"c": "B"})
            second = conn.execute(text("SELECT max(id) FROM categoria_svantaggio")).scalar()
            assert second > first
        _drop_everything()
        db.engine.dispose()
