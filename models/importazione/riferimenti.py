"""The records an imported row names in words: Comuni by name or ISTAT code, hosts by partita
IVA, fiscal code or name, programmes by name, console users by e-mail or name. Each table is
read once per import (registry tables: hundreds to a few thousand rows), the people a chunk
names are read chunk by chunk.
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..anagrafiche import CategoriaSvantaggio, Comune, EnteOspitante
from ..base import N_
from ..programmi import Programma
from ..utenti import Utente
from .valori import ValoreErrato, code, normalize, text


class Nomi:
    """Records found by a unique code or by a name (which may be shared)."""

    def __init__(self, what: str):
        self.what = what
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.label: dict[int, str] = {}

    def add(self, pk: int, label: str, codes=(), names=()) -> None:
        self.label[pk] = label
        for c in codes:
            if c:
                self.by_code[c.upper()] = pk
        for n in names:
            if n and pk not in self.by_name[normalize(n)]:
                self.by_name[normalize(n)].append(pk)

    def find(self, value, hint: str = "") -> int | None:
        """The record ``value`` names; None for an empty cell. Refuses unknown and ambiguous names
        (``hint``, a msgid, says how to name it without doubt)."""
        raw = text(value)
        if raw is None:
            return None
        found = self.by_code.get(code(value) or "")
        if found is not None:
            return found
        candidates = self.by_name.get(normalize(raw), [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise ValoreErrato(gettext("More than one %(what)s is called «%(value)s»: %(hint)s",
                                       what=self.what, value=raw, hint=gettext(hint) if hint else ""))
        raise ValoreErrato(gettext("No %(what)s «%(value)s» is in the console.", what=self.what, value=raw))


def comuni(session: Session) -> Nomi:
    """By ISTAT code (six digits; a number that lost its zeros too), by name, by "Name (PR)"."""
    names = Nomi(gettext("Comune"))
    for c in session.execute(select(Comune.id, Comune.nome, Comune.provincia, Comune.codice_istat)):
        names.add(c.id, c.nome, codes=[c.codice_istat, c.codice_istat.lstrip("0")],
                  names=[c.nome, f"{c.nome} ({c.provincia})", f"{c.nome} {c.provincia}"])
    return names


def find_comune(names: Nomi, value) -> int | None:
    return names.find(value, N_("write its ISTAT code or «Name (province)»."))


def enti(session: Session) -> Nomi:
    """By partita IVA, by fiscal code, by name."""
    names = Nomi(gettext("host"))
    rows = session.execute(select(EnteOspitante.id, EnteOspitante.ragione_sociale,
                                  EnteOspitante.codice_fiscale, EnteOspitante.partita_iva))
    for e in rows:
        names.add(e.id, e.ragione_sociale, codes=[e.codice_fiscale, e.partita_iva], names=[e.ragione_sociale])
    return names


def find_ente(names: Nomi, value) -> int | None:
    return names.find(value, N_("write its partita IVA."))


def programmi(session: Session) -> Nomi:
    names = Nomi(gettext("programme"))
    for p in session.execute(select(Programma.id, Programma.nome)):
        names.add(p.id, p.nome, names=[p.nome])
    return names


def categorie(session: Session) -> Nomi:
    """Disadvantage categories by code (L381) or description."""
    names = Nomi(gettext("disadvantage category"))
    for c in session.execute(select(CategoriaSvantaggio.id, CategoriaSvantaggio.codice,
                                    CategoriaSvantaggio.descrizione)):
        names.add(c.id, c.descrizione, codes=[c.codice], names=[c.codice, c.descrizione])
    return names


class Utenti:
    """Console users by e-mail or "Surname Name", with their roles."""

    def __init__(self, session: Session):
        self.names = Nomi(gettext("console user"))
        self.roles: dict[int, set[str]] = {}
        for u in session.scalars(select(Utente).options(selectinload(Utente.roles))):
            full = f"{u.cognome} {u.nome}".strip()
            self.names.add(u.id, str(u), codes=[u.email], names=[u.email, full, f"{u.nome} {u.cognome}".strip()])
            self.roles[u.id] = u.role_names

    def find(self, value, role: str, role_label: str) -> int | None:
        """The user ``value`` names, who must have ``role``."""
        pk = self.names.find(value, N_("write the e-mail."))
        if pk is not None and role not in self.roles[pk]:
            raise ValoreErrato(gettext("%(user)s is not a %(role)s.", user=self.names.label[pk], role=role_label))
        return pk
