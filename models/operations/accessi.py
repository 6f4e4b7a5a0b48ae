"""Login throttling and the login log; the reading log of special-category data.

Throttling (README, "Login and sessions"): an identity (the e-mail as typed, whether or not
such a user exists, so the refusal tells nothing) gets ``per_account`` failed attempts in
``minutes`` since its last success; an address gets ``per_address`` failures in the same
window, whatever identities it tries. Past either, attempts are refused unchecked until
the oldest counted failure leaves the window. The attempts live in the database, so every
gunicorn worker sees the same counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from .. import clock
from ..accessi import FALLITI, LetturaDatiSensibili, TentativoAccesso


@dataclass(frozen=True)
class Limiti:
    """Failed attempts allowed per identity and per address within ``minutes``."""

    per_account: int = 5
    per_address: int = 20
    minutes: int = 15


def normalise_identity(email: str | None) -> str:
    return (email or "").strip().lower()[:255]


def record_attempt(session: Session, email: str | None, address: str | None, esito: str,
                   utente_id: int | None = None) -> None:
    """Append one attempt to the login log (flushes; the caller commits)."""
    session.execute(
        insert(TentativoAccesso).values(
            momento=clock.now(),
            email=normalise_identity(email),
            utente_id=utente_id,
            indirizzo=(address or "?")[:64],
            esito=esito,
        )
    )


def _oldest_of_last(session: Session, where, n: int) -> dt.datetime | None:
    """The moment of the n-th most recent failure matching ``where``, if there are n."""
    recent = (
        select(TentativoAccesso.momento)
        .where(*where, TentativoAccesso.esito.in_(FALLITI))
        .order_by(TentativoAccesso.momento.desc())
        .limit(n)
        .subquery()
    )
    count, oldest = session.execute(select(func.count(), func.min(recent.c.momento))).one()
    return oldest if count >= n else None


def throttled_until(session: Session, email: str | None, address: str | None,
                    limits: Limiti) -> dt.datetime | None:
    """When the identity or the address may try again, if it is throttled now."""
    now = clock.now()
    since = now - dt.timedelta(minutes=limits.minutes)
    identity = normalise_identity(email)
    last_ok = session.scalar(
        select(func.max(TentativoAccesso.momento)).where(
            TentativoAccesso.email == identity, TentativoAccesso.esito == "ok"
        )
    )
    until = []
    account_since = max(since, last_ok) if last_ok else since
    oldest = _oldest_of_last(
        session,
        (TentativoAccesso.email == identity, TentativoAccesso.momento > account_since),
        limits.per_account,
    )
    if oldest is not None:
        until.append(oldest + dt.timedelta(minutes=limits.minutes))
    oldest = _oldest_of_last(
        session,
        (TentativoAccesso.indirizzo == (address or "?")[:64], TentativoAccesso.momento > since),
        limits.per_address,
    )
    if oldest is not None:
        until.append(oldest + dt.timedelta(minutes=limits.minutes))
    return max(until) if until else None


def record_readings(session: Session, utente_id: int, persona_ids, azione: str) -> int:
    """Log that ``utente_id`` read the special-category data of ``persona_ids`` (one row per
    person, GDPR art. 30 accountability); returns how many rows were written."""
    ids = sorted({int(i) for i in persona_ids if i is not None})
    if not ids:
        return 0
    now = clock.now()
    # One executemany, whatever the page size (the list's statements stay flat).
    session.connection().execute(
        LetturaDatiSensibili.__table__.insert(),
        [
            {"momento": now, "utente_id": utente_id, "persona_id": pid, "azione": azione,
             "righe": len(ids)}
            for pid in ids
        ],
    )
    return len(ids)
