"""Maintenance commands: ``flask backup``, ``flask restore`` and ``flask gdpr ...``.

Backups: SQLite through its online backup API (a consistent copy while the console runs);
PostgreSQL through ``pg_dump`` in its custom format, restored by ``pg_restore`` in one
transaction. The password never goes on a command line (``PGPASSWORD``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import URL

from models import db
from models.errors import DomainError
from models.operations.gdpr import anonymise_before

#: The tables whose counts and checksum the backup and restore commands print.
KEY_TABLES = ("comune", "persona", "dati_sensibili", "percorso", "voucher", "ore", "addebito",
              "fattura", "riga_fattura", "pagamento", "utente", "registro_audit")


def snapshot(connection, tables=KEY_TABLES) -> dict[str, tuple[int, str]]:
    """Per table: row count and a SHA-256 of every row in primary-key order."""
    metadata = MetaData()
    metadata.reflect(connection, only=list(tables))
    result = {}
    for name in tables:
        table = metadata.tables[name]
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        count = 0
        for row in connection.execute(select(table).order_by(*order)):
            digest.update(repr(tuple(str(v) for v in row)).encode())
            count += 1
        result[name] = (count, digest.hexdigest()[:16])
    return result


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise click.ClickException(
            f"{name} not found: install the PostgreSQL client (Debian: postgresql-client)."
        )
    return path


def _print_snapshot(label: str) -> None:
    with db.engine.connect() as conn:
        for table, (count, digest) in snapshot(conn).items():
            click.echo(f"  {table:<16} {count:>10,}  {digest}")
    click.echo(label)


@click.command("backup")
@with_appcontext
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The backup file to write (replaced if it exists).")
def backup_command(output: Path) -> None:
    """Write a consistent copy of the whole database to a file."""
    url = db.engine.url
    output.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        tmp = output.with_suffix(output.suffix + ".tmp")
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(url.database) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
        dst.close()
        src.close()
        tmp.replace(output)
    elif url.get_backend_name() == "postgresql":
        dsn, env = _libpq(url)
        done = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(output), "--dbname", dsn],
            env=env, capture_output=True, text=True,
        )
        if done.returncode:
            raise click.ClickException(f"pg_dump failed: {done.stderr.strip()}")
    else:
        raise click.ClickException(f"No backup method for {url.get_backend_name()}.")
    os.chmod(output, 0o600)
    _print_snapshot(f"Backup written to {output} ({output.stat().st_size:,} bytes).")


def _check_sqlite_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
    except sqlite3.DatabaseError:
        raise click.ClickException(f"{path} is not a SQLite backup of the console.") from None
    if "persona" not in names:
        raise click.ClickException(f"{path} is not a backup of the console (no persona table).")


@click.command("restore")
@with_appcontext
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(backup: Path, yes: bool) -> None:
    """Replace the whole database with a backup made by ``flask backup``. Stop the console
    first: every change made after the backup is lost."""
    url = db.engine.url
    if not yes:
        click.confirm(
            f"Replace every row of {url.render_as_string(hide_password=True)} with {backup}?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(backup)
        with sqlite3.connect(backup) as src, sqlite3.connect(url.database) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    elif url.get_backend_name() == "postgresql":
        dsn, env = _libpq(url)
        done = subprocess.run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", "--dbname", dsn, str(backup)],
            env=env, capture_output=True, text=True,
        )
        if done.returncode:
            raise click.ClickException(f"pg_restore failed: {done.stderr.strip()}")
    else:
        raise click.ClickException(f"No restore method for {url.get_backend_name()}.")
    with db.engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            if db.engine.dialect.has_table(conn, "alembic_version") else None
    _print_snapshot(f"Restored from {backup} (schema revision {revision or 'unknown'}).")


gdpr_cli = AppGroup("gdpr", help="Personal data: anonymisation (README, \"Personal data\").")


@gdpr_cli.command("anonimizza")
@click.option("--prima-del", "before", required=True,
              type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Anonymise people whose paths all ended before this day (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Only list who would be anonymised.")
def gdpr_anonymise(before: dt.datetime, dry_run: bool) -> None:
    """Anonymise the people whose paths all ended before a date, keeping the statistics."""
    try:
        people = anonymise_before(db.session, before.date(), dry_run=dry_run)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    for persona in people:
        click.echo(f"  persona #{persona.id}")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(people)} people would be anonymised (dry run: nothing changed).")
    else:
        db.session.commit()
        click.echo(f"{len(people)} people anonymised.")
