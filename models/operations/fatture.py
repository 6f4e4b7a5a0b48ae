"""Invoicing: drafts from uninvoiced charges, issue with gap-free numbers, credit notes, payments.

DOMAIN.md, "Prices": the money rules of models/money.py (lines rounded half-up, VAT per rate on
the taxable total); numbers are progressive per year with no gaps and no duplicates; an issued
invoice is never edited and is corrected by a credit note (TD04). Operations flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import format_date as babel_date
from flask_babel import gettext
from sqlalchemy import func, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from .. import dates
from ..anagrafiche import Comune
from ..base import StatoFattura, TipoDocumento, euro
from ..errors import DomainError
from ..fatture import Fattura, NumeratoreFattura, Pagamento, RigaFattura
from ..money import ZERO, line_amount, stamp_duty, vat_summary_by_nature
from ..money import totals as money_totals
from ..money import vat_summary as money_vat_summary
from ..percorsi import Addebito, Percorso
from ..programmi import Budget, Programma, VoceListino
from ..validation import clean_text
from .sdi import require_iban

#: States of a numbered document (it was issued once, whatever happened next).
NUMBERED = (StatoFattura.EMESSA, StatoFattura.PAGATA, StatoFattura.STORNATA)
#: Invoice documents are written in Italian whatever the accountant's interface language.
DOCUMENT_LOCALE = "it"


def _day(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


# -- totals -------------------------------------------------------------------


def _lines(righe):
    return ((r.quantita, r.prezzo_unitario, r.aliquota_iva) for r in righe)


def vat_summary(righe) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """rate -> (taxable, VAT) of an invoice's lines (models/money.py)."""
    return money_vat_summary(_lines(righe))


def _nature_lines(righe):
    return ((r.quantita, r.prezzo_unitario, r.aliquota_iva, r.natura) for r in righe)


def summary_by_nature(righe) -> dict[tuple, tuple[Decimal, Decimal]]:
    """(rate, natura) -> (taxable, VAT) of an invoice's lines: the FatturaPA DatiRiepilogo."""
    return vat_summary_by_nature(_nature_lines(righe))


def bollo(righe) -> Decimal:
    """The stamp duty of an invoice's lines (models/money.py, ``stamp_duty``)."""
    return stamp_duty(_nature_lines(righe))


def totals(righe) -> tuple[Decimal, Decimal]:
    """(taxable, VAT) of an invoice's lines (models/money.py)."""
    return money_totals(_lines(righe))


def invoice_totals(f: Fattura) -> tuple[Decimal, Decimal, Decimal]:
    """(taxable, VAT, total) of an invoice: the stored snapshot once issued, a draft's computed
    from its lines (models/money.py: lines rounded half-up, VAT per rate)."""
    if f.imponibile is not None and f.iva is not None:
        return f.imponibile, f.iva, f.imponibile + f.iva
    taxable, vat = totals(f.righe)
    return taxable, vat, taxable + vat


def amount_due(f: Fattura) -> Decimal:
    """What the Comune pays the agency: the taxable only under split payment (art. 17-ter),
    plus the stamp duty charged to it."""
    if f.imponibile is None or f.iva is None:
        return ZERO
    return (f.imponibile if f.split_payment else f.imponibile + f.iva) + (f.bollo or ZERO)


def amount_paid(session: Session, f: Fattura) -> Decimal:
    return session.scalar(
        select(func.coalesce(func.sum(Pagamento.importo), 0)).where(Pagamento.fattura_id == f.id)
    ) or ZERO


# -- generation ------------------------------------------------------------------


@dataclass
class RigaPrevista:
    """A planned line: the charges of one price-list item."""

    voce: VoceListino
    addebiti: list[Addebito] = field(default_factory=list)

    @property
    def quantita(self) -> Decimal:
        return sum((Decimal(a.quantita) for a in self.addebiti), ZERO)

    @property
    def importo(self) -> Decimal:
        return line_amount(self.quantita, self.voce.prezzo_unitario)


@dataclass
class BozzaPrevista:
    """A planned draft: one Comune and programme, its lines by item."""

    comune: Comune
    programma: Programma
    righe: dict[int, RigaPrevista] = field(default_factory=dict)

    @property
    def imponibile(self) -> Decimal:
        return sum((r.importo for r in self.righe.values()), ZERO)

    @property
    def n_addebiti(self) -> int:
        return sum(len(r.addebiti) for r in self.righe.values())


