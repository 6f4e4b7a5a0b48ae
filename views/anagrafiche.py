"""Anagrafiche: people, their special-category data, Comuni, hosts and positions."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from models import (
    Comune,
    DatiSensibili,
    EnteOspitante,
    NucleoFamiliare,
    Persona,
    Postazione,
    clock,
    db,
)
from models import validation as v
from models.errors import DomainError
from models.operations.accessi import record_readings
from models.operations.anagrafiche import require_one_sensitive_record
from models.operations.gdpr import erase_person
from models.queries.gdpr import person_record

from .base import RoleModelView
from .converters import check
from .exports.gdpr import filename as gdpr_filename
from .exports.gdpr import person_json
from .scoping import people_search, scoped_comune_id

#: Registry records: the agency edits, the PAL manager reads.
STAFF_EDIT = {"operatore": "rce", "pal": "r", "amministrazione": "r", "admin": "rced"}


class PersonaView(RoleModelView):
    permissions = {"operatore": "rce", "pal": "r", "servizio_sociale": "rce", "admin": "rced",
                   "tutor_coop": "r"}
    list_loads = (joinedload(Persona.comune_residenza), selectinload(Persona.categorie))
    column_list = (
        "cognome",
        "nome",
        "codice_fiscale",
        "data_nascita",
        "comune_residenza",
        "condizione_occupazionale",
        "categorie",
    )
    column_default_sort = [("cognome", False), ("nome", False)]
    column_sortable_list = (
        "cognome",
        "nome",
        "codice_fiscale",
        "data_nascita",
        ("comune_residenza", "comune_residenza.nome"),
        "condizione_occupazionale",
    )
    column_searchable_list = ("cognome", "nome", "codice_fiscale")

    def search_clause(self, search):
        return people_search(Persona.id, search)
    column_filters = (
        "comune_residenza.nome",
        "sesso",
        "condizione_occupazionale",
        "data_nascita",
        "categorie.descrizione",
    )
    form_columns = (
        "codice_fiscale",
        "cognome",
        "nome",
        "data_nascita",
        "sesso",
        "comune_nascita",
        "comune_residenza",
        "indirizzo",
        "cap",
        "telefono",
        "email",
        "condizione_occupazionale",
        "categorie",
        "note",
    )
    column_details_exclude_list = ("dati_sensibili",)
    form_args = {
        "codice_fiscale": {"validators": [check(v.clean_codice_fiscale)]},
        # Two-digit years of a birth date are in the past: 7/3/88 is 1988.
        "data_nascita": {"past": True},
        "cap": {"validators": [check(v.clean_cap)]},
        "email": {"validators": [check(v.clean_email)]},
    }
    column_labels = {
        "cognome": _l("Surname"),
        "nome": _l("Name"),
        "codice_fiscale": _l("Codice fiscale"),
        "data_nascita": _l("Birth date"),
        "sesso": _l("Sex"),
        "comune_residenza": _l("Comune of residence"),
        "comune_residenza.nome": _l("Comune of residence"),
        "comune_nascita": _l("Birthplace"),
        "indirizzo": _l("Address"),
        "cap": _l("CAP"),
        "telefono": _l("Phone"),
        "email": _l("E-mail"),
        "condizione_occupazionale": _l("Employment status"),
        "categorie": _l("Disadvantage categories"),
        "categorie.descrizione": _l("Disadvantage category"),
        "note": _l("Notes"),
        "anonimizzata_il": _l("Anonymised on"),
    }

    form_ajax_refs = {
        "comune_residenza": {"fields": ("nome", "codice_istat"), "order_by": "nome"},
        "comune_nascita": {"fields": ("nome", "codice_istat"), "order_by": "nome"},
    }
    column_descriptions = {
        "comune_nascita": _l("If the person was born in one of these Comuni: checked against the codice fiscale."),
    }
    details_template = "admin/persona_details.html"

    def check_model(self, model, is_created):
        """An anonymised person is not edited any more."""
        if model.anonimizzata_il is not None:
            raise DomainError(gettext("This person was anonymised: the record cannot be changed."))

    def _erase(session, persona):
        """Delete = erasure (GDPR art. 17), refused with the reason while the law says keep."""
        erase_person(session, persona, by=current_user.id)

    delete_operation = _erase

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        """An anonymised person is shown, never edited (its placeholders are not data)."""
        persona = self.get_one(request.args.get("id", ""))
        if persona is not None and persona.anonimizzata_il is not None:
            flash(gettext("This person was anonymised: the record cannot be changed."), "error")
            return redirect(self.get_url(".details_view", id=persona.id))
        return super().edit_view()

    @expose("/gdpr/<int:id>/")
    def gdpr_export(self, id: int):
        """Everything held about the person, as JSON, for a role that may read the person;
        the special-category part only for a role that may read it (and logged)."""
        persona = self.get_one(id)
        if persona is None:
            abort(404)
        sensitive = DatiSensibiliView.grants("r")
        if sensitive and persona.dati_sensibili is not None:
            # Logged first: the export lists its own reading too.
            log_readings([persona.id], "export_gdpr")
        record = person_record(db.session, persona, include_sensitive=sensitive)
        now = clock.now()
        body = person_json(record, now.isoformat(timespec="seconds"), current_user.email)
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": f'attachment; filename="{gdpr_filename(persona.id, now.date().isoformat())}"'
        })


#: Endpoint (the view method) -> how the reading log names the access.
READINGS = {"index_view": "lista", "export": "export", "details_view": "dettaglio",
            "edit_view": "modifica"}


def log_readings(persona_ids, azione: str) -> None:
    """Append the current user's reading of these people's special-category data to the
    log (GDPR art. 30; models/operations/accessi.py) and commit it at once: the page or
    file is about to be shown."""
    if current_user.is_authenticated and record_readings(db.session, current_user.id,
                                                         persona_ids, azione):
        # Commit the log without expiring the rows the page (or the streamed export) shows.
        session = db.session()
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True


class DatiSensibiliView(RoleModelView):
    """Special-category data (GDPR art. 9): case workers and the Comune's social workers only.
    Every list page, detail, edit form and export is logged, person by person."""

    permissions = {"operatore": "rce", "servizio_sociale": "rce"}

    def get_list(self, page, *args, **kwargs):
        count, rows = super().get_list(page, *args, **kwargs)
        azione = READINGS.get((request.endpoint or "").rsplit(".", 1)[-1])
        if azione and kwargs.get("execute", True) and rows is not None:
            log_readings([r.persona_id for r in rows], azione)
        return count, rows

    def get_one(self, id):
        row = super().get_one(id)
        azione = READINGS.get((request.endpoint or "").rsplit(".", 1)[-1])
        if row is not None and azione in ("dettaglio", "modifica"):
            log_readings([row.persona_id], azione)
        return row

    list_loads = (joinedload(DatiSensibili.persona),)
    column_list = ("persona", "percentuale_invalidita", "iscritto_l68")
    column_default_sort = ("persona_id", False)
    column_sortable_list = (("persona", "persona.cognome"), "percentuale_invalidita", "iscritto_l68")
    column_searchable_list = ("persona.cognome", "persona.codice_fiscale")
    column_filters = ("iscritto_l68", "percentuale_invalidita")

    def search_clause(self, search):
        return people_search(DatiSensibili.persona_id, search)
    form_columns = ("persona", "percentuale_invalidita", "iscritto_l68", "diagnosi", "limitazioni", "note")
    column_labels = {
        "persona": _l("Person"),
        "persona.cognome": _l("Surname"),
        "persona.codice_fiscale": _l("Codice fiscale"),
        "percentuale_invalidita": _l("Disability (%)"),
        "iscritto_l68": _l("Registered under L. 68/99"),
        "diagnosi": _l("Diagnosis"),
        "limitazioni": _l("Limitations"),
        "note": _l("Notes"),
    }

    form_ajax_refs = {
        "persona": {"fields": ("cognome", "nome", "codice_fiscale"), "order_by": "cognome"}
    }

    def check_model(self, model, is_created):
        """One record per person, never written over (models/operations/anagrafiche.py)."""
        require_one_sensitive_record(db.session, model)
        if model.persona is not None and model.persona.anonimizzata_il is not None:
            raise DomainError(gettext("This person was anonymised: the record cannot be changed."),
                              "persona")
        p = model.percentuale_invalidita
        if p is not None and not (0 <= p <= 100):
            raise DomainError(
                gettext("The disability percentage must be between 0 and 100."),
                "percentuale_invalidita",
            )


class ComuneView(RoleModelView):
    permissions = {
        "operatore": "r",
        "pal": "r",
        "amministrazione": "re",
        "admin": "rced",
    }
    list_loads = (joinedload(Comune.capofila),)
    column_list = ("nome", "provincia", "codice_istat", "codice_fiscale", "codice_ipa", "pec", "split_payment",
                   "capofila")
    column_default_sort = ("nome", False)
    column_searchable_list = ("nome", "codice_istat")
    column_filters = ("provincia", "split_payment", "capofila.nome")
    form_columns = ("nome", "provincia", "codice_istat", "codice_catastale", "indirizzo", "cap", "codice_fiscale",
                    "codice_ipa", "pec", "split_payment", "iniziali_in_fattura", "capofila", "patrono_nome", "patrono_giorno", "patrono_mese")
    column_descriptions = {
        "indirizzo": _l("The municipal seat's street and number, the address on the Comune's invoices."),
        "iniziali_in_fattura": _l("The Comune asks for the beneficiaries' initials on each invoice line."),
        "patrono_giorno": _l("The patron saint's feast is a local holiday: the month grid shades it and "
                             "the indemnity leaves it out of the expected attendance."),
    }
    form_ajax_refs = {"capofila": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    form_args = {
        "codice_istat": {"validators": [check(v.clean_codice_istat)]},
        "codice_catastale": {"validators": [check(v.clean_codice_catastale)]},
        "provincia": {"validators": [check(v.clean_provincia)]},
        "cap": {"validators": [check(v.clean_cap)]},
        "codice_fiscale": {"validators": [check(lambda x: v.clean_partita_iva(x, "codice_fiscale"))]},
        "codice_ipa": {"validators": [check(v.clean_codice_ipa)]},
        "pec": {"validators": [check(v.clean_email)]},
    }
    column_labels = {
        "nome": _l("Name"),
        "provincia": _l("Province"),
        "codice_istat": _l("ISTAT code"),
        "codice_catastale": _l("Cadastral code"),
        "cap": _l("CAP"),
        "indirizzo": _l("Address (street and number)"),
        "iniziali_in_fattura": _l("Beneficiaries' initials on invoices"),
        "codice_fiscale": _l("Fiscal code"),
        "codice_ipa": _l("IPA office code"),
        "pec": _l("PEC"),
        "split_payment": _l("Split payment"),
        "patrono_nome": _l("Patron saint"),
        "patrono_giorno": _l("Patron saint's day"),
        "patrono_mese": _l("Patron saint's month"),
        "capofila": _l("Lead Comune of the district"),
        "capofila.nome": _l("Lead Comune of the district"),
    }


class NucleoFamiliareView(RoleModelView):
    """Households of the PIPs (SolCo Mantova), shared with the Comune's housing office."""

    permissions = {"operatore": "rce", "pal": "r", "servizio_sociale": "rce", "admin": "rced"}
    list_loads = (joinedload(NucleoFamiliare.comune),)
    column_list = ("intestatario", "comune", "componenti", "morosita", "referente_abitare")
    money_columns = ("morosita",)
    column_default_sort = ("intestatario", False)
    column_sortable_list = ("intestatario", ("comune", "comune.nome"), "componenti", "morosita")
    column_searchable_list = ("intestatario",)
    column_filters = ("comune.nome", "componenti")
    form_columns = ("intestatario", "comune", "indirizzo", "componenti", "morosita", "referente_abitare", "note")
    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    column_labels = {
        "intestatario": _l("Leaseholder"),
        "comune": _l("Comune"),
        "comune.nome": _l("Comune"),
        "indirizzo": _l("Address"),
        "componenti": _l("Members"),
        "morosita": _l("Rent arrears"),
        "referente_abitare": _l("Housing-support worker"),
        "note": _l("Notes"),
    }

    def check_model(self, model, is_created):
        if scoped_comune_id() is not None and is_created:
            model.comune_id = scoped_comune_id()


