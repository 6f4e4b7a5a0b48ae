"""Demo paths and what hangs off them: vouchers, hours, diary events and charges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from models import Addebito, Diario, Ore, Percorso, RigaVoucher, Voucher
from models.base import (
    CondizioneOccupazionale,
    Esito,
    StatoPercorso,
    StatoVoucher,
    TipoAssenza,
    TipoEnte,
    TipoEvento,
    TipologiaPercorso,
    TipoOre,
    TipoVoce,
)
from models.errors import DomainError
from models.operations.ore import set_shifts
from models.operations.percorsi import add_months, extend
from models.operations.prezzi import voucher_totals

from . import demo_data as data

if TYPE_CHECKING:
    from models import Postazione

    from .demo import DemoContext

S, T = StatoPercorso, TipologiaPercorso
#: How far along the flow each state is (DOMAIN.md, "The flow").
_LIVELLO = {
    S.SEGNALATO: 0,
    S.PRESO_IN_CARICO: 1,
    S.IN_VALUTAZIONE: 2,
    S.VOUCHER_PROPOSTO: 3,
    S.VOUCHER_APPROVATO: 4,
    S.ATTIVO: 5,
    S.CONCLUSO: 6,
    S.INTERROTTO: 6,
}
#: Letter of each path type in demo_data.POSTAZIONI.tipologie.
_LETTERA = {
    T.ASSISTENZIALE: "A",
    T.TIROCINIO: "T",
    T.INSERIMENTO_LAVORATIVO: "I",
    T.PROGETTO_PERSONALIZZATO: "P",
}
_DATORI = (TipoEnte.IMPRESA, TipoEnte.COOP_B)
_ORA = Decimal("1")


def load_percorsi(ctx: DemoContext) -> None:
    """Every demo path with its voucher, diary, hours and charges, in a fixed order."""
    percorsi: list[Percorso] = []
    occupati: dict[int, int] = {}
    for n, spec in enumerate(data.PERCORSI):
        persona = ctx.persone[_indice_persona(n)]
        percorso = _percorso(ctx, spec, persona, occupati)
        percorsi.append(percorso)
        ctx.session.flush()
        _voucher(ctx, spec, percorso)
        _diario(ctx, spec, percorso)
    ctx.session.flush()
    for spec, percorso in zip(data.PERCORSI, percorsi, strict=True):
        _ore_e_addebiti(ctx, spec, percorso)
    ctx.session.flush()
    _proroga(ctx, percorsi)


def _proroga(ctx: DemoContext, percorsi: list[Percorso]) -> None:
    """One active internship extended by two months (issue 12), through the operation."""
    for p in percorsi:
        if p.stato is S.ATTIVO and p.tipologia is T.TIROCINIO and p.data_fine_prevista:
            try:
                extend(ctx.session, p, add_months(p.data_fine_prevista, 2), data.MOTIVO_PROROGA,
                       data.OGGI)
            except DomainError:
                continue
            return


def _indice_persona(n: int) -> int:
    """Paths take the people in order; a path of a returning person takes theirs."""
    spec = data.PERCORSI[n]
    if spec.stessa_persona_di is not None:
        return _indice_persona(spec.stessa_persona_di)
    return sum(1 for s in data.PERCORSI[:n] if s.stessa_persona_di is None)


def _livello(spec) -> int:
    return _LIVELLO[spec.ritirato_da if spec.stato is S.RITIRATO else spec.stato]


def _percorso(ctx: DemoContext, spec, persona, occupati: dict[int, int]) -> Percorso:
    """A path whose step dates are consistent up to the state it has reached."""
    rng, livello = ctx.rng, _livello(spec)
    comune = persona.comune_residenza
    p = Percorso(
        persona=persona,
        comune=comune,
        programma=ctx.programma,
        tipologia=spec.tipologia,
        stato=spec.stato,
        data_segnalazione=spec.segnalazione,
        segnalazione_di_gruppo=spec.gruppo,
    )
    if spec.gruppo:
        p.proroga_giorni = 15
        p.motivo_proroga = "Segnalazione di gruppo (4 persone): colloqui da calendarizzare."
    if comune.id == ctx.users["servizio_sociale"].comune_id:
        p.assistente_sociale = ctx.users["servizio_sociale"]
    if livello >= 1:
        p.operatore = ctx.users["operatore"]
        p.data_presa_in_carico = spec.segnalazione + dt.timedelta(days=rng.randint(2, 10))
    if livello >= 2:
        p.data_primo_colloquio = p.data_presa_in_carico + dt.timedelta(days=rng.randint(0, 3))
    if livello >= 5:
        _avvia(ctx, spec, p, occupati)
    if spec.stato is S.RITIRATO:
        ultimo = _date_voucher(p)[1] or p.data_primo_colloquio or p.data_presa_in_carico
        p.data_fine = ultimo + dt.timedelta(days=rng.randint(5, 15))
        p.motivo_chiusura = spec.motivo
    _controlla_date(p)
    return ctx.add(p)


def _date_voucher(p: Percorso) -> tuple[dt.date | None, dt.date | None]:
    """Proposal and decision dates of the voucher, derived from the interview date.

    No random draw here: path, voucher and diary all ask for these dates and must agree.
    """
    if p.data_primo_colloquio is None:
        return None, None
    proposta = p.data_primo_colloquio + dt.timedelta(days=3 + p.data_primo_colloquio.day % 3)
    return proposta, proposta + dt.timedelta(days=1 + proposta.day % 3)


def _avvia(ctx: DemoContext, spec, p: Percorso, occupati: dict[int, int]) -> None:
    """Activation within the programme's days from intake, at a free position; then the end."""
    decisione = _date_voucher(p)[1]
    limite = p.data_presa_in_carico + dt.timedelta(days=ctx.programma.giorni_avvio)
    p.data_avvio = max(decisione, min(decisione + dt.timedelta(days=ctx.rng.randint(1, 3)), limite))
    durata = spec.durata if spec.stato is not S.INTERROTTO else 182
    p.data_fine_prevista = p.data_avvio + dt.timedelta(days=durata)
    if spec.stato is S.CONCLUSO:
        p.data_fine = p.data_fine_prevista
        p.esito = spec.esito
        p.motivo_chiusura = spec.motivo
    elif spec.stato is S.INTERROTTO:
        p.data_fine = p.data_avvio + dt.timedelta(days=spec.durata)
        p.motivo_chiusura = spec.motivo
    p.postazione = _postazione_libera(ctx, spec, p, occupati)
    if spec.esito is Esito.ASSUNTO:
        _assunzione(ctx, spec, p)


