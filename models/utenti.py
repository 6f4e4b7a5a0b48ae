"""Console users and their roles (Flask-Security-Too's user and role contracts)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from flask_security import RoleMixin, UserMixin
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from . import validation
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
    #: Users with this role must log in with a second factor (TOTP); an admin decides.
    due_fattori_obbligatori: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

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
    #: Two-factor login (Flask-Security-Too): "authenticator" once set up, the encrypted
    #: TOTP secret; tf_phone_number is unused (no SMS) but part of Flask-Security's contract.
    tf_primary_method: Mapped[str | None] = mapped_column(String(64))
    tf_totp_secret: Mapped[str | None] = mapped_column(String(255))
    tf_phone_number: Mapped[str | None] = mapped_column(String(128))

    comune: Mapped[Comune | None] = relationship()
    ente: Mapped[EnteOspitante | None] = relationship()
    #: Loaded on first use: the logged-in user's roles cost one statement per request, and
    #: users shown on a page (case workers, authors) none; lists showing roles selectin them.
    roles: Mapped[list[Ruolo]] = relationship(secondary=ruoli_utenti)

    @validates("email")
    def _v_email(self, key, value):
        """The login: a real address (never blanks or markup), stored normalised."""
        return validation.clean_email((value or "").strip())

    @property
    def role_names(self) -> set[str]:
        return {r.name for r in self.roles}

    @property
    def two_factor_required(self) -> bool:
        """One of the user's roles requires a second factor (README, "Login and sessions")."""
        return any(r.due_fattori_obbligatori for r in self.roles)

    def check_tf_required(self, tf_setup_methods, tf_fresh):
        """Flask-Security's hook: a second factor when set up, or when a role requires it."""
        required, methods = super().check_tf_required(tf_setup_methods, tf_fresh)
        return (required or self.two_factor_required), methods

    def check_tf_required_setup(self) -> bool:
        return self.two_factor_required or super().check_tf_required_setup()

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
