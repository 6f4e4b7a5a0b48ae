"""Backups (issue 11, item 7): ``flask backup -o FILE`` and ``flask restore FILE`` round
trip on the test's own database (SQLite's online backup API, or pg_dump / pg_restore):
after changes made since the backup, the restore brings back the same row counts and the
same checksum of every key table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update

from models import Comune, Ore, Persona, db
from views.manutenzione import KEY_TABLES, snapshot

from . import factories as f


def _data(app) -> None:
    with app.app_context():
        s = db.session
        w = f.make_world(s)
        f.make_ore(s, w.percorso, data=dt.date(2025, 3, 3))
        fattura = f.make_fattura_emessa(s, w.comune, w.programma)
        f.make_riga_fattura(s, fattura)
        s.commit()


def _snapshot(app) -> dict:
    with app.app_context(), db.engine.connect() as conn:
        return snapshot(conn)


def test_backup_and_restore_round_trip(standalone_app, tmp_path):
    app = standalone_app
    _data(app)
    before = _snapshot(app)
    assert before["persona"][0] == 2 and before["fattura"][0] == 1
    runner = app.test_cli_runner()
    backup = tmp_path / "console.backup"
    result = runner.invoke(args=["backup", "-o", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0 and "Backup written" in result.output

    with app.app_context():  # life goes on after the backup
        s = db.session
        s.execute(delete(Ore))
        s.execute(update(Persona).values(note="cambiata"))
        f.make_comune(s, nome="Nuovo Comune")
        s.commit()
    changed = _snapshot(app)
    assert changed["ore"][0] == 0 and changed["comune"][0] == before["comune"][0] + 1
    assert changed["persona"] != before["persona"]

    refused = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert refused.exit_code != 0 and _snapshot(app) == changed

    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert _snapshot(app) == before
    with app.app_context():  # the console works on the restored database
        assert db.session.query(Comune).filter_by(nome="Nuovo Comune").count() == 0
        f.make_comune(db.session, nome="Dopo il ripristino")
        db.session.commit()


def test_restore_refuses_a_file_that_is_not_a_backup(standalone_app, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    before = _snapshot(standalone_app)
    result = standalone_app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert _snapshot(standalone_app) == before


def test_the_snapshot_covers_the_key_tables(standalone_app):
    assert set(_snapshot(standalone_app)) == set(KEY_TABLES)
