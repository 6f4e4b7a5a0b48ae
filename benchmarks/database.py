"""The benchmarks' databases: emptied before a data set is built, named without the machine's
paths in what the benchmarks print.

    python -m benchmarks.database URL    # empty it: delete the SQLite file, or drop and
                                         # re-create the PostgreSQL database
"""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def empty_database(url: str) -> None:
    """Delete the SQLite file ``url`` names, or drop and re-create its PostgreSQL database
    (connections to it are closed first)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).unlink(missing_ok=True)
        return
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    server.dispose()


def shown(url: str) -> str:
    """The database as the benchmark tables name it: the dialect and the SQLite file's name
    or the PostgreSQL database's name, never a path of the machine it ran on."""
    parsed = make_url(url)
    name = Path(parsed.database).name if parsed.get_backend_name() == "sqlite" else parsed.database
    return f"{parsed.get_backend_name()} ({name})"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    empty_database(sys.argv[1])
