"""The demo data set (``flask seed demo``): complete and valid (loaded once for the module)."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal

import pytest
from flask_security import verify_password
from sqlalchemy import func, select
from stdnum.it import codicefiscale, iva

from models import (
    Addebito,
    Budget,
    CategoriaSvantaggio,
    Comune,
    DatiSensibili,
    Diario,
    EnteOspitante,
    Fattura,
    Ore,
    Percorso,
    Persona,
    Postazione,
    Programma,
    RigaFattura,
    RigaVoucher,
    Ruolo,
    Utente,
    VariazioneBudget,
    VariazioneVoucher,
    VoceListino,
    Voucher,
    db,
)
from models.base import (
    Esito,
    Natura,
    StatoFattura,
    StatoPercorso,
    StatoVoucher,
    TipoDocumento,
    TipoEnte,
    TipoInviante,
    TipologiaPercorso,
    TipoOre,
    TipoVoce,
)
from seed.demo import DEMO_PASSWORD, load_demo

COUNTED = (
    Comune,
    Persona,
    DatiSensibili,
    EnteOspitante,
    Postazione,
    Budget,
    VariazioneBudget,
    CategoriaSvantaggio,
    Utente,
    Percorso,
    Voucher,
    RigaVoucher,
    Ore,
    Diario,
    Addebito,
)


@pytest.fixture(scope="module")
def demo(module_savepoint):
    """The demo, loaded once into an empty database for the module's read-only tests."""
    with module_savepoint.app_context():
        assert load_demo(db.session) is True
        db.session.commit()


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _counts(session) -> dict[str, int]:
    return {m.__name__: _count(session, m) for m in COUNTED}


def _ore_totali(session) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for ore in session.scalars(select(Ore)):
        totals[ore.tipo.name] = totals.get(ore.tipo.name, Decimal(0)) + ore.ore
    return {k: v.quantize(Decimal("0.01")) for k, v in totals.items()}


def _fingerprint(session) -> dict:
    """What two loads must share: people, paths, hours, charges, vouchers, in stable order."""
    q = lambda d: str(Decimal(d).quantize(Decimal("0.01")))  # noqa: E731
    persone = sorted((p.codice_fiscale, p.cognome) for p in session.scalars(select(Persona)))
    percorsi = [
        (
            p.id,
            p.persona.codice_fiscale,
            p.stato.name,
            p.tipologia.name,
            str(p.data_segnalazione),
            str(p.data_presa_in_carico),
            str(p.data_avvio),
            str(p.data_fine),
            p.postazione_id,
            p.datore_lavoro_id,
        )
        for p in session.scalars(select(Percorso).order_by(Percorso.id))
    ]
    ore = sorted(
        (o.percorso_id, o.tipo.name, str(o.data), q(o.ore)) for o in session.scalars(select(Ore))
    )
    addebiti = sorted(
        (a.percorso_id, a.voce_listino.codice, str(a.data), q(a.quantita))
        for a in session.scalars(select(Addebito))
    )
    righe = sorted(
        (r.voucher.percorso_id, r.voucher.stato.name, r.voce_listino.codice, q(r.quantita))
        for r in session.scalars(select(RigaVoucher))
    )
    diario = sorted(
        (d.percorso_id, str(d.data), d.tipo.name) for d in session.scalars(select(Diario))
    )
    return {
        "persone": hashlib.sha256(repr(persone).encode()).hexdigest(),
        "tutto": hashlib.sha256(
            repr((persone, percorsi, ore, addebiti, righe, diario)).encode()
        ).hexdigest(),
        "ore": _ore_totali(session),
        "counts": _counts(session),
    }


def _zero_ottanta(session):
    return session.scalar(select(Programma).where(Programma.nome == "ZeroOttanta"))