def _check_period(dal: dt.date, al: dt.date) -> None:
    if dal is None or al is None or al < dal:
        raise DomainError(gettext("The end of the period must not precede its start."))


def plan_invoices(session: Session, dal: dt.date, al: dt.date, lock: bool = False,
                  comune_id: int | None = None) -> list[BozzaPrevista]:
    """The drafts that generation would make: uninvoiced charges dated in the period (of one
    Comune's paths when ``comune_id`` is given), one draft per Comune and programme, one line per
    price-list item. Writes nothing.

    ``lock`` holds the charges (FOR UPDATE) until commit: a second accountant generating at
    the same time waits, then finds them invoiced and leaves them alone.
    """
    _check_period(dal, al)
    stmt = select(Addebito)
    if lock:
        stmt = stmt.with_for_update(of=Addebito)
    charges = session.scalars(
        stmt
        .join(Percorso, Addebito.percorso_id == Percorso.id)
        .where(Addebito.riga_fattura_id.is_(None), Addebito.data >= dal, Addebito.data <= al,
               *([Percorso.comune_id == comune_id] if comune_id else []))
        .options(
            selectinload(Addebito.voce_listino),
            selectinload(Addebito.percorso).selectinload(Percorso.comune),
            selectinload(Addebito.percorso).selectinload(Percorso.programma),
            selectinload(Addebito.percorso).selectinload(Percorso.persona),
        )
        .order_by(Percorso.comune_id, Percorso.programma_id, Addebito.voce_listino_id, Addebito.data,
                  Addebito.id)
    ).all()
    drafts: dict[tuple[int, int], BozzaPrevista] = {}
    for a in charges:
        p = a.percorso
        draft = drafts.setdefault((p.comune_id, p.programma_id), BozzaPrevista(p.comune, p.programma))
        draft.righe.setdefault(a.voce_listino_id, RigaPrevista(a.voce_listino)).addebiti.append(a)
    return sorted(drafts.values(), key=lambda d: (d.comune.nome, d.programma.nome))


def require_something_to_invoice(plan: list[BozzaPrevista], dal: dt.date, al: dt.date):
    """The plan, or the refusal "nothing to invoice" when it is empty."""
    if not plan:
        raise DomainError(
            gettext("Nothing to invoice: no uninvoiced charges from %(dal)s to %(al)s.",
                    dal=_day(dal), al=_day(al))
        )
    return plan


#: An invoice line's description is at most this long (RigaFattura.descrizione).
DESCRIPTION_LENGTH = 200


def initials(persona) -> str:
    """A beneficiary as the Comune's office reads it without personal data: "M.R."."""
    return f"{persona.nome.strip()[:1]}.{persona.cognome.strip()[:1]}.".upper()


def _people(addebiti: list[Addebito], room: int) -> str:
    """ "beneficiari A.B., C.D." within ``room`` characters, "e altri N" for those left out."""
    names = sorted({initials(a.percorso.persona) for a in addebiti})
    for shown in range(len(names), 0, -1):
        more = len(names) - shown
        text = "beneficiari " + ", ".join(names[:shown]) + (f" e altri {more}" if more else "")
        if len(text) <= room:
            return text
    return f"{len(names)} beneficiari"


def line_description(voce: VoceListino, addebiti: list[Addebito], dal: dt.date, al: dt.date,
                     with_initials: bool = False) -> str:
    """The item and the month it was delivered ("... ottobre 2025", or the period when the
    charges span months); where the Comune asks (Comune.iniziali_in_fattura), the
    beneficiaries' initials (issue 15: lines name the month and the people)."""
    months = {(a.data.year, a.data.month) for a in addebiti}
    if len(months) == 1:
        (year, month), = months
        when = babel_date(dt.date(year, month, 1), "MMMM yyyy", locale=DOCUMENT_LOCALE)
    else:
        when = f"dal {_day(dal)} al {_day(al)}"
    text = f"{voce.descrizione} {when}"[:DESCRIPTION_LENGTH]
    if with_initials and addebiti and len(text) < DESCRIPTION_LENGTH - 20:
        text += " - " + _people(addebiti, DESCRIPTION_LENGTH - len(text) - 3)
    return text


def covering_budget(session: Session, comune_id: int, programma_id: int, dal: dt.date,
                    al: dt.date) -> Budget | None:
    """The Comune's budget of the programme covering the period (the latest that overlaps it)."""
    return session.scalars(
        select(Budget)
        .where(Budget.comune_id == comune_id, Budget.programma_id == programma_id,
               Budget.data_inizio <= al, Budget.data_fine >= dal)
        .order_by(Budget.data_inizio.desc())
    ).first()