class EnteOspitanteView(RoleModelView):
    permissions = STAFF_EDIT
    list_loads = (joinedload(EnteOspitante.comune),)
    column_list = ("ragione_sociale", "tipo", "codice_fiscale", "comune", "tutor_aziendale", "convenzione_scadenza")
    column_default_sort = ("ragione_sociale", False)
    column_sortable_list = ("ragione_sociale", "tipo", "codice_fiscale", ("comune", "comune.nome"), "convenzione_scadenza")
    column_searchable_list = ("ragione_sociale", "codice_fiscale", "partita_iva")
    column_filters = ("tipo", "comune.nome", "convenzione_scadenza")
    form_columns = (
        "ragione_sociale",
        "tipo",
        "codice_fiscale",
        "partita_iva",
        "comune",
        "indirizzo",
        "referente",
        "telefono",
        "email",
        "tutor_aziendale",
        "convenzione_numero",
        "convenzione_data",
        "convenzione_scadenza",
    )
    column_details_exclude_list = ("postazioni",)
    form_args = {
        "codice_fiscale": {"validators": [check(v.clean_codice_fiscale_ente)]},
        "partita_iva": {"validators": [check(v.clean_partita_iva)]},
        "email": {"validators": [check(v.clean_email)]},
    }
    column_labels = {
        "ragione_sociale": _l("Name"),
        "tipo": _l("Kind"),
        "codice_fiscale": _l("Fiscal code"),
        "partita_iva": _l("Partita IVA"),
        "comune": _l("Comune (seat)"),
        "comune.nome": _l("Comune (seat)"),
        "indirizzo": _l("Address"),
        "referente": _l("Contact person"),
        "telefono": _l("Phone"),
        "email": _l("E-mail"),
        "tutor_aziendale": _l("Company tutor"),
        "convenzione_numero": _l("Agreement number"),
        "convenzione_data": _l("Agreement date"),
        "convenzione_scadenza": _l("Agreement expiry"),
    }

    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}