def test_demo_loads_with_the_expected_content(session, demo):
    counts = _counts(session)
    # ZeroOttanta's six Comuni, then WORK-IN's four, Modena, Mantova and Gussago (issue 14).
    assert counts["Comune"] == 13
    assert 50 <= counts["Persona"] <= 60
    assert 28 <= counts["EnteOspitante"] <= 32
    assert 35 <= counts["Postazione"] <= 40
    assert counts["Budget"] == 10 and counts["VariazioneBudget"] >= 1
    assert {c.codice for c in session.scalars(select(CategoriaSvantaggio))} == {
        "L381",
        "L68",
        "DM2013",
        "SOSTEGNO_REDDITO",
        "GIOVANE",
        "PSI",
        "PSF",
        "FIS",
        "SOC",
    }
    assert 0 < counts["DatiSensibili"] < counts["Persona"]
    assert {e.tipo for e in session.scalars(select(EnteOspitante))} == set(TipoEnte)
    # Issued, paid and credited invoices, a credit note and drafts.
    assert {f.stato for f in session.scalars(select(Fattura))} == set(StatoFattura)
    assert {f.tipo_documento for f in session.scalars(select(Fattura))} == set(TipoDocumento)
    percorsi = session.scalars(select(Percorso)).all()
    assert {p.stato for p in percorsi} == set(StatoPercorso)
    assert {p.tipologia for p in percorsi} == set(TipologiaPercorso)
    assert {p.esito for p in percorsi if p.stato is StatoPercorso.CONCLUSO} == set(Esito)
    zero = _zero_ottanta(session)
    for tipo in TipoOre:
        mesi = {
            (o.data.year, o.data.month)
            for o in session.scalars(select(Ore).join(Percorso).where(Ore.tipo == tipo,
                                                                      Percorso.programma_id == zero.id))
        }
        assert mesi == {(2025, 9), (2025, 10)}


def test_demo_has_all_five_programmes_with_their_kinds(session, demo):
    """Issue 14, item 6: each programme with its path types, referrers and budget holder."""
    programmi = {p.nome: p for p in session.scalars(select(Programma))}
    assert len(programmi) == 5
    by_programme = {nome: session.scalars(select(Percorso).where(Percorso.programma_id == p.id)).all()
                    for nome, p in programmi.items()}
    workin = by_programme["WORK-IN"]
    assert {p.tipologia for p in workin} == {TipologiaPercorso.TIROCINIO, TipologiaPercorso.TIROCINIO_INCLUSIONE}
    # The district: referred by its office, held and invoiced by the lead Comune.
    assert {p.comune.nome for p in workin} == {"Civitavecchia"}
    assert {p.persona.comune_residenza.nome for p in workin} == {"Civitavecchia", "Santa Marinella", "Tolfa",
                                                                 "Allumiere"}
    assert {p.inviante for p in workin} == {TipoInviante.UFFICIO_DISTRETTO}
    modena = by_programme["Dalla cooperativa all'impresa (Modena)"]
    assert {p.tipologia for p in modena} == {TipologiaPercorso.DISTACCO}
    assert all(p.inviante == TipoInviante.COOPERATIVA and p.cooperativa.tipo == TipoEnte.COOP_B for p in modena)
    assert {p.esito for p in modena} >= {Esito.ASSUNTO, Esito.RIENTRO}
    pip = by_programme["Officina delle idee – PIP (SolCo Mantova)"]
    assert pip and all(p.tipologia == TipologiaPercorso.PIP and p.nucleo is not None for p in pip)
    assert session.scalar(select(func.count(VariazioneVoucher.id))) >= 2
    beta = by_programme["Lavorare insieme (Beta)"]
    assert {p.tipologia for p in beta} == {TipologiaPercorso.PUBBLICA_UTILITA}
    assert all(p.postazione.ente.tipo == TipoEnte.ENTE_PUBBLICO for p in beta)


def test_demo_delivers_catalogue_services_and_an_exempt_training_in_october(session, demo):
    kinds = {a.voce_listino.tipo for a in session.scalars(select(Addebito).where(Addebito.riga_voucher_id.is_not(None)))}
    assert {TipoVoce.ALTRO, TipoVoce.ORA_LAVORO, TipoVoce.ORA_AFFIANCAMENTO} <= kinds
    exempt = session.scalars(select(Addebito).join(VoceListino).where(VoceListino.natura == Natura.N4)).all()
    assert exempt and {(a.data.year, a.data.month) for a in exempt} == {(2025, 10)}
    invoice = session.scalars(select(Fattura).join(RigaFattura).where(RigaFattura.natura == Natura.N4)).one()
    assert invoice.stato is StatoFattura.EMESSA and invoice.bollo == Decimal("2.00")


