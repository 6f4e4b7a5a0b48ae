"""Amministrazione: users and roles, reference tables and the audit log."""

from __future__ import annotations

import json
import uuid

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_security import hash_password
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import PasswordField, SelectField

from models import RegistroAudit, Utente
from models.errors import DomainError

from .base import RoleModelView


class UtenteView(RoleModelView):
    permissions = {"admin": "rced"}
    list_loads = (joinedload(Utente.comune), joinedload(Utente.ente), selectinload(Utente.roles))
    column_list = ("email", "cognome", "nome", "roles", "comune", "ente", "active", "last_login_at", "login_count")
    column_default_sort = ("email", False)
    column_sortable_list = ("email", "cognome", "active", "last_login_at", "login_count")
    column_searchable_list = ("email", "cognome", "nome")
    column_filters = ("active", "roles.name", "comune.nome", "last_login_at")
    column_details_exclude_list = ("password", "fs_uniquifier")
    form_columns = ("email", "nome", "cognome", "roles", "comune", "ente", "lingua", "active", "nuova_password")
    form_extra_fields = {"nuova_password": PasswordField(_l("New password"))}
    form_overrides = {"lingua": SelectField}
    form_args = {"lingua": {"choices": [("it", "Italiano"), ("en", "English")]}}
    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"},
                      "ente": {"fields": ("ragione_sociale", "codice_fiscale"), "order_by": "ragione_sociale"}}
    column_labels = {
        "email": _l("E-mail"),
        "ente": _l("Cooperative (coop tutor)"),
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
        "nuova_password": _l("New password"),
    }

    def check_model(self, model, is_created):
        password = getattr(self._form_password, "data", None)
        if is_created and not password:
            raise DomainError(gettext("A new user needs a password."), "nuova_password")
        if password:
            if len(password) < 8:
                raise DomainError(
                    gettext("The password must be at least 8 characters long."), "nuova_password"
                )
            model.password = hash_password(password)
        if not model.fs_uniquifier:
            model.fs_uniquifier = uuid.uuid4().hex

    def on_model_change(self, form, model, is_created):
        self._form_password = getattr(form, "nuova_password", None)
        super().on_model_change(form, model, is_created)


class RuoloView(RoleModelView):
    permissions = {"admin": "r"}
    column_list = ("name", "description")
    column_default_sort = ("name", False)
    column_formatters = {"name": lambda v, c, m, n: f"{m.name} – {m}"}
    column_labels = {"name": _l("Code"), "description": _l("Description")}


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