def _cig_cup(session: Session, comune: Comune, programma: Programma, dal: dt.date, al: dt.date):
    """CIG and CUP of the Comune's budget covering the period, else the programme's; the
    budget's resolution (determina) and commitment (impegno)."""
    budget = covering_budget(session, comune.id, programma.id, dal, al)
    cig = (budget.cig if budget else None) or programma.cig
    cup = (budget.cup if budget else None) or programma.cup
    if budget is None:
        return cig, cup, None, None, None
    return cig, cup, budget.determina_numero, budget.determina_data, budget.impegno


def cig_required(session: Session, f: Fattura) -> bool:
    """The programme or the Comune's budget says its invoices need a CIG (art. 25 DL 66/2014)."""
    if f.programma.cig_obbligatorio:
        return True
    budget = covering_budget(session, f.comune_id, f.programma_id, f.periodo_dal, f.periodo_al)
    return bool(budget and budget.cig_obbligatorio)


def generate_invoices(session: Session, dal: dt.date, al: dt.date,
                      comune_id: int | None = None) -> list[Fattura]:
    """Generate invoices: one draft per Comune and programme from its uninvoiced charges in
    the period, lines grouped by item, each charge linked to its line (DOMAIN.md, "Fattura");
    a line without VAT keeps its item's Natura and legal reference."""
    plan = require_something_to_invoice(
        plan_invoices(session, dal, al, lock=True, comune_id=comune_id), dal, al)
    made = []
    for draft in plan:
        cig, cup, determina, determina_data, impegno = _cig_cup(
            session, draft.comune, draft.programma, dal, al)
        f = Fattura(comune=draft.comune, programma=draft.programma, periodo_dal=dal, periodo_al=al,
                    tipo_documento=TipoDocumento.TD01, stato=StatoFattura.BOZZA,
                    split_payment=bool(draft.comune.split_payment), cig=cig, cup=cup,
                    determina_numero=determina, determina_data=determina_data, impegno=impegno)
        session.add(f)
        for line in draft.righe.values():
            riga = RigaFattura(fattura=f, voce_listino=line.voce,
                               descrizione=line_description(
                                   line.voce, line.addebiti, dal, al,
                                   with_initials=bool(draft.comune.iniziali_in_fattura)),
                               quantita=line.quantita, prezzo_unitario=line.voce.prezzo_unitario,
                               aliquota_iva=line.voce.aliquota_iva, natura=line.voce.natura,
                               riferimento_normativo=line.voce.riferimento_normativo)
            session.add(riga)
            session.flush()
            for a in line.addebiti:
                a.riga_fattura_id = riga.id
        made.append(f)
    session.flush()
    return made


def require_draft(f: Fattura) -> None:
    """An issued invoice is never edited (DOMAIN.md, "Prices"): a credit note corrects it."""
    if not f.modificabile:
        raise DomainError(gettext("An issued invoice cannot be changed; issue a credit note."))


def release_draft(session: Session, f: Fattura) -> None:
    """Before a draft is deleted its charges become uninvoiced again."""
    if not f.modificabile:
        raise DomainError(gettext("An issued invoice cannot be deleted; issue a credit note."))
    _free_charges(session, f)


def _free_charges(session: Session, f: Fattura) -> int:
    lines = select(RigaFattura.id).where(RigaFattura.fattura_id == f.id)
    result = session.execute(
        update(Addebito).where(Addebito.riga_fattura_id.in_(lines)).values(riga_fattura_id=None)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    return result.rowcount


# -- issue -------------------------------------------------------------------------


def year_counter(session: Session, anno: int) -> NumeratoreFattura:
    """The counter row of ``anno``, locked (SELECT ... FOR UPDATE) until the caller commits.

    The row is created on first use, continuing from any number already in the table;
    ``ON CONFLICT DO NOTHING`` lets two first issuers of a year meet without an error, and the
    row lock then makes the second wait until the first commits or rolls back.
    """
    start = session.scalar(
        select(func.coalesce(func.max(Fattura.numero), 0)).where(Fattura.anno == anno)
    )
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(NumeratoreFattura).values(anno=anno, ultimo_numero=start)
        .on_conflict_do_nothing(index_elements=["anno"])
    )
    return session.scalars(
        select(NumeratoreFattura).where(NumeratoreFattura.anno == anno)
        .with_for_update().execution_options(populate_existing=True)
    ).one()


