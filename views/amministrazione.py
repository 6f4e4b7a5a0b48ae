"""Amministrazione: users and roles, reference tables and the audit log."""

from __future__ import annotations

import json
import uuid

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_security import hash_password
from flask_security.proxies import _security
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import BooleanField, PasswordField, SelectField

from models import LetturaDatiSensibili, RegistroAudit, TentativoAccesso, Utente
from models import validation as v
from models.errors import DomainError

from .base import RoleModelView
from .converters import check


class UtenteView(RoleModelView):
    permissions = {"admin": "rced"}
    list_loads = (joinedload(Utente.comune), selectinload(Utente.roles))
    column_list = ("email", "cognome", "nome", "roles", "comune", "active", "tf_primary_method",
                   "last_login_at", "login_count")
    column_default_sort = ("email", False)
    column_sortable_list = ("email", "cognome", "active", "last_login_at", "login_count")
    column_searchable_list = ("email", "cognome", "nome")
    column_filters = ("active", "roles.name", "comune.nome", "last_login_at")
    column_details_exclude_list = ("password", "fs_uniquifier", "tf_totp_secret")
    form_columns = ("email", "nome", "cognome", "roles", "comune", "lingua", "active", "nuova_password",
                    "azzera_due_fattori")
    form_extra_fields = {
        "nuova_password": PasswordField(_l("New password")),
        # A user who lost their phone: the next login asks to set the second factor up again.
        "azzera_due_fattori": BooleanField(_l("Reset the second factor")),
    }
    form_overrides = {"lingua": SelectField}
    form_args = {
        "lingua": {"choices": [("it", "Italiano"), ("en", "English")]},
        "email": {"validators": [check(v.clean_email)]},
    }
    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    column_labels = {
        "email": _l("E-mail"),
        "nome": _l("Name"),
        "cognome": _l("Surname"),
        "roles": _l("Roles"),
        "roles.name": _l("Role"),
        "comune": _l("Comune"),
        "comune.nome": _l("Comune"),
        "lingua": _l("Language"),
        "active": _l("Active"),
        "last_login_at": _l("Last login"),
        "current_login_at": _l("Current login"),
        "login_count": _l("Logins"),
        "tf_primary_method": _l("Second factor"),
        "nuova_password": _l("New password"),
    }

    def check_model(self, model, is_created):
        password = getattr(self._form_password, "data", None)
        if is_created and not password:
            raise DomainError(gettext("A new user needs a password."), "nuova_password")
        if password:
            # The user's own words (not the model: it carries the typed password too).
            errors, password = _security.password_util.validate(
                password, True, email=model.email or "", nome=model.nome or "",
                cognome=model.cognome or "")
            if errors:
                raise DomainError(" ".join(errors), "nuova_password")
            model.password = hash_password(password)
        if getattr(self._form_reset_tf, "data", False):
            model.tf_primary_method = None
            model.tf_totp_secret = None
        if not model.fs_uniquifier:
            model.fs_uniquifier = uuid.uuid4().hex

    def on_model_change(self, form, model, is_created):
        self._form_password = getattr(form, "nuova_password", None)
        self._form_reset_tf = getattr(form, "azzera_due_fattori", None)
        super().on_model_change(form, model, is_created)


class RuoloView(RoleModelView):
    """The five roles are fixed; an admin decides which of them must use a second factor."""

    permissions = {"admin": "re"}
    column_list = ("name", "description", "due_fattori_obbligatori")
    column_default_sort = ("name", False)
    column_formatters = {"name": lambda v, c, m, n: f"{m.name} – {m}"}
    column_labels = {
        "name": _l("Code"),
        "description": _l("Description"),
        "due_fattori_obbligatori": _l("Two-factor login required"),
    }
    column_descriptions = {
        "due_fattori_obbligatori": _l(
            "Users with this role set up an authenticator app at their next login and "
            "enter its code at every login."
        )
    }
    form_columns = ("due_fattori_obbligatori",)
    can_create = False
    can_delete = False


class TentativoAccessoView(RoleModelView):
    """The login log (admin only, read-only): every attempt, its outcome and address."""

    permissions = {"admin": "r"}
    list_loads = (joinedload(TentativoAccesso.utente),)
    column_list = ("momento", "email", "esito", "indirizzo", "utente")
    column_default_sort = [("momento", True), ("id", True)]
    count_cap = 10_000
    column_sortable_list = ("momento", "email", "esito", "indirizzo")
    column_searchable_list = ("email", "indirizzo")
    column_filters = ("momento", "esito", "email", "indirizzo")
    column_labels = {
        "momento": _l("When"),
        "email": _l("E-mail"),
        "esito": _l("Outcome"),
        "indirizzo": _l("Address"),
        "utente": _l("User"),
    }
    can_create = False
    can_edit = False
    can_delete = False


class LetturaDatiSensibiliView(RoleModelView):
    """Who read which person's special-category data, and how (admin only, read-only; the
    database refuses changes to it)."""

    permissions = {"admin": "r"}
    list_loads = (joinedload(LetturaDatiSensibili.utente),)
    column_list = ("momento", "utente", "persona_id", "azione", "righe")
    column_default_sort = [("momento", True), ("id", True)]
    count_cap = 10_000
    column_sortable_list = ("momento", "persona_id", "azione")
    column_filters = ("momento", "persona_id", "azione", "utente.email")
    column_labels = {
        "momento": _l("When"),
        "utente": _l("User"),
        "utente.email": _l("User"),
        "persona_id": _l("Person (id)"),
        "azione": _l("Where"),
        "righe": _l("People on the same page"),
    }
    can_create = False
    can_edit = False
    can_delete = False


class CategoriaSvantaggioView(RoleModelView):
    permissions = {"operatore": "r", "pal": "r", "admin": "rced"}
    column_list = ("codice", "descrizione")
    column_default_sort = ("codice", False)
    column_searchable_list = ("codice", "descrizione")
    form_columns = ("codice", "descrizione")
    column_labels = {"codice": _l("Code"), "descrizione": _l("Description")}


def _modifiche(view, context, model, name):
    rows = "".join(
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            field, json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False)
        )
        for field, (before, after) in sorted(model.modifiche.items())
    )
    head = Markup("<tr><th>{}</th><th>{}</th><th>{}</th></tr>").format(
        gettext("Field"), gettext("Before"), gettext("After")
    )
    return Markup('<table class="table table-sm">{}{}</table>').format(head, Markup(rows))


class RegistroAuditView(RoleModelView):
    """Read-only for admins: nobody edits or deletes the log through the console."""

    permissions = {"admin": "r"}
    list_loads = (joinedload(RegistroAudit.utente),)
    column_list = ("momento", "utente", "azione", "tabella", "record_id", "descrizione")
    column_default_sort = [("momento", True), ("id", True)]
    count_cap = 10_000
    column_sortable_list = ("momento", "azione", "tabella")
    column_searchable_list = ("descrizione", "record_id")
    column_filters = ("momento", "azione", "tabella", "record_id", "utente.email")
    column_formatters_detail = {"modifiche": _modifiche}
    column_formatters_export = {"modifiche": lambda v, c, m, n: json.dumps(m.modifiche, ensure_ascii=False)}
    column_labels = {
        "momento": _l("When"),
        "utente": _l("User"),
        "utente.email": _l("User"),
        "azione": _l("Action"),
        "tabella": _l("Table"),
        "record_id": _l("Record"),
        "descrizione": _l("Record description"),
        "modifiche": _l("Changes"),
    }

    # The log is written by the database session hook only.
    can_create = False
    can_edit = False
    can_delete = False