def test_demo_has_one_user_per_role(session, demo):
    per_role = Counter(r.name for u in session.scalars(select(Utente)) for r in u.roles)
    assert per_role == Counter({r.name: 1 for r in session.scalars(select(Ruolo))})
    assert len(per_role) == 6  # the five of DOMAIN.md and the coop tutor (issue 14)


def test_demo_comuni_are_real_ones(session, demo):
    assert {c.nome: c.codice_istat for c in session.scalars(select(Comune))} == {
        "Lumezzane": "017096",
        "Gardone Val Trompia": "017075",
        "Sarezzo": "017174",
        "Villa Carcina": "017199",
        "Concesio": "017061",
        "Marcheno": "017104",
        "Civitavecchia": "058032",
        "Santa Marinella": "058097",
        "Tolfa": "058105",
        "Allumiere": "058004",
        "Modena": "036023",
        "Mantova": "020030",
        "Gussago": "017081",
    }
    assert all(c.codice_ipa and c.pec for c in session.scalars(select(Comune)))
    assert {c.provincia for c in session.scalars(select(Comune))} == {"BS", "RM", "MO", "MN"}


def test_every_demo_fiscal_code_is_valid(session, demo):
    for persona in session.scalars(select(Persona)):
        assert codicefiscale.is_valid(persona.codice_fiscale), persona.codice_fiscale
        assert codicefiscale.get_birth_date(persona.codice_fiscale) == persona.data_nascita
        assert codicefiscale.get_gender(persona.codice_fiscale) == persona.sesso.name
    for ente in session.scalars(select(EnteOspitante)):
        assert iva.is_valid(ente.partita_iva), ente.partita_iva
        assert ente.codice_fiscale == ente.partita_iva
    for comune in session.scalars(select(Comune)):
        assert iva.is_valid(comune.codice_fiscale), comune.codice_fiscale


def test_no_position_has_more_active_paths_than_seats(session, demo):
    attivi = Counter(
        p.postazione_id
        for p in session.scalars(select(Percorso).where(Percorso.stato == StatoPercorso.ATTIVO))
    )
    ever = Counter(p.postazione_id for p in session.scalars(select(Percorso)) if p.postazione_id)
    for postazione in session.scalars(select(Postazione)):
        assert attivi[postazione.id] <= ever[postazione.id] <= postazione.posti


def test_demo_paths_past_the_voucher_step_have_a_decided_voucher(session, demo):
    for p in session.scalars(select(Percorso)):
        stati = [v.stato for v in p.vouchers]
        if p.stato in (
            StatoPercorso.ATTIVO,
            StatoPercorso.CONCLUSO,
            StatoPercorso.INTERROTTO,
            StatoPercorso.VOUCHER_APPROVATO,
        ):
            assert StatoVoucher.APPROVATO in stati and p.operatore is not None
            assert all(v.decisore is not None and v.data_decisione for v in p.vouchers)
        if p.stato is StatoPercorso.VOUCHER_PROPOSTO:
            assert stati == [StatoVoucher.PROPOSTO]
    respinti = session.scalars(select(Voucher).where(Voucher.stato == StatoVoucher.RESPINTO)).all()
    assert len(respinti) == 1 and respinti[0].motivo_rifiuto
    assert respinti[0].percorso.stato is StatoPercorso.IN_VALUTAZIONE


