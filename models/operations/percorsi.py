"""The path's transitions, from referral to outcome (DOMAIN.md, "The flow").

referral -> intake -> first interview / evaluation -> voucher proposed -> approved or
rejected (back to evaluation) -> active -> concluded (hired / not hired) | interrupted |
withdrawn. Each function checks its preconditions, changes the rows and flushes. Who may take
each step, and in which states, is the table of workflow.py: ``by`` is the console user taking
the step, refused if their role does not take it (None when no user acts: seed, CLI).
"""

from __future__ import annotations

import calendar
import datetime as dt

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock, dates
from ..anagrafiche import EnteOspitante, Postazione
from ..base import (
    Esito,
    StatoPercorso,
    StatoVoucher,
    TipoContratto,
    TipoEvento,
    TipologiaPercorso,
    TipoVoce,
    quantity,
)
from ..errors import DomainError
from ..percorsi import Addebito, Percorso, Proroga
from ..queries import ACCEPTS, HOLDS_SEAT
from ..tipologie import INTERNSHIPS, LONGEST_MONTHS, needs_position
from ..validation import clean_text
from .diario import add_diary_entry
from .erogazioni import line_of_kind
from .prezzi import price_item
from .tipologie import check_hours_band, hiring_billed
from .workflow import require_step

S = StatoPercorso
#: A group referral's extension: a few weeks, a year at the very most.
MAX_EXTENSION_DAYS = 365


def _require_date(day: dt.date, not_before: dt.date | None, what: str, p: Percorso | None = None) -> None:
    """A step's date: not in the future, inside the programme's period, not before ``not_before``."""
    if day > clock.today():
        raise DomainError(gettext("The date cannot be in the future."))
    if p is not None:
        dates.check_in_programme(day, p.programma)
    if not_before and day < not_before:
        raise DomainError(
            gettext(
                "The date %(day)s cannot precede the %(what)s (%(before)s).",
                day=day.strftime("%d/%m/%Y"),
                what=what,
                before=not_before.strftime("%d/%m/%Y"),
            )
        )


def take_in_charge(session: Session, p: Percorso, day: dt.date, operatore=None) -> None:
    """Presa in carico: the agency takes the referred person in charge. ``operatore``, the case
    worker taking it (checked as the acting user), becomes the path's if it has none."""
    require_step("take_in_charge", p, operatore)
    _require_date(day, p.data_segnalazione, gettext("referral date"), p)
    p.stato, p.data_presa_in_carico = S.PRESO_IN_CARICO, day
    if operatore is not None and p.operatore_id is None:
        p.operatore = operatore
    session.flush()


def record_first_interview(session: Session, p: Percorso, day: dt.date, by=None,
                           notes: str | None = None) -> None:
    """Colloquio di primo livello: the evaluation starts. The interview's ``notes``, when
    given, are written to the path's diary as an interview by ``by`` (DOMAIN.md, "Diario")."""
    require_step("interview", p, by)
    _require_date(day, p.data_presa_in_carico, gettext("intake date"), p)
    p.stato, p.data_primo_colloquio = S.IN_VALUTAZIONE, day
    if (notes or "").strip():
        add_diary_entry(session, p, day, TipoEvento.COLLOQUIO, notes, by=by)
    session.flush()


