"""CLI commands: ``flask seed ...`` (reference and demo data) and ``flask users ...`` (the
groups app.py registers with every other command)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from models import db

from .users import create_user, ensure_roles

seed_cli = AppGroup("seed", help="Load reference and demo data.")
users_cli = AppGroup("users", help="Manage console users.")


@seed_cli.command("roles")
def seed_roles() -> None:
    """Create the five roles if missing."""
    ensure_roles(db.session)
    db.session.commit()
    click.echo("Roles ready.")


@seed_cli.command("demo")
def seed_demo() -> None:
    """Load the deterministic demo data set (idempotent: does nothing if already loaded)."""
    from .demo import load_demo

    created = load_demo(db.session)
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")


@seed_cli.command("scale")
@click.option("--factor", default=1.0, show_default=True, type=click.FloatRange(0.001, 20),
              help="Scale of the data set: 1 = 250 Comuni, 100 000 people, 2 000 000 hour rows.")
@click.option("--oggi", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Reference day of the data (default: today).")
def seed_scale(factor: float, oggi) -> None:
    """Bulk-load the synthetic regional data set for the benchmarks (loads the demo first)."""
    import time

    from .scale import load_scale

    started = time.perf_counter()
    counts = load_scale(db.session, factor, oggi.date() if oggi else None)
    if counts is None:
        click.echo("Scale data already present.")
        return
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # visibility map for index-only scans
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    for table, n in counts.items():
        click.echo(f"  {table:<28} {n:>10,}")
    click.echo(f"Scale data loaded in {time.perf_counter() - started:.0f} s.")


@users_cli.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, required=True, help="Role code (repeatable).")
@click.option("--comune", "comune_istat", default=None, help="ISTAT code of the Comune (servizio_sociale).")
@click.option("--ente", "ente_id", type=int, default=None, help="Id of the cooperative (tutor_coop).")
@click.option("--nome", default="")
@click.option("--cognome", default="")
def users_create(email, password, roles, comune_istat, ente_id, nome, cognome) -> None:
    """Add a console user with the given roles."""
    from models import EnteOspitante
    from models.errors import DomainError

    try:
        create_user(
            db.session,
            email=email,
            password=password,
            roles=roles,
            comune_istat=comune_istat,
            nome=nome,
            cognome=cognome,
            ente=db.session.get(EnteOspitante, ente_id) if ente_id else None,
        )
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"User {email} created.")
