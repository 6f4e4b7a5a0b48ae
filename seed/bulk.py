"""Bulk loading for the synthetic data sets: COPY on PostgreSQL, executemany on SQLite.

Rows are plain tuples in the column order given; ids are assigned by the caller, so rows can
reference each other without reading anything back. The ORM (and with it the audit hook and
the model validators) is bypassed on purpose: the generator builds valid values itself.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import islice

from sqlalchemy import Connection, text

BATCH = 20_000


def _sqlite_value(value):
    """What SQLAlchemy itself stores on SQLite: ISO dates, numbers as REAL, enums by name."""
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.name
    return value


def _pg_value(value):
    return value.name if isinstance(value, enum.Enum) else value


def insert_rows(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[tuple],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``rows`` into ``table`` in batches; returns how many were written."""
    raw = conn.connection.driver_connection
    written = 0
    it = iter(rows)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
            while batch := list(islice(it, BATCH)):
                for row in batch:
                    cp.write_row([_pg_value(v) for v in row])
                written += len(batch)
                if progress:
                    progress(len(batch))
        return written
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cur = raw.cursor()
    while batch := list(islice(it, BATCH)):
        cur.executemany(sql, [tuple(_sqlite_value(v) for v in row) for row in batch])
        written += len(batch)
        if progress:
            progress(len(batch))
    return written


def next_id(conn: Connection, table: str) -> int:
    """The first free id of ``table``."""
    return (conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar() or 0) + 1


def reset_sequences(conn: Connection, tables: Iterable[str]) -> None:
    """After explicit ids, move PostgreSQL's id sequences past the highest id."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def analyze(conn: Connection) -> None:
    """Refresh the planner's statistics after a bulk load."""
    conn.execute(text("ANALYZE"))