def _postazione_libera(ctx: DemoContext, spec, p: Percorso, occupati: dict[int, int]) -> Postazione:
    """A position that accepts the path type, is open to its Comune, active, with a free seat.

    Every path ever placed keeps its seat here, so no position is ever over-booked.
    """
    fine = min(p.data_fine or p.data_fine_prevista, data.OGGI)
    candidati = [
        (n, post)
        for n, post in enumerate(ctx.postazioni)
        if _LETTERA[spec.tipologia] in data.POSTAZIONI[n].tipologie
        and post.comune_riservato_id in (None, p.comune.id)
        and post.attiva_dal <= p.data_avvio
        and (post.attiva_al is None or post.attiva_al >= fine)
        and occupati.get(n, 0) < post.posti
        and (spec.assunzione not in ("stesso_ente", "diretta") or post.ente.tipo in _DATORI)
    ]
    if not candidati:  # pragma: no cover - a mistake in demo_data.POSTAZIONI
        raise RuntimeError(f"no free demo position for the path of {p.data_segnalazione}")
    n, scelta = ctx.rng.choice(candidati)
    occupati[n] = occupati.get(n, 0) + 1
    return scelta


def _assunzione(ctx: DemoContext, spec, p: Percorso) -> None:
    """Hiring: by the internship host, by another company, or directly (no internship)."""
    p.data_assunzione = (
        p.data_fine if spec.assunzione == "diretta" else p.data_fine + dt.timedelta(days=1)
    )
    p.tipo_contratto = spec.contratto
    if spec.assunzione == "altro_ente":
        altri = [e for e in ctx.enti if e.tipo is TipoEnte.IMPRESA and e is not p.postazione.ente]
        p.datore_lavoro = ctx.rng.choice(altri)
    else:
        p.datore_lavoro = p.postazione.ente
    p.persona.condizione_occupazionale = CondizioneOccupazionale.OCCUPATO


