"""The SDI lifecycle of an issued invoice: transmissions under new file names, notifications.

Specifiche tecniche SDI (allegato B): a file name is ``IT<id>_<progressivo>`` and is never
reused (error 00002 otherwise); a file rejected by SDI (NS) counts as never sent, so the invoice,
corrected, goes again under a new name; a delivered one is settled by the Comune's outcome (NE:
EC01 accepted, EC02 refused, then a credit note) or by 15 days of silence (DT); one SDI could not
deliver (MC) is filed with the certificate AT. Operations flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..base import StatoFattura, TipoDocumento
from ..errors import DomainError
from ..fatture import Fattura
from ..sdi import (
    ErroreSdi,
    NotificaSdi,
    NumeratoreSdi,
    StatoSdi,
    TipoNotificaSdi,
    TrasmissioneSdi,
    progressivo_code,
)

#: The documents that may be transmitted: issued once, whatever happened next.
TRANSMITTABLE = (StatoFattura.EMESSA, StatoFattura.PAGATA, StatoFattura.STORNATA)
#: How far along each state is: a late receipt never moves a file back (an RC read after the
#: Comune's NE leaves it accepted).
RANK = {
    StatoSdi.INVIATA: 0,
    StatoSdi.CONSEGNATA: 1,
    StatoSdi.NON_CONSEGNATA: 1,
    StatoSdi.NON_RECAPITABILE: 2,
    StatoSdi.DECORRENZA_TERMINI: 3,
    StatoSdi.ACCETTATA: 3,
    StatoSdi.RIFIUTATA: 3,
    StatoSdi.SCARTATA: 3,
}


@dataclass(frozen=True)
class MessaggioSdi:
    """A receipt or notification read from SDI's XML (models/sdi_messaggi.py)."""

    tipo: TipoNotificaSdi
    nome_file: str
    identificativo_sdi: int | None
    message_id: str
    data_ora: dt.datetime | None = None
    esito: str | None = None
    descrizione: str | None = None
    errori: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def file_stem(name: str) -> str:
    """A file name without its extensions: IT01234560173_00001.xml.p7m -> IT01234560173_00001."""
    return name.strip().split(".", 1)[0]


def last_transmission(session: Session, f: Fattura) -> TrasmissioneSdi | None:
    return session.scalars(
        select(TrasmissioneSdi).where(TrasmissioneSdi.fattura_id == f.id)
        .order_by(TrasmissioneSdi.id.desc())
    ).first()


def transmissions(session: Session, f: Fattura) -> list[TrasmissioneSdi]:
    """The invoice's transmissions, oldest first, with their notifications."""
    return list(session.scalars(
        select(TrasmissioneSdi).where(TrasmissioneSdi.fattura_id == f.id).order_by(TrasmissioneSdi.id)
    ))


def next_progressivo(session: Session) -> int:
    """The next file progressive, taken under a row lock held until the caller commits, so two
    accountants sending at once get different names (never reused, even after a rollback's gap)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    start = session.scalar(select(TrasmissioneSdi.progressivo).order_by(TrasmissioneSdi.progressivo.desc()))
    session.execute(insert(NumeratoreSdi).values(id=1, ultimo_progressivo=start or 0)
                    .on_conflict_do_nothing(index_elements=["id"]))
    counter = session.scalars(
        select(NumeratoreSdi).where(NumeratoreSdi.id == 1).with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    counter.ultimo_progressivo += 1
    session.flush()
    return counter.ultimo_progressivo


def require_sendable(session: Session, f: Fattura) -> None:
    """Only an issued document goes to SDI, once: again only after SDI rejected its last file."""
    if f.stato not in TRANSMITTABLE:
        raise DomainError(gettext("Only an issued invoice or credit note can be sent to SDI."))
    last = last_transmission(session, f)
    if last is not None and last.stato != StatoSdi.SCARTATA:
        raise DomainError(gettext(
            "%(invoice)s was already sent to SDI as %(file)s (%(state)s): it is sent again only "
            "after SDI rejects it; a refused invoice is corrected by a credit note.",
            invoice=str(f), file=last.nome_file, state=last.stato.label))


def require_iban(f: Fattura, iban: str | None) -> None:
    """An invoice paid by bank transfer (MP05) names the agency's IBAN (AGENZIA_IBAN)."""
    from stdnum import iban as stdnum_iban
    from stdnum.exceptions import ValidationError

    if f.tipo_documento != TipoDocumento.TD01:
        return  # a credit note has no payment data
    if not iban:
        raise DomainError(gettext(
            "The agency's IBAN is not set (setting AGENZIA_IBAN): invoices are paid by bank "
            "transfer (MP05) and the FatturaPA file must name the account."))
    try:
        stdnum_iban.validate(iban)
    except ValidationError:
        raise DomainError(gettext("The agency's IBAN (setting AGENZIA_IBAN) %(iban)s is not valid.",
                                  iban=iban)) from None


