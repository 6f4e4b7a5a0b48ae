"""Console users and their roles (Flask-Security-Too's user and role contracts)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from flask_security import RoleMixin, UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .anagrafiche import Comune, EnteOspitante
from .base import N_, Base, Str100
from .errors import DomainError

#: The five roles of DOMAIN.md, "Who works with it".
RUOLI = {
    "operatore": N_("Case worker (back office)"),
    "pal": N_("PAL manager"),
    "amministrazione": N_("Accounts"),
    "servizio_sociale": N_("Comune social worker"),
    "admin": N_("Administrator"),
    "tutor_coop": N_("Cooperative tutor"),
}

ruoli_utenti = Table(
    "ruoli_utenti",
    Base.metadata,
    Column("utente_id", ForeignKey("utente.id", ondelete="CASCADE"), primary_key=True),
    Column("ruolo_id", ForeignKey("ruolo.id", ondelete="RESTRICT"), primary_key=True),
)


class Ruolo(Base, RoleMixin):
    """A role; its code (``name``) is one of RUOLI."""

    __tablename__ = "ruolo"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))

    def __str__(self) -> str:
        return gettext(RUOLI.get(self.name, self.name))


class Utente(Base, UserMixin):
    """A person who logs into the console. Social workers belong to one Comune."""

    __tablename__ = "utente"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    nome: Mapped[Str100] = mapped_column(default="")
    cognome: Mapped[Str100] = mapped_column(default="")
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True)
    #: The Comune whose people a ``servizio_sociale`` user may see; NULL for agency staff.
    comune_id: Mapped[int | None] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT"), index=True
    )
    #: The social cooperative whose people a ``tutor_coop`` user may see.
    ente_id: Mapped[int | None] = mapped_column(
        ForeignKey("ente_ospitante.id", ondelete="RESTRICT"), index=True
    )
    #: Preferred interface language ("it" or "en").
    lingua: Mapped[str] = mapped_column(String(2), default="it")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    current_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_ip: Mapped[str | None] = mapped_column(String(64))
    current_login_ip: Mapped[str | None] = mapped_column(String(64))
    login_count: Mapped[int | None] = mapped_column(Integer)
    create_datetime: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now()
    )

    comune: Mapped[Comune | None] = relationship()
    ente: Mapped[EnteOspitante | None] = relationship()
    #: Loaded on first use: the logged-in user's roles cost one statement per request, and
    #: users shown on a page (case workers, authors) none; lists showing roles selectin them.
    roles: Mapped[list[Ruolo]] = relationship(secondary=ruoli_utenti)

    @property
    def role_names(self) -> set[str]:
        return {r.name for r in self.roles}

    def validate_model(self) -> None:
        """A social worker belongs to exactly one Comune; agency staff to none."""
        if "servizio_sociale" in self.role_names and self.comune_id is None and self.comune is None:
            raise DomainError(
                gettext("A social worker must belong to a Comune."), "comune"
            )
        if "tutor_coop" in self.role_names and self.ente_id is None and self.ente is None:
            raise DomainError(
                gettext("A cooperative tutor must belong to a cooperative."), "ente"
            )

    def __str__(self) -> str:
        full = f"{self.cognome} {self.nome}".strip()
        return full or self.email
