"""The command line: `flask users create` and `flask seed roles`."""

from __future__ import annotations

from sqlalchemy import select

from models import Utente, db

from . import factories as f


def test_users_create_adds_a_user_with_roles_and_hashed_password(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "mario@example.org", "--password", "Valtrompia-Lavoro-2026",
                                 "--role", "operatore", "--role", "pal", "--nome", "Mario"])
    assert result.exit_code == 0, result.output
    with ctx():
        user = db.session.scalar(select(Utente).where(Utente.email == "mario@example.org"))
        assert user.role_names == {"operatore", "pal"}
        assert user.password.startswith("$argon2")


def test_users_create_social_worker_needs_a_comune(app, ctx):
    with ctx():
        comune = f.make_comune(db.session)
        istat = comune.codice_istat
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "ss@example.org", "--password", "Valtrompia-Lavoro-2026",
                                 "--role", "servizio_sociale"])
    assert result.exit_code != 0 and "Comune" in result.output
    result = runner.invoke(args=["users", "create", "ss@example.org", "--password", "Valtrompia-Lavoro-2026",
                                 "--role", "servizio_sociale", "--comune", istat])
    assert result.exit_code == 0, result.output
    with ctx():
        user = db.session.scalar(select(Utente).where(Utente.email == "ss@example.org"))
        assert user.comune.codice_istat == istat


def test_users_create_refuses_unknown_roles_and_duplicates(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "x@example.org", "--password", "Valtrompia-Lavoro-2026", "--role", "capo"])
    assert result.exit_code != 0 and "capo" in result.output
    runner.invoke(args=["users", "create", "x@example.org", "--password", "Valtrompia-Lavoro-2026", "--role", "pal"])
    result = runner.invoke(args=["users", "create", "x@example.org", "--password", "Valtrompia-Lavoro-2026", "--role", "pal"])
    assert result.exit_code != 0 and "x@example.org" in result.output
    with ctx():
        assert len(db.session.scalars(select(Utente)).all()) == 1


def test_users_create_refuses_a_short_password(app, ctx):
    result = app.test_cli_runner().invoke(args=["users", "create", "y@example.org", "--password", "corta", "--role", "pal"])
    assert result.exit_code != 0
    with ctx():
        assert db.session.scalar(select(Utente)) is None


def test_seed_scale_loads_the_scale_data_once(standalone_app):
    """Real commits on a database of its own: the command vacuums it on PostgreSQL."""
    app = standalone_app
    result = app.test_cli_runner().invoke(args=["seed", "scale", "--factor", "0.005",
                                                "--oggi", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "Scale data loaded" in result.output
    again = app.test_cli_runner().invoke(args=["seed", "scale", "--factor", "0.005"])
    assert "already present" in again.output


def test_every_command_is_registered_by_the_app_factory(app):
    """One place registers the CLI (create_app): the seed, users, export and import groups."""
    assert {"seed", "users", "export", "import"} <= set(app.cli.commands)
    assert set(app.cli.commands["import"].commands) == {
        "persone", "enti", "postazioni", "percorsi", "ore", "budget", "modello"}
    assert set(app.cli.commands["export"].commands) == {
        "fogli-ore", "indennita", "semestrale", "trimestrale", "budget", "esiti", "registro-fatture", "fatture",
        "registro-presenze", "documenti"}


def test_export_commands_use_models_and_builders_not_view_modules():
    """The CLI reads the models and writes with the pure builders of views/exports; it never
    goes through a console view (views/*.py) to compute anything."""
    import ast
    from pathlib import Path

    exports = Path(__file__).resolve().parents[1] / "views" / "exports"
    for source in sorted(exports.glob("cli*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = ("views.exports." if node.level == 1 else "") + (node.module or "")
                assert node.level in (0, 1), (source.name, module)
                assert not module.startswith("views.") or module.startswith("views.exports."), (source.name, module)