def _lock(session: Session, f: Fattura) -> None:
    """Lock the invoice row and re-read it: a concurrent issue or credit waits here."""
    session.flush()
    # A plain statement: the loader options the view used (outer joins) cannot be locked.
    session.execute(
        select(Fattura).where(Fattura.id == f.id).with_for_update(of=Fattura)
        .execution_options(populate_existing=True)
    ).scalar_one()


def _check_issuable(session: Session, f: Fattura, day: dt.date) -> None:
    if f.stato != StatoFattura.BOZZA:
        raise DomainError(gettext("Only a draft can be issued: %(invoice)s is %(state)s.",
                                  invoice=str(f), state=f.stato.label))
    if not f.righe:
        raise DomainError(gettext("The draft has no lines: there is nothing to issue."))
    if f.tipo_documento == TipoDocumento.TD01 and day < f.periodo_dal:
        raise DomainError(gettext("An invoice cannot be issued before its period starts (%(date)s).",
                                  date=_day(f.periodo_dal)))
    for r in f.righe:
        if (Decimal(r.aliquota_iva) == 0) != (r.natura is not None):
            raise DomainError(gettext(
                "The line «%(line)s»: a line without VAT needs its VAT nature (e.g. N4 exempt), "
                "a line with VAT has none.", line=r.descrizione))
    check_customer_data(f.comune)
    check_contract_data(session, f)
    last = session.execute(
        select(Fattura.numero, Fattura.data).where(Fattura.anno == day.year, Fattura.data > day)
        .order_by(Fattura.numero.desc())
    ).first()
    if last is not None:
        raise DomainError(gettext(
            "The issue date cannot precede that of invoice %(number)s/%(year)s (%(date)s): "
            "numbers follow the dates.", number=last.numero, year=day.year, date=_day(last.data)))


def check_customer_data(c: Comune) -> None:
    """The Comune's data that FatturaPA needs (CessionarioCommittente, CodiceDestinatario)."""
    missing = [label for label, value in ((gettext("IPA office code"), c.codice_ipa),
                                          (gettext("fiscal code"), c.codice_fiscale),
                                          (gettext("street address"), c.indirizzo),
                                          (gettext("CAP"), c.cap)) if not value]
    if missing:
        raise DomainError(gettext("The Comune %(comune)s lacks data needed for e-invoicing: %(missing)s.",
                                  comune=c.nome, missing=", ".join(missing)))


def check_contract_data(session: Session, f: Fattura) -> None:
    """What the Comune's office needs to pay (issue 15): a CIG where the programme or the budget
    requires one, and the resolution (determina) the CIG or CUP refer to (DatiContratto)."""
    if f.tipo_documento != TipoDocumento.TD01:
        return  # a credit note carries the reversed invoice's data
    if not f.cig and cig_required(session, f):
        raise DomainError(gettext(
            "The programme %(programme)s requires a CIG on its invoices: enter the CIG of the "
            "Comune's budget before issuing.", programme=f.programma.nome))
    if (f.cig or f.cup) and not f.determina_numero:
        raise DomainError(gettext(
            "Enter the number and date of the Comune's resolution (determina) that the CIG or "
            "CUP refer to: the office matches the invoice to it."))


def issue_invoice(session: Session, f: Fattura, day: dt.date, iban: str | None = None) -> Fattura:
    """Issue a draft: the next number of ``day``'s year, taken inside this transaction, and the
    totals frozen as the document's snapshot. An invoice (TD01) is paid by bank transfer (MP05):
    ``iban`` is the agency's account (setting AGENZIA_IBAN), refused when missing or invalid.
    The caller commits, which releases the locks."""
    _lock(session, f)
    counter = year_counter(session, day.year)  # from here the year is ours until commit
    # Every check comes before the number is taken: a refusal leaves no gap.
    require_iban(f, iban)
    _check_issuable(session, f, day)
    counter.ultimo_numero += 1
    f.imponibile, f.iva = totals(f.righe)
    f.bollo = bollo(f.righe) or None
    f.anno, f.numero, f.data, f.stato = day.year, counter.ultimo_numero, day, StatoFattura.EMESSA
    session.flush()
    return f


# -- credit note --------------------------------------------------------------------