def _controlla_date(p: Percorso) -> None:
    """The demo tables must keep every date on or before the demo's reference day."""
    date = [
        p.data_segnalazione,
        p.data_presa_in_carico,
        p.data_primo_colloquio,
        p.data_avvio,
        p.data_fine,
        p.data_assunzione,
    ]
    if any(d is not None and d > data.OGGI for d in date):  # pragma: no cover
        raise RuntimeError(f"demo path of {p.data_segnalazione} ends after {data.OGGI}")


def _righe(ctx: DemoContext, tipologia: TipologiaPercorso) -> list[tuple[TipoVoce, Decimal]]:
    """The planned services by path type (DOMAIN.md, "Path types"): tutoring where foreseen."""
    if tipologia is T.TIROCINIO:
        ore = ctx.rng.choice((20, 25, 30, 40))
        return [(TipoVoce.ATTIVAZIONE_TIROCINIO, _ORA), (TipoVoce.ORA_AFFIANCAMENTO, Decimal(ore))]
    if tipologia is T.INSERIMENTO_LAVORATIVO:
        return [(TipoVoce.ASSUNZIONE, _ORA), (TipoVoce.ORA_AFFIANCAMENTO, Decimal(10))]
    if tipologia is T.ASSISTENZIALE:
        return [(TipoVoce.ALTRO, Decimal(ctx.rng.choice((4, 6, 8))))]
    return [(TipoVoce.ORA_AFFIANCAMENTO, Decimal(15)), (TipoVoce.ALTRO, Decimal(4))]


def _voucher(ctx: DemoContext, spec, p: Percorso) -> None:
    """The voucher of a path past the joint-team step; one rejected, back in evaluation."""
    livello, (proposta, decisione) = _livello(spec), _date_voucher(p)
    if spec.voucher_respinto:
        stato, motivo = (
            StatoVoucher.RESPINTO,
            (
                "Monte ore di affiancamento eccessivo rispetto al budget residuo del Comune: "
                "riproporre con non più di 20 ore."
            ),
        )
    elif livello >= 4:
        stato, motivo = StatoVoucher.APPROVATO, None
    elif livello == 3:
        stato, motivo = StatoVoucher.PROPOSTO, None
    else:
        return
    deciso = stato is not StatoVoucher.PROPOSTO
    voucher = ctx.add(
        Voucher(
            percorso=p,
            stato=stato,
            data_proposta=proposta,
            data_decisione=decisione if deciso else None,
            decisore=ctx.users["pal"] if deciso else None,
            motivo_rifiuto=motivo,
        )
    )
    righe = _righe(ctx, spec.tipologia)
    if spec.voucher_respinto:
        righe = [(TipoVoce.ATTIVAZIONE_TIROCINIO, _ORA), (TipoVoce.ORA_AFFIANCAMENTO, Decimal(60))]
    for tipo, quantita in righe:
        ctx.add(RigaVoucher(voucher=voucher, voce_listino=ctx.voci[tipo], quantita=quantita))
    if stato is StatoVoucher.APPROVATO:
        # What the approval commits, as models/operations/voucher.approve_voucher stores it.
        voucher.importo_impegnato = voucher_totals(voucher)[2]


