"""Roles and users, shared by the CLI, the demo data and the tests."""

from __future__ import annotations

import uuid

from flask_babel import gettext
from flask_security import hash_password
from flask_security.proxies import _security
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import RUOLI, Comune, Ruolo, Utente
from models.errors import DomainError


def ensure_roles(session: Session) -> dict[str, Ruolo]:
    """The roles of DOMAIN.md (and the coop tutor of issue 14), created when missing."""
    existing = {r.name: r for r in session.scalars(select(Ruolo))}
    for code, description in RUOLI.items():
        if code not in existing:
            existing[code] = Ruolo(name=code, description=description)
            session.add(existing[code])
    session.flush()
    return existing


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    roles: tuple[str, ...] | list[str],
    comune_istat: str | None = None,
    nome: str = "",
    cognome: str = "",
    ente=None,
) -> Utente:
    """Create a user with argon2-hashed password; flush, do not commit. ``ente`` is the
    cooperative of a coop tutor."""
    known = ensure_roles(session)
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise DomainError(
            gettext("Unknown role: %(roles)s. Valid roles: %(valid)s.",
                    roles=", ".join(unknown), valid=", ".join(RUOLI))
        )
    if session.scalar(select(Utente).where(Utente.email == email)):
        raise DomainError(gettext("A user with e-mail %(email)s already exists.", email=email))
    comune = None
    if comune_istat:
        comune = session.scalar(select(Comune).where(Comune.codice_istat == comune_istat))
        if comune is None:
            raise DomainError(gettext("No Comune has ISTAT code %(code)s.", code=comune_istat))
    # The console's password rule (length and zxcvbn strength, app.py), as on every form.
    errors, password = _security.password_util.validate(
        password, True, email=email, nome=nome, cognome=cognome
    )
    if errors:
        raise DomainError(" ".join(str(e) for e in errors))
    user = Utente(
        email=email,
        nome=nome,
        cognome=cognome,
        password=hash_password(password),
        active=True,
        fs_uniquifier=uuid.uuid4().hex,
        comune=comune,
        ente=ente,
        roles=[known[r] for r in roles],
    )
    user.validate_model()
    session.add(user)
    session.flush()
    return user
