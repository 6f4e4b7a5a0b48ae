"""GDPR rules: anonymise people whose paths ended long ago, erase a person unless the law
says keep, and what "everything held about a person" is (README, "Personal data").

Anonymising keeps every row that reports, statistics and invoices count (paths with their
dates, states, outcomes, hours, charges; the person's Comune, sex, birth year and
disadvantage categories) and removes what identifies the person: names, codice fiscale,
contacts, free texts and the special-category data. Erasing deletes the person and their
paths; it is refused while accounting records that bill their paths must be kept (10 years
from the invoice date, art. 2220 c.c. and art. 39 DPR 633/72).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from sqlalchemy import case, delete, exists, func, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..anagrafiche import DatiSensibili, Persona, persona_svantaggio
from ..audit import RegistroAudit
from ..base import StatoFattura, StatoPercorso
from ..errors import DomainError
from ..fatture import Fattura, RigaFattura
from ..percorsi import Addebito, Diario, Ore, Percorso, RigaVoucher, Voucher

#: Accounting records (and what they bill) are kept this many years from their date.
RETENTION_YEARS = 10
CLOSED = (StatoPercorso.CONCLUSO, StatoPercorso.INTERROTTO, StatoPercorso.RITIRATO)
ANONIMO = "ANONIMO"
#: What replaces a removed value in the audit log's before/after pairs.
REMOVED = "[anonimizzato]"
#: Audit fields that hold identifying or free-text data, per table.
AUDIT_PERSONAL = {
    "persona": {"codice_fiscale", "cognome", "nome", "data_nascita", "indirizzo", "cap",
                "telefono", "email", "note"},
    "dati_sensibili": {"percentuale_invalidita", "iscritto_l68", "diagnosi", "limitazioni",
                       "note"},
    "percorso": {"note", "motivo_chiusura", "motivo_proroga"},
    "diario": {"descrizione"},
    "ore": {"note"},
}


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _path_ids(persona_id: int):
    return select(Percorso.id).where(Percorso.persona_id == persona_id)


def retention(session: Session, persona: Persona) -> tuple[dt.date, Fattura] | None:
    """Until when the person's data must be kept, and the newest invoice that says so."""
    fattura = session.scalars(
        select(Fattura)
        .join(RigaFattura, RigaFattura.fattura_id == Fattura.id)
        .join(Addebito, Addebito.riga_fattura_id == RigaFattura.id)
        .where(Addebito.percorso_id.in_(_path_ids(persona.id)),
               Fattura.stato != StatoFattura.BOZZA, Fattura.data.is_not(None))
        .order_by(Fattura.data.desc())
        .limit(1)
    ).first()
    if fattura is None:
        return None
    until = _add_years(fattura.data, RETENTION_YEARS)
    return (until, fattura) if until > clock.today() else None


def anonymisation_candidates(session: Session, before: dt.date) -> list[Persona]:
    """People not yet anonymised with at least one path, every path closed and ended
    before ``before``."""
    open_or_recent = exists().where(
        Percorso.persona_id == Persona.id,
        (Percorso.stato.not_in(CLOSED)) | Percorso.data_fine.is_(None)
        | (Percorso.data_fine >= before),
    )
    has_paths = exists().where(Percorso.persona_id == Persona.id)
    return list(
        session.scalars(
            select(Persona)
            .where(Persona.anonimizzata_il.is_(None), has_paths, ~open_or_recent)
            .order_by(Persona.id)
        )
    )


def _scrub_audit(session: Session, persona_id: int, path_ids: list[int]) -> None:
    """Remove the person's identifying values from the audit log (the rows stay)."""
    records = {("persona", str(persona_id)), ("dati_sensibili", str(persona_id))}
    records |= {("percorso", str(i)) for i in path_ids}
    hanging = {
        "diario": select(Diario.id).where(Diario.percorso_id.in_(path_ids)),
        "ore": select(Ore.id).where(Ore.percorso_id.in_(path_ids)),
    }
    for table, ids in hanging.items():
        records |= {(table, str(i)) for i in session.scalars(ids)}
    if not records:
        return
    tables = {t for t, _ in records}
    rows = session.execute(
        select(RegistroAudit.id, RegistroAudit.tabella, RegistroAudit.record_id,
               RegistroAudit.modifiche)
        .where(RegistroAudit.tabella.in_(tables),
               RegistroAudit.record_id.in_({r for _, r in records}))
    ).all()
    for row in rows:
        if (row.tabella, row.record_id) not in records:
            continue
        personal = AUDIT_PERSONAL.get(row.tabella, set())
        changes = {
            key: ([None if v is None else REMOVED for v in pair] if key in personal else pair)
            for key, pair in (row.modifiche or {}).items()
        }
        session.execute(
            update(RegistroAudit).where(RegistroAudit.id == row.id).values(
                modifiche=changes, descrizione=f"{row.tabella} #{row.record_id}"
            )
        )


