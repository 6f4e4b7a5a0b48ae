"""What the documents of a path print (issue 15, item 1): one read of a path into plain values
for the templates' placeholders (``{{ persona.cognome }}``...), listed in the README.

Values are display strings (dates dd/mm/yyyy, money in euro), so that a template written in
Word needs no filters; an unknown value is an empty string, never "None".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..anagrafiche import Postazione
from ..base import TipoEnte, TipologiaPercorso, TipoOre, euro, quantity
from ..indennita_regola import rule_case
from ..percorsi import Ore, Percorso
from ..programmi import RegolaIndennita
from ..tipologie import INTERNSHIPS


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _s(value) -> str:
    return "" if value is None else str(value)


def project_title(tipologia: TipologiaPercorso) -> str:
    """The individual project's name for the path type: an internship's progetto formativo,
    SolCo Mantova's PIP, else the individual project (DOMAIN.md, "The five programmes")."""
    if tipologia in INTERNSHIPS:
        return gettext("Individual training project (internship)")
    if tipologia == TipologiaPercorso.PIP:
        return gettext("Individual intervention plan (PIP)")
    return gettext("Individual project")


def monthly_indemnity(session: Session, p: Percorso, post: Postazione | None, day: dt.date) -> str:
    """The internship's monthly gross indemnity at ``post`` under the programme's rule in force
    on ``day`` (models/indennita_regola.py, ``rule_case``), or why there is none."""
    if p.tipologia not in INTERNSHIPS:
        return gettext("not foreseen")
    if post is None:
        return gettext("to be defined at activation")
    regola = session.scalars(
        select(RegolaIndennita).where(
            RegolaIndennita.programma_id == p.programma_id, RegolaIndennita.valida_dal <= day,
            or_(RegolaIndennita.valida_al.is_(None), RegolaIndennita.valida_al >= day))
        .order_by(RegolaIndennita.valida_dal.desc())).first()
    if regola is None:
        return gettext("no indemnity rule in the programme")
    _, amount = rule_case(regola, ente_pubblico=post.ente.tipo == TipoEnte.ENTE_PUBBLICO,
                          ore_settimanali=post.ore_settimanali, pasti=post.pasti_forniti)
    return gettext("%(amount)s gross a month, in full with at least %(pct)s%% attendance",
                   amount=euro(amount), pct=quantity(regola.presenza_minima_pct, 0))


def _hours(session: Session, p: Percorso) -> dict[str, str]:
    rows = dict(session.execute(
        select(Ore.tipo, func.sum(Ore.ore)).where(Ore.percorso_id == p.id).group_by(Ore.tipo)).all())
    return {
        "presenza": _s(quantity(Decimal(str(rows.get(TipoOre.PRESENZA) or 0)), 2)),
        "affiancamento": _s(quantity(Decimal(str(rows.get(TipoOre.AFFIANCAMENTO) or 0)), 2)),
    }


def document_context(session: Session, p: Percorso, agency: Mapping[str, str], today: dt.date,
                     post: Postazione | None = None) -> dict:
    """The placeholders of every document of ``p``: agency, person, Comune, programme, path,
    host and position (the path's, or ``post`` proposed for a path not yet started), tutors,
    indemnity, hours, diary and extensions."""
    persona, post = p.persona, p.postazione or post
    ente = post.ente if post is not None else None
    return {
        "oggi": _d(today),
        "agenzia": dict(agency),
        "persona": {
            "cognome": persona.cognome, "nome": persona.nome, "nome_completo": str(persona),
            "codice_fiscale": persona.codice_fiscale, "data_nascita": _d(persona.data_nascita),
            "luogo_nascita": _s(persona.comune_nascita), "sesso": persona.sesso.name,
            "comune_residenza": _s(persona.comune_residenza),
            "indirizzo": " ".join(x for x in (persona.indirizzo, persona.cap) if x),
            "telefono": _s(persona.telefono), "email": _s(persona.email),
        },
        "comune": {"nome": p.comune.nome, "provincia": _s(p.comune.provincia)},
        "programma": {"nome": p.programma.nome, "titolare": _s(p.programma.titolare)},
        "percorso": {
            "numero": p.id, "tipologia": p.tipologia.label, "stato": p.stato.label,
            "titolo_progetto": project_title(p.tipologia),
            "data_segnalazione": _d(p.data_segnalazione), "data_presa_in_carico": _d(p.data_presa_in_carico),
            "data_primo_colloquio": _d(p.data_primo_colloquio), "data_avvio": _d(p.data_avvio),
            "data_fine_prevista": _d(p.data_fine_prevista), "data_fine": _d(p.data_fine),
            "esito": p.esito.label if p.esito else "", "motivo_chiusura": _s(p.motivo_chiusura),
            "datore_lavoro": _s(p.datore_lavoro), "data_assunzione": _d(p.data_assunzione),
            "tipo_contratto": p.tipo_contratto.label if p.tipo_contratto else "",
            "obiettivi": _s(p.obiettivi), "note": _s(p.note),
        },
        "tutor_agenzia": _s(p.operatore), "assistente_sociale": _s(p.assistente_sociale),
        "ente": {
            "ragione_sociale": _s(ente), "codice_fiscale": ente.codice_fiscale if ente else "",
            "indirizzo": _s(ente.indirizzo) if ente else "", "comune": _s(ente.comune) if ente else "",
            "referente": _s(ente.referente) if ente else "", "tutor": _s(ente.tutor_aziendale) if ente else "",
            "convenzione_numero": _s(ente.convenzione_numero) if ente else "",
            "convenzione_data": _d(ente.convenzione_data) if ente else "",
            "convenzione_scadenza": _d(ente.convenzione_scadenza) if ente else "",
        },
        "postazione": {
            "mansione": post.mansione if post else "", "descrizione": _s(post.descrizione) if post else "",
            "luogo": _s(post.luogo) if post else "",
            "ore_settimanali": _s(quantity(post.ore_settimanali, 2)) if post and post.ore_settimanali else "",
        },
        "indennita": monthly_indemnity(session, p, post, p.data_avvio or today),
        "ore": _hours(session, p),
        "eventi": [{"data": _d(e.data), "tipo": e.tipo.label, "descrizione": e.descrizione,
                    "autore": _s(e.autore)} for e in sorted(p.diario, key=lambda e: (e.data, e.id))],
        "proroghe": [{"data": _d(x.data), "da": _d(x.fine_prevista_precedente),
                      "a": _d(x.nuova_fine_prevista), "motivo": x.motivo} for x in p.proroghe],
    }