def test_demo_charges_follow_the_price_rules(session):
    """DOMAIN.md "Prices": activation per internship, hiring unless the host hires, hours."""
    load_demo(session)
    by_kind: dict[TipoVoce, list[Addebito]] = {}
    for a in session.scalars(select(Addebito)):
        by_kind.setdefault(a.voce_listino.tipo, []).append(a)
        # Month-end invoicing ran up to September (October's are drafts or issued).
        assert a.riga_fattura_id is not None
    zero = _zero_ottanta(session)
    attivati = [
        p
        for p in session.scalars(select(Percorso))
        if p.tipologia in (TipologiaPercorso.TIROCINIO, TipologiaPercorso.TIROCINIO_INCLUSIONE) and p.data_avvio
    ]
    assert sorted(
        (a.percorso_id, a.data) for a in by_kind[TipoVoce.ATTIVAZIONE_TIROCINIO]
    ) == sorted((p.id, p.data_avvio) for p in attivati)
    # Only ZeroOttanta's price list bills hirings; the other programmes' rule is "never".
    assunti = [
        p
        for p in session.scalars(select(Percorso).where(Percorso.esito == Esito.ASSUNTO,
                                                        Percorso.programma_id == zero.id))
        if not (
            p.tipologia is TipologiaPercorso.TIROCINIO
            and p.postazione.ente_id == p.datore_lavoro_id
        )
    ]
    assert sorted(a.percorso_id for a in by_kind[TipoVoce.ASSUNZIONE]) == sorted(
        p.id for p in assunti
    )
    tutoring = session.scalars(select(Ore).where(Ore.tipo == TipoOre.AFFIANCAMENTO)).all()
    charged = {a.ore_id: a.quantita for a in by_kind[TipoVoce.ORA_AFFIANCAMENTO]}
    assert charged == {o.id: o.ore for o in tutoring}
    assert all(o.operatore is not None for o in tutoring)


def test_each_demo_user_can_log_in(session, demo):
    emails = (
        "operatore@demo.it",
        "pal@demo.it",
        "amministrazione@demo.it",
        "servizio.sociale@demo.it",
        "admin@demo.it",
    )
    for email in emails:
        user = session.scalar(select(Utente).where(Utente.email == email))
        assert user is not None and user.active, email
        assert verify_password(DEMO_PASSWORD, user.password), email
    sociale = session.scalar(select(Utente).where(Utente.email == "servizio.sociale@demo.it"))
    assert sociale.role_names == {"servizio_sociale"} and sociale.comune.nome == "Lumezzane"



# --- Issue 14, item 8: the reports of the programme kinds, on the demo ---------------------------

YEAR = None  # set below (models.reports.Periodo of 2025)