def anonymise_person(session: Session, persona: Persona) -> None:
    """Remove what identifies ``persona`` and their special-category data; keep what the
    reports count. Written as SQL updates: the model's validators would refuse the
    placeholder codice fiscale, and nothing personal must reach the audit log."""
    pid = persona.id
    path_ids = list(session.scalars(_path_ids(pid)))
    session.flush()
    session.execute(
        update(Persona).where(Persona.id == pid).values(
            cognome=ANONIMO,
            nome=f"#{pid}",
            # Unique and obviously not a real code (16 characters, as the column).
            codice_fiscale=f"ANON{pid:012d}",
            # The birth year stays for age statistics.
            data_nascita=dt.date(persona.data_nascita.year, 1, 1),
            indirizzo=None, cap=None, telefono=None, email=None, note=None,
            anonimizzata_il=clock.today(),
        )
    )
    session.execute(delete(DatiSensibili).where(DatiSensibili.persona_id == pid))
    if path_ids:
        session.execute(
            update(Percorso).where(Percorso.id.in_(path_ids)).values(
                note=None,
                # The checks want a reason where there was one: it stays, as a placeholder.
                motivo_chiusura=case((Percorso.motivo_chiusura.is_(None), None), else_=REMOVED),
                motivo_proroga=case((Percorso.motivo_proroga.is_(None), None), else_=REMOVED),
            )
        )
        session.execute(
            update(Diario).where(Diario.percorso_id.in_(path_ids)).values(descrizione=REMOVED)
        )
        session.execute(update(Ore).where(Ore.percorso_id.in_(path_ids)).values(note=None))
    _scrub_audit(session, pid, path_ids)
    session.expire(persona)


def anonymise_before(session: Session, before: dt.date, dry_run: bool = False) -> list[Persona]:
    """Anonymise every candidate (``anonymisation_candidates``); returns them."""
    if before > clock.today():
        raise DomainError(gettext("The date must not be in the future."))
    people = anonymisation_candidates(session, before)
    if not dry_run:
        for persona in people:
            anonymise_person(session, persona)
        session.flush()
    return people


def erase_person(session: Session, persona: Persona, by: int | None = None) -> None:
    """Delete the person and their paths (GDPR art. 17), unless the law says keep them."""
    kept = retention(session, persona)
    if kept is not None:
        until, fattura = kept
        raise DomainError(
            gettext(
                "%(person)s cannot be erased until %(until)s: invoice %(numero)s/%(anno)s of "
                "%(data)s bills their path, and accounting records are kept for 10 years "
                "(art. 2220 of the Civil Code). The person can be anonymised once their "
                "paths have ended.",
                person=str(persona), until=until.strftime("%d/%m/%Y"), numero=fattura.numero,
                anno=fattura.anno, data=fattura.data.strftime("%d/%m/%Y"),
            )
        )
    pid = persona.id
    open_paths = session.scalar(
        select(func.count()).where(Percorso.persona_id == pid, Percorso.stato.not_in(CLOSED))
    )
    if open_paths:
        raise DomainError(
            gettext("%(person)s has an open path: close or withdraw it before erasing the person.",
                    person=str(persona))
        )
    path_ids = list(session.scalars(_path_ids(pid)))
    _scrub_audit(session, pid, path_ids)
    session.flush()
    if path_ids:
        vouchers = select(Voucher.id).where(Voucher.percorso_id.in_(path_ids))
        session.execute(delete(Addebito).where(Addebito.percorso_id.in_(path_ids)))
        session.execute(delete(Ore).where(Ore.percorso_id.in_(path_ids)))
        session.execute(delete(Diario).where(Diario.percorso_id.in_(path_ids)))
        session.execute(delete(RigaVoucher).where(RigaVoucher.voucher_id.in_(vouchers)))
        session.execute(delete(Voucher).where(Voucher.percorso_id.in_(path_ids)))
        session.execute(delete(Percorso).where(Percorso.id.in_(path_ids)))
    session.execute(delete(DatiSensibili).where(DatiSensibili.persona_id == pid))
    session.execute(delete(persona_svantaggio).where(persona_svantaggio.c.persona_id == pid))
    session.execute(delete(Persona).where(Persona.id == pid))
    if by is not None:
        session.execute(
            RegistroAudit.__table__.insert().values(
                momento=clock.now(), utente_id=by, azione="delete", tabella="persona",
                record_id=str(pid), descrizione=f"persona #{pid}",
                modifiche={"cancellazione_gdpr": [None, clock.today().isoformat()]},
            )
        )
    session.expunge(persona)
