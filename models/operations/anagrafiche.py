"""Registry rules across rows: a codice fiscale identifies one person, a fiscal code one host."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..anagrafiche import EnteOspitante, Persona
from ..base import N_
from ..errors import DomainError

#: The refusal of a duplicate, naming the record that already has the code.
DUPLICATE = {
    Persona: N_("A person with codice fiscale %(cf)s already exists: %(name)s (record %(id)s)."),
    EnteOspitante: N_("A host with fiscal code %(cf)s already exists: %(name)s (record %(id)s)."),
}


def require_unique_fiscal_code(session: Session, record: Persona | EnteOspitante) -> None:
    """DOMAIN.md, "Persona" and "Ente ospitante": the codice fiscale is unique. A duplicate is
    refused with the existing record named (the UNIQUE constraints guard the database too).
    The code is compared as the model's validator stored it (upper case, no spaces)."""
    model = type(record)
    if not record.codice_fiscale:
        return
    other = session.scalars(
        select(model).where(model.codice_fiscale == record.codice_fiscale, model.id != (record.id or 0))
    ).first()
    if other is not None:
        raise DomainError(
            gettext(DUPLICATE[model], cf=other.codice_fiscale, name=str(other), id=other.id),
            "codice_fiscale",
        )