def credit_invoice(session: Session, f: Fattura, day: dt.date) -> Fattura:
    """Reverse an issued invoice with a credit note (TD04): the same lines with positive amounts
    as FatturaPA wants, numbered in the same yearly sequence; the invoice becomes STORNATA and
    its charges are freed so that they can be invoiced again."""
    _lock(session, f)
    if f.tipo_documento == TipoDocumento.TD04:
        raise DomainError(gettext("A credit note cannot be credited."))
    if f.stato == StatoFattura.BOZZA:
        raise DomainError(gettext("A draft is not credited: edit or delete it."))
    if f.stato == StatoFattura.STORNATA:
        raise DomainError(gettext("Invoice %(invoice)s is already credited.", invoice=str(f)))
    if day < f.data:
        raise DomainError(gettext("The credit note cannot precede the invoice (%(date)s).",
                                  date=_day(f.data)))
    nota = Fattura(comune=f.comune, programma=f.programma, periodo_dal=f.periodo_dal,
                   periodo_al=f.periodo_al, tipo_documento=TipoDocumento.TD04, fattura_stornata=f,
                   stato=StatoFattura.BOZZA, split_payment=f.split_payment, cig=f.cig, cup=f.cup)
    session.add(nota)
    for r in f.righe:
        session.add(RigaFattura(fattura=nota, voce_listino_id=r.voce_listino_id, descrizione=r.descrizione,
                                quantita=r.quantita, prezzo_unitario=r.prezzo_unitario,
                                aliquota_iva=r.aliquota_iva, natura=r.natura,
                                riferimento_normativo=r.riferimento_normativo))
    session.flush()
    issue_invoice(session, nota, day)
    _free_charges(session, f)
    f.stato = StatoFattura.STORNATA
    session.flush()
    return nota


# -- payments --------------------------------------------------------------------------


def apply_payment(session: Session, p: Pagamento, f: Fattura | None = None) -> None:
    """Check a payment against its invoice (``f``, else ``p.fattura``) and settle it: an invoice
    whose payments reach the amount due (the taxable under split payment) becomes PAGATA.
    A recorded payment never moves to another invoice."""
    if p.id is not None and inspect(p).attrs.fattura.history.has_changes():
        # A payment stays on its invoice: moving it would leave the first invoice's state stale.
        raise DomainError(gettext("A payment cannot be moved to another invoice."), "fattura")
    f = f if f is not None else p.fattura
    if f is None:
        raise DomainError(gettext("Please choose the invoice."), "fattura")
    if f.tipo_documento != TipoDocumento.TD01 or f.stato not in (StatoFattura.EMESSA, StatoFattura.PAGATA):
        raise DomainError(gettext("Payments are recorded only against issued invoices."), "fattura")
    if p.importo is None or p.importo <= 0:
        raise DomainError(gettext("The amount must be more than 0."), "importo")
    if p.data is None or p.data < f.data:
        raise DomainError(gettext("A payment cannot precede the invoice date (%(date)s).",
                                  date=_day(f.data)), "data")
    dates.check_not_future(p.data, "data", gettext("A payment"))
    others = select(func.coalesce(func.sum(Pagamento.importo), 0)).where(Pagamento.fattura_id == f.id)
    if p.id is not None:
        others = others.where(Pagamento.id != p.id)
    paid = Decimal(session.scalar(others) or 0) + Decimal(p.importo)
    due = amount_due(f)
    if paid > due:
        raise DomainError(gettext("The payment exceeds the amount still due (%(due)s).",
                                  due=euro(due - paid + Decimal(p.importo))), "importo")
    f.stato = StatoFattura.PAGATA if paid == due else StatoFattura.EMESSA


def record_payment(session: Session, f: Fattura, day: dt.date, importo: Decimal,
                   riferimento: str | None = None) -> Pagamento:
    """Record a payment received against an issued invoice (see ``apply_payment``)."""
    riferimento = clean_text((riferimento or "").strip(), "riferimento", max_length=100)
    _lock(session, f)
    p = Pagamento(data=day, importo=importo, riferimento=(riferimento or None))
    apply_payment(session, p, f)
    p.fattura = f
    session.add(p)
    session.flush()
    return p


def issued_in_period(session: Session, dal: dt.date, al: dt.date) -> list[Fattura]:
    """Issued documents (invoices and credit notes, whatever happened next) dated in the period."""
    return session.scalars(
        select(Fattura)
        .where(Fattura.stato.in_(NUMBERED), Fattura.data >= dal, Fattura.data <= al)
        .options(selectinload(Fattura.righe), selectinload(Fattura.comune),
                 selectinload(Fattura.programma), selectinload(Fattura.fattura_stornata))
        .order_by(Fattura.anno, Fattura.numero)
    ).all()