def send_invoice(session: Session, f: Fattura, when: dt.datetime, sender_id: str, iban: str | None,
                 render: Callable[[str], bytes], author: str | None = None) -> TrasmissioneSdi:
    """Record a transmission of ``f``: a new progressive and file name ``<sender_id>_<prog>``
    (``sender_id`` is IT and the agency's partita IVA), and the XML ``render(progressive)``
    made with them, kept as sent."""
    session.execute(select(Fattura).where(Fattura.id == f.id).with_for_update(of=Fattura)).scalar_one()
    from .fatture import check_contract_data, check_customer_data

    require_sendable(session, f)
    require_iban(f, iban)
    check_customer_data(f.comune)
    check_contract_data(session, f)
    n = next_progressivo(session)
    code = progressivo_code(n)
    t = TrasmissioneSdi(fattura=f, progressivo=n, nome_file=f"{sender_id}_{code}",
                        inviata_il=when, inviata_da=author, stato=StatoSdi.INVIATA, xml=render(code))
    session.add(t)
    session.flush()
    return t


def _state_of(m: MessaggioSdi) -> StatoSdi:
    if m.tipo == TipoNotificaSdi.NE:
        return StatoSdi.ACCETTATA if m.esito == "EC01" else StatoSdi.RIFIUTATA
    return {
        TipoNotificaSdi.RC: StatoSdi.CONSEGNATA,
        TipoNotificaSdi.MC: StatoSdi.NON_CONSEGNATA,
        TipoNotificaSdi.NS: StatoSdi.SCARTATA,
        TipoNotificaSdi.DT: StatoSdi.DECORRENZA_TERMINI,
        TipoNotificaSdi.AT: StatoSdi.NON_RECAPITABILE,
    }[m.tipo]


@dataclass(frozen=True)
class Esito:
    """What recording a message did: ``recorded`` False when it was already there."""

    trasmissione: TrasmissioneSdi
    recorded: bool
    stato: StatoSdi


def record_notification(session: Session, m: MessaggioSdi, now: dt.datetime,
                        file_name: str | None = None) -> Esito:
    """Record an SDI message against the transmission named by its NomeFile; reading the same
    message again changes nothing. The transmission moves to the message's state unless it is
    already further along (RANK)."""
    if m.tipo == TipoNotificaSdi.NE and m.esito not in ("EC01", "EC02"):
        raise DomainError(gettext("The Comune's outcome %(esito)s is neither EC01 nor EC02.",
                                  esito=m.esito or "—"))
    stem = file_stem(m.nome_file)
    t = session.scalars(
        select(TrasmissioneSdi).where(TrasmissioneSdi.nome_file == stem).with_for_update()
    ).first()
    if t is None:
        raise DomainError(gettext("No transmission has the file name %(name)s.", name=m.nome_file))
    known = session.scalars(select(NotificaSdi).where(
        NotificaSdi.trasmissione_id == t.id, NotificaSdi.tipo == m.tipo,
        NotificaSdi.message_id == m.message_id)).first()
    if known is not None:
        return Esito(t, False, t.stato)
    n = NotificaSdi(trasmissione=t, tipo=m.tipo, message_id=m.message_id, data_ora=m.data_ora,
                    esito=m.esito, descrizione=(m.descrizione or None) and m.descrizione[:255],
                    nome_file_notifica=file_name and file_name[:100], registrata_il=now)
    n.errori = [ErroreSdi(codice=c[:5], descrizione=d[:255]) for c, d in m.errori]
    session.add(n)
    if t.identificativo_sdi is None and m.identificativo_sdi is not None:
        t.identificativo_sdi = m.identificativo_sdi
    new = _state_of(m)
    if RANK[new] >= RANK[t.stato]:
        t.stato = new
    session.flush()
    return Esito(t, True, t.stato)


def require_correctable(session: Session, f: Fattura) -> None:
    """An issued invoice's contract data are corrected only while SDI holds no file of it: never
    sent, or its last file rejected (a rejected file counts as never issued, and its correction
    goes out with the same number and date under a new file name)."""
    if f.tipo_documento != TipoDocumento.TD01 or f.stato not in (StatoFattura.EMESSA, StatoFattura.PAGATA):
        raise DomainError(gettext("Only an issued invoice's contract data can be corrected."))
    last = last_transmission(session, f)
    if last is not None and last.stato != StatoSdi.SCARTATA:
        raise DomainError(gettext(
            "%(invoice)s is with SDI as %(file)s (%(state)s): it can no longer be corrected; "
            "issue a credit note instead.", invoice=str(f), file=last.nome_file, state=last.stato.label))


def correct_contract_data(session: Session, f: Fattura, *, cig: str | None, cup: str | None,
                          determina_numero: str | None, determina_data: dt.date | None,
                          impegno: str | None) -> Fattura:
    """Correct the CIG, CUP, resolution and commitment of an issued invoice before it is sent
    (again): the amounts, lines and number never change."""
    from ..validation import clean_text
    from .fatture import check_contract_data

    require_correctable(session, f)
    f.cig, f.cup = cig, cup  # checked by Fattura's validators
    f.determina_numero = clean_text((determina_numero or "").strip(), "determina_numero", 20) or None
    f.determina_data = determina_data
    f.impegno = clean_text((impegno or "").strip(), "impegno", 100) or None
    check_contract_data(session, f)
    session.flush()
    return f