_TESTI = {
    "segnalazione": "Segnalazione trasmessa dal Servizio sociale con relazione di accompagnamento.",
    "colloquio": "Colloquio di primo livello allo sportello: raccolti CV, disponibilità e vincoli.",
    "equipe": "Equipe congiunta con il Servizio sociale: definiti obiettivi e voucher.",
    "respinto": "Voucher respinto dal Responsabile PAL: da riformulare.",
    "visita": "Visita presso l'ente ospitante con il tutor aziendale: buon inserimento.",
    "verifica": "Incontro di verifica con la persona e il tutor: obiettivi in linea.",
    "relazione": "Relazione di aggiornamento inviata all'assistente sociale.",
    "assunzione": "Firmato il contratto di assunzione; consegnata la documentazione.",
}


def _diario(ctx: DemoContext, spec, p: Percorso) -> None:
    """Dated events of each step reached: interview, team, visits, reviews, reports."""
    op, eventi = ctx.users["operatore"], []
    if p.assistente_sociale is not None:
        eventi.append((p.data_segnalazione, TipoEvento.ALTRO, "segnalazione", p.assistente_sociale))
    if p.data_primo_colloquio:
        eventi.append((p.data_primo_colloquio, TipoEvento.COLLOQUIO, "colloquio", op))
    proposta, decisione = _date_voucher(p)
    if proposta and (_livello(spec) >= 3 or spec.voucher_respinto):
        eventi.append((proposta, TipoEvento.EQUIPE, "equipe", op))
    if spec.voucher_respinto:
        eventi.append((decisione, TipoEvento.ALTRO, "respinto", ctx.users["pal"]))
    if p.data_avvio and p.data_fine != p.data_avvio:
        fine = min(p.data_fine or data.OGGI, data.OGGI)
        eventi.append(
            (p.data_avvio + dt.timedelta(days=7), TipoEvento.VISITA_AZIENDALE, "visita", op)
        )
        giorno = p.data_avvio + dt.timedelta(days=35)
        while giorno < fine:
            eventi.append((giorno, TipoEvento.INCONTRO_VERIFICA, "verifica", op))
            giorno += dt.timedelta(days=42)
        eventi.append((fine, TipoEvento.RELAZIONE_SERVIZIO_SOCIALE, "relazione", op))
    if p.data_assunzione:
        eventi.append((p.data_assunzione, TipoEvento.ALTRO, "assunzione", op))
    if spec.stato in (S.RITIRATO, S.INTERROTTO):
        eventi.append((p.data_fine, TipoEvento.ALTRO, None, op))
    for giorno, tipo, testo, autore in eventi:
        if giorno <= data.OGGI:
            descrizione = _TESTI[testo] if testo else p.motivo_chiusura
            ctx.add(
                Diario(percorso=p, data=giorno, tipo=tipo, descrizione=descrizione, autore=autore)
            )


def _giorni_lavorativi(p: Percorso) -> list[dt.date]:
    """Mon-Fri of the two demo months on which the path was at its position."""
    if p.data_avvio is None or p.data_fine == p.data_avvio:
        return []
    (a1, m1), (a2, m2) = data.MESI_ORE[0], data.MESI_ORE[-1]
    primo = max(p.data_avvio, dt.date(a1, m1, 1))
    ultimo = min(p.data_fine or data.OGGI, dt.date(a2, m2 + 1, 1) - dt.timedelta(days=1))
    giorni, giorno = [], primo
    while giorno <= ultimo:
        if giorno.weekday() < 5:
            giorni.append(giorno)
        giorno += dt.timedelta(days=1)
    return giorni