def _year():
    import datetime as dt

    from models.reports import Periodo

    return Periodo(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_modenas_outcome_table_by_category_and_hour_band(session, demo):
    from models.reports import distacchi

    data = distacchi(session, _year())
    (total,) = data["totale"]
    # seed/demo_programmi_data.py MODENA_DISTACCHI: 385 h hired, 280 h back, 462 h hired,
    # 210 h active, 84 h interrupted (days x 7 hours).
    assert (total["lavoratori"], total["percorsi"], total["conclusi"], total["assunti"], total["rientri"]) == (
        5, 5, 3, 2, 1)
    assert total["quota_assunti"] == pytest.approx(2 / 3)
    assert (total["imprese"], total["ore"]) == (3, Decimal("1421.00"))
    assert (total["sotto"], total["in_fascia"], total["oltre"]) == (2, 3, 0)
    by_code = {r["codice"]: r for r in data["categorie"]}
    # Barbieri is in two categories (physical and social) and counts in both.
    assert (by_code["FIS"]["lavoratori"], by_code["SOC"]["lavoratori"], by_code["PSI"]["assunti"]) == (2, 2, 1)
    assert by_code["PSF"]["sotto"] == 1


def test_public_utility_hours_and_amounts_per_comune(session, demo):
    from models import Comune
    from models.money import cents
    from models.reports import pubblica_utilita

    gussago = session.scalar(select(Comune).where(Comune.nome == "Gussago"))
    rows = pubblica_utilita(session, _year(), gussago.id)
    detail = rows[0]
    assert (detail["comune"], detail["persone"], detail["percorsi"]) == ("Gussago", 3, 3)
    # The hours of work delivered are the timesheets' hours, month by month.
    assert detail["ore_lavoro"] == detail["ore_presenza"] > 0
    work = session.scalars(select(Addebito).join(VoceListino).where(VoceListino.tipo == TipoVoce.ORA_LAVORO)).all()
    gross = sum((a.importo + cents(a.importo * a.voce_listino.aliquota_iva / 100) for a in work), Decimal(0))
    assert detail["importo"] == gross == detail["fatturato"]  # September and October both issued
    assert rows[-1]["ordine"] == 1 and rows[-1]["importo"] == gross


def test_pip_services_delivered_against_planned(session, demo):
    from models.reports import pip_servizi

    rows = {r["codice"]: r for r in pip_servizi(session, _year()) if r["ordine"] == 0}
    # Training planned in two PIPs and added by a variation in the third, all delivered in October.
    assert (rows["P-SIC"]["piani"], rows["P-SIC"]["prevista"], rows["P-SIC"]["erogata"]) == (3, 12, 12)
    assert rows["P-SIC"]["importo_erogato"] == Decimal("336.00")
    # Scouting: 4 + 6 planned, raised to 8 for the first plan; 5 + 3 delivered.
    assert (rows["P-SCO"]["prevista"], rows["P-SCO"]["erogata"], rows["P-SCO"]["residua"]) == (14, 8, 6)
    # Accompaniment reduced from 10 to 6 for the second plan.
    assert rows["P-ACC"]["prevista"] == 14


def test_the_register_leaves_nothing_to_collect_on_credited_invoices_and_credit_notes(session, demo):
    from models.reports import registro_fatture

    rows = registro_fatture(session, 2025)
    settled = [r for r in rows if r["stato"] is StatoFattura.STORNATA or r["tipo_documento"] is TipoDocumento.TD04]
    assert len(settled) == 2 and all(r["da_incassare"] == 0 for r in settled)
    paid = [r for r in rows if r["stato"] is StatoFattura.PAGATA]
    assert paid and all(r["da_incassare"] == 0 for r in paid)
    with_stamp = [r for r in rows if r["bollo"]]
    assert len(with_stamp) == 1 and with_stamp[0]["totale"] == with_stamp[0]["imponibile"] + with_stamp[0]["iva"] + 2


def test_every_demo_document_sent_to_sdi_is_valid_fatturapa_and_follows_the_content_rules(app, session, demo):
    """Issue 15, item 5: every file the console sends passes the schema and the offline rules
    (totals, Natura at 0 % VAT, stamp duty), under progressives used once, with the CIG where
    the programme or the budget requires it."""
    import datetime as dt
    from xml.etree import ElementTree as ET

    from models.operations import fatture as ops
    from models.operations import sdi as sdi_ops
    from views.exports import fatturapa

    from .fatturapa_rules import content_problems
    from .test_fatturapa import schema_or_skip

    schema = schema_or_skip()
    agenzia = fatturapa.Agenzia.from_config(app.config)
    issued = session.scalars(select(Fattura).where(Fattura.stato.in_(ops.NUMBERED)).order_by(Fattura.id)).all()
    sent = [sdi_ops.send_invoice(session, f, dt.datetime(2025, 11, 10, 9, 0), fatturapa.sender_id(agenzia),
                                 agenzia.iban, render=lambda code, f=f: fatturapa.build_xml(
                                     agenzia, fatturapa.documento_from(f, code)))
            for f in issued]

    assert len(sent) >= 20
    progressives = [ET.fromstring(t.xml).find(".//ProgressivoInvio").text for t in sent]
    assert len(set(progressives)) == len(sent) == len({t.nome_file for t in sent})
    for t in sent:
        schema.validate(t.xml)
        assert content_problems(t.xml) == [], t.nome_file
        root = ET.fromstring(t.xml)
        assert root.find(".//CessionarioCommittente/Sede/Indirizzo").text != "Sede municipale"
        if t.fattura.tipo_documento == TipoDocumento.TD01 and ops.cig_required(session, t.fattura):
            assert root.find(".//DatiContratto/CodiceCIG").text == t.fattura.cig
            assert root.find(".//DatiContratto/IdDocumento").text == "DD 45/2025"
    assert any(ops.cig_required(session, t.fattura) for t in sent)
