"""Anagrafiche: people, their special-category data, Comuni, hosts and positions."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from models import Comune, DatiSensibili, EnteOspitante, NucleoFamiliare, Persona, Postazione, db
from models import validation as v
from models.errors import DomainError
from models.operations.anagrafiche import require_unique_fiscal_code

from .base import RoleModelView
from .converters import check
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
        "indirizzo": _l("Address"),
        "cap": _l("CAP"),
        "telefono": _l("Phone"),
        "email": _l("E-mail"),
        "condizione_occupazionale": _l("Employment status"),
        "categorie": _l("Disadvantage categories"),
        "categorie.descrizione": _l("Disadvantage category"),
        "note": _l("Notes"),
    }

    form_ajax_refs = {
        "comune_residenza": {"fields": ("nome", "codice_istat"), "order_by": "nome"}
    }

    def check_model(self, model, is_created):
        """A codice fiscale identifies one person (models/operations/anagrafiche.py)."""
        require_unique_fiscal_code(db.session, model)


class DatiSensibiliView(RoleModelView):
    """Special-category data (GDPR art. 9): case workers and the Comune's social workers only."""

    permissions = {"operatore": "rce", "servizio_sociale": "rce"}
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
    form_columns = ("nome", "provincia", "codice_istat", "cap", "codice_fiscale", "codice_ipa", "pec", "split_payment",
                    "capofila")
    form_ajax_refs = {"capofila": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    form_args = {
        "codice_istat": {"validators": [check(v.clean_codice_istat)]},
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
        "cap": _l("CAP"),
        "codice_fiscale": _l("Fiscal code"),
        "codice_ipa": _l("IPA office code"),
        "pec": _l("PEC"),
        "split_payment": _l("Split payment"),
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

    def check_model(self, model, is_created):
        """A fiscal code identifies one host (models/operations/anagrafiche.py)."""
        require_unique_fiscal_code(db.session, model)


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
    )
    column_labels = {
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