def _ore_e_addebiti(ctx: DemoContext, spec, p: Percorso) -> None:
    """Timesheets, tutoring hours and the charges they and the activation/hiring create.

    Charges follow DOMAIN.md "Prices": one activation per activated internship, one hiring
    unless the internship host hires, one tutoring charge per tutoring entry.
    """
    rng, giorni = ctx.rng, _giorni_lavorativi(p)
    if p.data_avvio and p.tipologia is T.TIROCINIO:
        _addebita(ctx, p, TipoVoce.ATTIVAZIONE_TIROCINIO, p.data_avvio, _ORA)
    if p.esito is Esito.ASSUNTO and spec.assunzione != "stesso_ente":
        _addebita(ctx, p, TipoVoce.ASSUNZIONE, p.data_assunzione, _ORA)
    if giorni:
        base = p.postazione.ore_settimanali / 5
        for giorno in giorni:
            if rng.random() < 0.08:  # absent that day, for a reason drawn from the date
                ctx.add(Ore(percorso=p, data=giorno, tipo=TipoOre.PRESENZA, ore=Decimal(0),
                            assenza=_ASSENZE[giorno.day % len(_ASSENZE)]))
                continue
            ore = min(
                max(base + Decimal(rng.choice((-1, -0.5, 0, 0, 0.5))), Decimal(4)), Decimal(8)
            )
            ore = (ore * 2).to_integral_value() / 2
            riga = ctx.add(Ore(percorso=p, data=giorno, tipo=TipoOre.PRESENZA, ore=ore))
            if p.id % 3 == 0:  # a third of the paths sign in and out (issue 12)
                set_shifts(riga, _turni(ore))
    if p.tipologia in (T.TIROCINIO, T.PROGETTO_PERSONALIZZATO):
        _affiancamento(ctx, p, giorni)


#: Absence reasons of the demo, by day of the month (no random draw: the demo stays the same).
_ASSENZE = (TipoAssenza.MALATTIA, TipoAssenza.FERIE, TipoAssenza.GIUSTIFICATA)


def _turni(ore: Decimal) -> list[tuple[dt.time, dt.time]]:
    """Entry at 8:30; over 5 hours a lunch break of an hour from 12:30."""
    start = dt.datetime(2000, 1, 1, 8, 30)
    if ore <= 5:
        return [(start.time(), (start + dt.timedelta(hours=float(ore))).time())]
    afternoon = dt.datetime(2000, 1, 1, 13, 30)
    return [(start.time(), dt.time(12, 30)),
            (afternoon.time(), (afternoon + dt.timedelta(hours=float(ore) - 4)).time())]


def _affiancamento(ctx: DemoContext, p: Percorso, giorni: list[dt.date]) -> None:
    """One tutoring session a week, within the hours the approved voucher foresees."""
    if not giorni:
        return
    voucher = next(v for v in p.vouchers if v.stato is StatoVoucher.APPROVATO)
    residuo = sum(
        (r.quantita for r in voucher.righe if r.voce_listino.tipo is TipoVoce.ORA_AFFIANCAMENTO),
        Decimal(0),
    )
    settimane: dict[tuple[int, int], list[dt.date]] = {}
    for giorno in giorni:
        settimane.setdefault(giorno.isocalendar()[:2], []).append(giorno)
    for giorni_settimana in settimane.values():
        ore = Decimal(ctx.rng.choice(("1", "1.5", "2")))
        giorno = ctx.rng.choice(giorni_settimana)
        if ore > residuo:
            break
        residuo -= ore
        riga = ctx.add(
            Ore(
                percorso=p,
                data=giorno,
                tipo=TipoOre.AFFIANCAMENTO,
                ore=ore,
                operatore=ctx.users["operatore"],
                note="Affiancamento in postazione",
            )
        )
        ctx.session.flush()
        _addebita(ctx, p, TipoVoce.ORA_AFFIANCAMENTO, giorno, ore, riga)


def _addebita(
    ctx: DemoContext,
    p: Percorso,
    tipo: TipoVoce,
    giorno: dt.date,
    quantita: Decimal,
    ore: Ore | None = None,
) -> None:
    """An uninvoiced charge priced by the programme's item of that kind."""
    voce = ctx.voci[tipo]
    ctx.add(
        Addebito(
            percorso=p,
            voce_listino=voce,
            data=giorno,
            quantita=quantita,
            descrizione=f"{voce.descrizione} – {p.persona}",
            ore=ore,
            created_at=dt.datetime.combine(giorno, dt.time(18, 0)),
        )
    )