class PostazioneView(RoleModelView):
    permissions = {"operatore": "rce", "pal": "r", "admin": "rced"}
    list_loads = (joinedload(Postazione.ente), joinedload(Postazione.comune_riservato))
    column_list = (
        "mansione",
        "ente",
        "posti",
        "ore_settimanali",
        "accetta_assistenziale",
        "accetta_tirocinio",
        "accetta_inserimento",
        "accetta_progetto",
        "comune_riservato",
        "attiva_dal",
        "attiva_al",
    )
    column_default_sort = ("mansione", False)
    column_sortable_list = ("mansione", ("ente", "ente.ragione_sociale"), "posti", "attiva_dal", "attiva_al")
    column_searchable_list = ("mansione", "ente.ragione_sociale", "luogo")
    column_filters = (
        "ente.ragione_sociale",
        "ente.tipo",
        "accetta_assistenziale",
        "accetta_tirocinio",
        "accetta_inserimento",
        "accetta_progetto",
        "comune_riservato.nome",
        "attiva_al",
    )
    form_columns = (
        "ente",
        "mansione",
        "descrizione",
        "luogo",
        "posti",
        "ore_settimanali",
        "accetta_assistenziale",
        "accetta_tirocinio",
        "accetta_inserimento",
        "accetta_progetto",
        "comune_riservato",
        "attiva_dal",
        "attiva_al",
        "pasti_forniti",
    )
    column_labels = {
        "pasti_forniti": _l("Meal vouchers or canteen"),
        "mansione": _l("Task"),
        "ente": _l("Host"),
        "ente.ragione_sociale": _l("Host"),
        "ente.tipo": _l("Host kind"),
        "descrizione": _l("Description"),
        "luogo": _l("Place"),
        "posti": _l("Seats"),
        "ore_settimanali": _l("Weekly hours"),
        "accetta_assistenziale": _l("Welfare"),
        "accetta_tirocinio": _l("Internship"),
        "accetta_inserimento": _l("Job placement"),
        "accetta_progetto": _l("Personalised project"),
        "comune_riservato": _l("Reserved for Comune"),
        "comune_riservato.nome": _l("Reserved for Comune"),
        "attiva_dal": _l("Active from"),
        "attiva_al": _l("Active until"),
    }

    form_ajax_refs = {
        "ente": {"fields": ("ragione_sociale", "codice_fiscale"), "order_by": "ragione_sociale"},
        "comune_riservato": {"fields": ("nome",), "order_by": "nome"},
    }
