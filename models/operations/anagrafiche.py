"""Registry rules across rows: a value that identifies one record (a codice fiscale, a code,
an e-mail) is refused a second time with the existing record named, if the user may see it;
a person has at most one record of special-category data."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import UniqueConstraint, and_, inspect, select
from sqlalchemy.orm import Session

from ..anagrafiche import DatiSensibili, Persona
from ..base import N_
from ..errors import DomainError
from ..scoping import comune_filter

#: Unique constraint -> the refusal of a duplicate, naming the record that has the value.
DUPLICATE = {
    "uq_persona_codice_fiscale": N_("A person with codice fiscale %(value)s is already registered: %(record)s."),
    "uq_ente_ospitante_codice_fiscale": N_("A host with fiscal code %(value)s already exists: %(record)s."),
    "uq_comune_codice_istat": N_("The ISTAT code %(value)s is already used by the Comune of %(record)s."),
    "uq_comune_nome": N_("The Comune of %(record)s already exists in this province."),
    "uq_categoria_svantaggio_codice": N_("The code %(value)s is already used by the category %(record)s."),
    "uq_programma_nome": N_("A programme named %(value)s already exists."),
    "uq_utente_email": N_("A user with e-mail %(value)s already exists: %(record)s."),
    "uq_budget_periodo": N_("This Comune already has a budget for this programme starting on that date: %(record)s."),
    "uq_voce_listino": N_("The price list already has the code %(value)s from that date: %(record)s."),
}
#: What a user who may not see the existing record is told instead (no name, no link).
HIDDEN = {
    Persona: N_("A person with this codice fiscale is already registered with the agency: "
                "ask the agency's case workers to link them to your Comune."),
}


def _unique_constraints(model):
    table = model.__table__
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.name in DUPLICATE:
            yield constraint


def require_unique(session: Session, record, comune_id: int | None = None) -> None:
    """DOMAIN.md, "Persona" and the registry: values that identify a record are unique. A
    duplicate is refused before the database sees it, naming the existing record; a user
    confined to ``comune_id`` (a social worker) is only told that it exists when it is outside
    their Comune (the UNIQUE constraints guard the database too)."""
    model = type(record)
    mapper = inspect(model)
    pk = mapper.primary_key[0]
    for constraint in _unique_constraints(model):
        keys = [mapper.get_property_by_column(c).key for c in constraint.columns]
        values = [getattr(record, k) for k in keys]
        if any(value is None for value in values):
            continue
        stmt = select(model).where(and_(*(c == value for c, value in zip(constraint.columns, values, strict=True))))
        own = getattr(record, pk.key)
        if own is not None:
            stmt = stmt.where(pk != own)
        other = session.scalars(stmt.limit(1)).first()
        if other is None:
            continue
        if comune_id is not None:
            scope = comune_filter(model, comune_id)
            visible = scope is not None and session.scalar(
                select(pk).where(pk == getattr(other, pk.key), scope)
            ) is not None
            if not visible:
                raise DomainError(gettext(HIDDEN.get(model, N_("This value is already used."))), keys[0])
        raise DomainError(
            gettext(DUPLICATE[constraint.name], value=values[0], record=str(other)), keys[0], existing=other
        )


def require_unique_fiscal_code(session: Session, record, comune_id: int | None = None) -> None:
    """The codice fiscale of a person, the fiscal code of a host: one record each."""
    require_unique(session, record, comune_id)


def require_one_sensitive_record(session: Session, record: DatiSensibili) -> None:
    """GDPR art. 9 data: one record per person. A second one for the same person is refused
    with the existing one named (never written over it); an existing record stays with its
    person."""
    state = inspect(record)
    persona = record.persona
    if state.persistent:
        history = state.attrs.persona.history
        if history.deleted and history.deleted[0] is not None and history.deleted[0] is not persona:
            raise DomainError(gettext("Sensitive data stay with their person: they cannot be moved "
                                      "to another one."), "persona")
        return
    if persona is None or persona.id is None:
        return
    other = session.scalars(select(DatiSensibili).where(DatiSensibili.persona_id == persona.id)
                            .execution_options(populate_existing=False)).first()
    if other is not None and other is not record:
        raise DomainError(
            gettext("%(person)s already has sensitive data: open the existing record to change it.",
                    person=str(persona)),
            "persona",
            existing=other,
        )
