"""Rows written in bulk inside the session's transaction: COPY on PostgreSQL, executemany
elsewhere. For the import's new people and their audit rows, where an executemany of
thousands of INSERTs (each maintaining the table's indexes one statement at a time) was half
of PostgreSQL's import time."""

from __future__ import annotations

import enum
import json

from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session


def _copy_value(value, is_json: bool):
    if value is None:
        return None
    if is_json:
        return json.dumps(value)
    if isinstance(value, enum.Enum):
        return value.name  # enum columns hold the member's name (models/base.enum_column)
    return value


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys, columns of ``table``) in the session's
    transaction; database defaults (the id) fill what the rows leave out."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    names = list(rows[0])
    is_json = [isinstance(table.c[n].type, JSON) for n in names]
    cursor = conn.connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY {table.name} ({", ".join(names)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_copy_value(row[n], j) for n, j in zip(names, is_json, strict=True)])