def grant_intake_extension(session: Session, p: Percorso, days: int, reason: str, by=None) -> None:
    """A group referral may get a justified extension of the intake deadline."""
    require_step("extension", p, by)
    reason = clean_text(reason, "motivo")
    if days <= 0 or not (reason or "").strip():
        raise DomainError(gettext("An intake extension needs its days and a reason."))
    if days > MAX_EXTENSION_DAYS:
        raise DomainError(gettext("An intake extension is at most %(max)s days.", max=MAX_EXTENSION_DAYS))
    p.proroga_giorni, p.motivo_proroga = days, reason.strip()
    session.flush()


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.4375


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (clamped to the month's last day)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def internship_limits(p: Percorso) -> tuple[int | None, int] | None:
    """(minimum months or None, maximum months) of ``p``'s internship under its programme's
    length rules (``DurataTirocinio``): the most favourable rule of the person's disadvantage
    categories (registration under L. 68/99 counts as category L68), else the general rule;
    None when the programme sets no length."""
    rules = p.programma.durate_tirocinio
    categories = {c.id for c in p.persona.categorie}
    codes = {c.codice for c in p.persona.categorie}
    if p.persona.dati_sensibili is not None and p.persona.dati_sensibili.iscritto_l68:
        codes.add("L68")
    own = [r for r in rules if r.categoria is not None
           and (r.categoria_id in categories or r.categoria.codice in codes)]
    if not own:
        own = [r for r in rules if r.categoria_id is None]
    if not own:
        return None
    minima = [r.mesi_minimi or 0 for r in own]
    return (min(minima) or None), max(r.mesi_massimi for r in own)


def check_internship_duration(p: Percorso, start: dt.date, end: dt.date | None) -> None:
    """An internship has a planned end, and lasts within its programme's limits for the
    trainee's category (issue 12, item 5; Lombardy: 2-12 months, no minimum and at most 12
    for disadvantaged trainees, 24 for disabled ones), extensions included; a social-inclusion
    internship may last up to 24 months whatever the general rule (issue 14)."""
    if p.tipologia not in INTERNSHIPS:
        return
    if end is None:
        raise DomainError(gettext("An internship needs its planned end date."))
    limits = internship_limits(p)
    if limits is None:
        return
    shortest, longest = limits
    longest = max(longest, LONGEST_MONTHS.get(p.tipologia, longest))
    # Calendar months, not days / 30.4: 1 Feb - 1 Apr is two months, a leap year's twelve are twelve.
    if end > add_months(start, longest):
        raise DomainError(_length_message(shortest, longest, start, end))
    if shortest and end < add_months(start, shortest):
        raise DomainError(_length_message(shortest, longest, start, end))


def _length_message(shortest: int | None, longest: int, start: dt.date, end: dt.date) -> str:
    months = quantity(_months_between(start, end), 1)
    if shortest:
        return gettext(
            "An internship must last between %(min)s and %(max)s months: this one lasts %(months)s.",
            min=shortest, max=longest, months=months)
    return gettext("An internship may last at most %(max)s months: this one lasts %(months)s.",
                   max=longest, months=months)


def extend(session: Session, p: Percorso, new_end: dt.date, reason: str, day: dt.date | None = None,
           by=None) -> Proroga:
    """Proroga: an active path's planned end moves later, with a reason; an internship stays
    within its maximum length, extensions included (issue 12, item 5). The history is kept."""
    require_step("extend", p, by)
    if not (reason or "").strip():
        raise DomainError(gettext("Please give the reason."))
    day = day or clock.today()
    if day > clock.today():
        raise DomainError(gettext("The date cannot be in the future."))
    if new_end <= p.data_fine_prevista:
        raise DomainError(gettext(
            "The new planned end must follow the current one (%(end)s).",
            end=p.data_fine_prevista.strftime("%d/%m/%Y")))
    check_internship_duration(p, p.data_avvio, new_end)
    proroga = Proroga(percorso=p, data=day, fine_prevista_precedente=p.data_fine_prevista,
                      nuova_fine_prevista=new_end, motivo=reason.strip(), utente=by)
    session.add(proroga)
    p.data_fine_prevista = new_end
    session.flush()
    return proroga


def check_position(session: Session, p: Percorso, post: Postazione, day: dt.date, lock: bool = True) -> None:
    """The position is open on the day, has a free seat, accepts the type and the Comune."""
    if lock:
        # Two activations at once must not both take the last seat.
        session.execute(select(Postazione.id).where(Postazione.id == post.id).with_for_update())
    if post.attiva_dal > day or (post.attiva_al is not None and post.attiva_al < day):
        raise DomainError(gettext("The position %(post)s is not open on that date.", post=str(post)))
    if not session.scalar(select(ACCEPTS[p.tipologia]).where(Postazione.id == post.id)):
        raise DomainError(
            gettext("The position %(post)s does not accept %(type)s paths.", post=str(post), type=p.tipologia.label)
        )
    if post.comune_riservato_id is not None and post.comune_riservato_id != p.comune_id:
        raise DomainError(
            gettext("The position %(post)s is reserved to the Comune of %(comune)s.",
                    post=str(post), comune=str(post.comune_riservato))
        )
    taken = session.scalar(
        select(func.count(Percorso.id)).where(
            Percorso.postazione_id == post.id, Percorso.stato.in_(HOLDS_SEAT), Percorso.id != p.id
        )
    )
    if taken >= post.posti:
        raise DomainError(
            gettext("The position %(post)s has no free seat (%(seats)s of %(seats)s taken).",
                    post=str(post), seats=post.posti)
        )


def agreement_refusal(ente: EnteOspitante, day: dt.date) -> str | None:
    """Why ``ente`` has no framework agreement (convenzione) in force on ``day``, or None: one
    signed on or before it and not expired (DOMAIN.md, "The flow" 6; issue 15, item 2). An
    agreement with no recorded expiry is open-ended."""
    if ente.convenzione_data is None:
        return gettext(
            "%(host)s has no agreement (convenzione) with the agency: record it on the host's "
            "page before activating the path.", host=ente.ragione_sociale)
    if ente.convenzione_data > day:
        return gettext(
            "The agreement with %(host)s was signed on %(signed)s, after the start date %(day)s.",
            host=ente.ragione_sociale, signed=dates.fmt(ente.convenzione_data), day=dates.fmt(day))
    if ente.convenzione_scadenza is not None and ente.convenzione_scadenza < day:
        return gettext(
            "The agreement with %(host)s expired on %(expiry)s: it is not valid on the start "
            "date %(day)s. Renew it on the host's page first.",
            host=ente.ragione_sociale, expiry=dates.fmt(ente.convenzione_scadenza),
            day=dates.fmt(day))
    return None


def check_agreement(ente: EnteOspitante, day: dt.date) -> None:
    """A path starts at a host only under an agreement in force on its start date."""
    refusal = agreement_refusal(ente, day)
    if refusal is not None:
        raise DomainError(refusal, "postazione")


def activate(session: Session, p: Percorso, post: Postazione | None, start: dt.date,
             planned_end: dt.date | None, by=None) -> None:
    """Avvio: needs an approved voucher and a suitable position (a PIP, a plan of services, has
    none) whose host has an agreement in force on the start date; an internship of either
    kind bills its activation."""
    require_step("activate", p, by)
    if not needs_position(p.tipologia):
        post = None
    elif post is None:
        raise DomainError(gettext("Please choose a position."))
    if not any(v.stato == StatoVoucher.APPROVATO for v in p.vouchers):
        raise DomainError(gettext("The path has no approved voucher."))
    if start > clock.today():
        raise DomainError(gettext("The date cannot be in the future."))
    dates.check_in_programme(start, p.programma)
    dates.check_in_programme(planned_end, p.programma, what=gettext("The planned end"))
    if start < p.data_presa_in_carico:
        raise DomainError(gettext("The start date cannot precede the intake date."))
    if planned_end is not None and planned_end < start:
        raise DomainError(gettext("The planned end cannot precede the start date."))
    check_internship_duration(p, start, planned_end)
    if post is not None:
        check_agreement(post.ente, start)
        check_position(session, p, post, start)
    # Priced before anything changes: a refusal must leave the path as it was.
    voce = None
    if p.tipologia in INTERNSHIPS:
        voce = price_item(session, p.programma, TipoVoce.ATTIVAZIONE_TIROCINIO, start)
    p.postazione, p.data_avvio, p.data_fine_prevista, p.stato = post, start, planned_end, S.ATTIVO
    if voce is not None:
        session.add(Addebito(percorso=p, voce_listino=voce, data=start, quantita=1, operatore=by,
                             riga_voucher=line_of_kind(p, TipoVoce.ATTIVAZIONE_TIROCINIO),
                             descrizione=gettext("Internship activation")))
    session.flush()


def hire(session: Session, p: Percorso, day: dt.date, employer: EnteOspitante, contract: TipoContratto,
         by=None) -> None:
    """Esito: hired. Bills a hiring as the programme's rule says (operations/tipologie.py,
    ``hiring_billed``: for ZeroOttanta, not after an internship at the same host on any path);
    a secondment is hired only within its hour band."""
    require_step("hire", p, by)
    _require_date(day, p.data_avvio or p.data_presa_in_carico, gettext("start date"), p)
    if p.tipologia == TipologiaPercorso.DISTACCO:
        check_hours_band(session, p)
    # Priced before anything changes: a refusal must leave the path as it was.
    voce = price_item(session, p.programma, TipoVoce.ASSUNZIONE, day) \
        if hiring_billed(session, p, employer) else None
    p.stato, p.esito, p.data_assunzione, p.data_fine = S.CONCLUSO, Esito.ASSUNTO, day, day
    p.datore_lavoro, p.tipo_contratto = employer, contract
    if voce is not None:
        session.add(Addebito(percorso=p, voce_listino=voce, data=day, quantita=1, operatore=by,
                             riga_voucher=line_of_kind(p, TipoVoce.ASSUNZIONE),
                             descrizione=gettext("Hiring by %(employer)s", employer=employer.ragione_sociale)))
    session.flush()


def _close(session: Session, p: Percorso, step: str, state: StatoPercorso, day: dt.date, reason: str, by,
           esito: Esito | None = None) -> None:
    require_step(step, p, by)
    reason = clean_text(reason, "motivo")
    if not (reason or "").strip():
        raise DomainError(gettext("Please give the reason."))
    _require_date(day, p.data_avvio or p.data_segnalazione, gettext("start date"), p)
    # The outcome is written with the state: a concluded path without one breaks a CHECK.
    p.stato, p.data_fine, p.motivo_chiusura, p.esito = state, day, reason.strip(), esito
    session.flush()


def conclude_without_hiring(session: Session, p: Percorso, day: dt.date, reason: str, by=None) -> None:
    """Esito: ended without hiring; the seat is freed."""
    _close(session, p, "conclude", S.CONCLUSO, day, reason, by, Esito.NON_ASSUNTO)


def return_to_cooperative(session: Session, p: Percorso, day: dt.date, reason: str, by=None) -> None:
    """Esito of a secondment: back to the cooperative, whose employee the worker remained
    (Modena: "rimane dipendente della coop sociale e ritorna nel precedente posto di lavoro");
    only within the hour band, like a hiring."""
    require_step("return_to_coop", p, by)
    check_hours_band(session, p)
    _close(session, p, "return_to_coop", S.CONCLUSO, day, reason, by, Esito.RIENTRO)


def interrupt(session: Session, p: Percorso, day: dt.date, reason: str, by=None) -> None:
    """Interruption of an active path; the seat is freed."""
    _close(session, p, "interrupt", S.INTERROTTO, day, reason, by)


def withdraw(session: Session, p: Percorso, day: dt.date, reason: str, by=None) -> None:
    """The person withdraws before the path ends."""
    _close(session, p, "withdraw", S.RITIRATO, day, reason, by)
