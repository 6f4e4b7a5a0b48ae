"""The Alembic migrations build exactly the schema the models describe, and can be undone.

Each test runs on a database of its own (``standalone_app``): it drops the schema made from
the models and builds it again from migrations/.
"""

from __future__ import annotations

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, inspect, text

from models import Base, db

MODEL_TABLES = set(Base.metadata.tables)


def _drop_everything() -> None:
    """Drop every table in the database, whatever created it (alembic_version too)."""
    with db.engine.begin() as conn:
        reflected = MetaData()
        reflected.reflect(conn)
        reflected.drop_all(conn)


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _same_default(default: str) -> str:
    """``func.now()`` in the models is rendered ``(CURRENT_TIMESTAMP)`` in the migration, which
    was generated on SQLite; PostgreSQL reports them as ``now()`` and ``CURRENT_TIMESTAMP``,
    both the transaction's start time."""
    return "CURRENT_TIMESTAMP" if default.strip("()") in ("now", "CURRENT_TIMESTAMP") else default


def _what_autogenerate_skips() -> dict[str, dict[str, list]]:
    """Per table, as the database reports them: CHECK constraints, foreign keys with their
    ON DELETE rule, and server defaults (Alembic's compare_metadata compares none of these)."""
    insp = inspect(db.engine)
    snapshot = {}
    for table in sorted(MODEL_TABLES):
        snapshot[table] = {
            "checks": sorted(
                (c["name"], " ".join(c["sqltext"].split()))
                for c in insp.get_check_constraints(table)
            ),
            "foreign_keys": sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    (fk.get("options") or {}).get("ondelete"),
                )
                for fk in insp.get_foreign_keys(table)
            ),
            "server_defaults": sorted(
                (c["name"], _same_default(str(c["default"])))
                for c in insp.get_columns(table)
                if c["default"]
            ),
        }
    return snapshot


@pytest.fixture
def empty_db(standalone_app):
    """An app context on a database of its own with no tables at all."""
    with standalone_app.app_context():
        _drop_everything()
        assert _tables() == set()
        try:
            yield
        finally:
            _drop_everything()
            db.engine.dispose()


def _index_names(table: str) -> set[str]:
    """Index names straight from the catalog (expression indexes included)."""
    sql = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t",
        "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = :t",
    }[db.engine.dialect.name]
    with db.engine.connect() as conn:
        return set(conn.execute(text(sql), {"t": table}).scalars())


def test_migrations_to_head_match_the_models(empty_db):
    upgrade()
    with db.engine.connect() as conn, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes: checked by name below instead.
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert _tables() == MODEL_TABLES | {"alembic_version"}
    assert "ix_persona_cognome_lower" in _index_names("persona")


def test_migrations_downgrade_to_base_and_upgrade_again(empty_db):
    upgrade()
    downgrade(revision="base")
    assert _tables() == {"alembic_version"}
    upgrade()
    assert _tables() == MODEL_TABLES | {"alembic_version"}
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None


def test_migrations_create_the_checks_foreign_keys_and_defaults_of_the_models(empty_db):
    db.create_all()
    from_models = _what_autogenerate_skips()
    _drop_everything()
    upgrade()
    from_migrations = _what_autogenerate_skips()
    assert from_migrations == from_models
    # The snapshot is not vacuous: it holds the named CHECKs and RESTRICT rules under test.
    assert "ck_ore_ore_in_giornata" in {name for name, _ in from_migrations["ore"]["checks"]}
    assert any(fk[3] == "RESTRICT" for fk in from_migrations["persona"]["foreign_keys"])
