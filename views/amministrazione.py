"""Amministrazione: users and roles, reference tables and the audit log."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from flask import current_app
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import format_date, format_datetime, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_security import hash_password
from flask_security.proxies import _security
from markupsafe import Markup
from sqlalchemy import Date, DateTime, Numeric
from sqlalchemy.orm import joinedload, selectinload
from wtforms import BooleanField, PasswordField, SelectField

from models import LetturaDatiSensibili, RegistroAudit, TentativoAccesso, Utente, db
from models import validation as v
from models.audit import NOT_AUDITED
from models.errors import DomainError

from .base import RoleModelView
from .converters import check

#: The interface languages, each in its own language (as language menus show them).
LANGUAGES = {"it": "Italiano", "en": "English"}


class UtenteView(RoleModelView):
    permissions = {"admin": "rced"}
    list_loads = (joinedload(Utente.comune), joinedload(Utente.ente), selectinload(Utente.roles))
    column_list = ("email", "cognome", "nome", "roles", "comune", "ente", "active", "tf_primary_method",
                   "last_login_at", "login_count")
    column_default_sort = ("email", False)
    column_sortable_list = ("email", "cognome", "active", "last_login_at", "login_count")
    column_searchable_list = ("email", "cognome", "nome")
    column_filters = ("active", "roles.name", "comune.nome", "last_login_at")
    column_details_exclude_list = ("password", "fs_uniquifier", "tf_totp_secret")
    form_columns = ("email", "nome", "cognome", "roles", "comune", "ente", "lingua", "active", "nuova_password",
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
        "tf_primary_method": _l("Second factor"),
        "nuova_password": _l("New password"),
        "confirmed_at": _l("Confirmed on"),
        "last_login_ip": _l("Address of the last login"),
        "current_login_ip": _l("Address of the current login"),
        "create_datetime": _l("Created on"),
    }
    column_formatters = {"lingua": lambda v, c, m, n: LANGUAGES.get(m.lingua, m.lingua)}

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


#: What the log's action codes mean to a reader.
ACTIONS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted")}
#: The logged tables, as their records are called.
TABLES = {
    "persona": _l("Person"),
    "persona_svantaggio": _l("Disadvantage categories of a person"),
    "dati_sensibili": _l("Sensitive data"),
    "ente_ospitante": _l("Host organisation"),
    "postazione": _l("Position"),
    "comune": _l("Comune"),
    "percorso": _l("Path"),
    "voucher": _l("Voucher"),
    "riga_voucher": _l("Voucher line"),
    "ore": _l("Hours"),
    "diario": _l("Diary entry"),
    "addebito": _l("Charge"),
    "programma": _l("Programme"),
    "voce_listino": _l("Price-list item"),
    "budget": _l("Budget"),
    "variazione_budget": _l("Budget change"),
    "fattura": _l("Invoice"),
    "riga_fattura": _l("Invoice line"),
    "pagamento": _l("Payment"),
    "numeratore_fattura": _l("Invoice numbering"),
    "utente": _l("User"),
    "ruolo": _l("Role"),
    "categoria_svantaggio": _l("Disadvantage category"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def table_label(table: str) -> str:
    return str(TABLES.get(table, table))


def _mapper(table: str):
    return next((m for m in db.Model.registry.mappers if m.local_table.name == table), None)


def _field_label(table: str, field: str) -> str:
    """A logged field as the forms call it (the view's column label), not its column name."""
    for view in current_app.extensions["console_views"].values():
        model = getattr(view, "model", None)
        if model is not None and getattr(model, "__tablename__", None) == table:
            labels = view.column_labels or {}
            for key in (field, field.removesuffix("_id")):
                if key in labels:
                    return str(labels[key])
    extra = {"id": _l("Internal number"), "password": _l("Password"), "fs_uniquifier": _l("Login key"),
             "motivo": _l("Reason"), "importo": _l("Amount"), "data": _l("Date")}
    return str(extra.get(field, field.replace("_", " ")))


def _value(table: str, field: str, value) -> str:
    """A logged value as a reader reads it: labels for states, Italian dates and numbers,
    the name of a referenced record instead of its id, a dash for nothing."""
    if value is None or value == []:
        return "—"
    mapper = _mapper(table)
    column = mapper.columns.get(field) if mapper is not None else None
    kind = getattr(column, "type", None)
    try:
        enum_cls = getattr(kind, "enum_class", None)
        if enum_cls is not None and value in enum_cls.__members__:
            return enum_cls[value].label
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(kind, DateTime):
            return format_datetime(dt.datetime.fromisoformat(value), "dd/MM/yyyy HH:mm")
        if isinstance(kind, Date):
            return format_date(dt.date.fromisoformat(value), "dd/MM/yyyy")
        if isinstance(kind, Numeric):
            return format_decimal(Decimal(value), format="#,##0.00" if kind.scale == 2 else "#,##0.##")
        if column is not None and column.foreign_keys and isinstance(value, int):
            target = _mapper(next(iter(column.foreign_keys)).column.table.name)
            record = db.session.get(target.class_, value) if target is not None else None
            return str(record) if record is not None else gettext("a record since deleted")
    except (ValueError, ArithmeticError, TypeError):
        pass
    return str(value)


def _modifiche(view, context, model, name):
    """The changed fields of a log row: field label, before and after, as readers read them."""
    rows = [
        (_field_label(model.tabella, field), _value(model.tabella, field, before),
         _value(model.tabella, field, after))
        for field, (before, after) in (model.modifiche or {}).items()
        if field not in NOT_AUDITED and field != "id"
    ]
    body = Markup("").join(
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(*row) for row in sorted(rows)
    )
    head = Markup("<tr><th>{}</th><th>{}</th><th>{}</th></tr>").format(
        gettext("Field"), gettext("Before"), gettext("After")
    )
    return Markup('<table class="table table-sm">{}{}</table>').format(head, body)


def _export_changes(view, context, model, name):
    return "; ".join(f"{field}: {before} -> {after}"
                     for field, (before, after) in (model.modifiche or {}).items())


class RegistroAuditView(RoleModelView):
    """Read-only for admins: nobody edits or deletes the log through the console."""

    permissions = {"admin": "r"}
    list_loads = (joinedload(RegistroAudit.utente),)
    column_list = ("momento", "utente", "azione", "tabella", "descrizione", "origine")
    column_details_list = ("momento", "utente", "azione", "tabella", "descrizione", "origine", "modifiche",
                           "record_id")
    column_default_sort = [("momento", True), ("id", True)]
    count_cap = 10_000
    column_sortable_list = ("momento", "azione", "tabella")
    column_searchable_list = ("descrizione", "record_id")
    column_formatters = {
        "azione": lambda v, c, m, n: action_label(m.azione),
        "tabella": lambda v, c, m, n: table_label(m.tabella),
    }
    column_formatters_detail = {**column_formatters, "modifiche": _modifiche}
    column_formatters_export = {"modifiche": _export_changes}

    column_filters = (
        "momento",
        FilterEqual(RegistroAudit.azione, _l("Action"), options=list(ACTIONS.items())),
        FilterEqual(RegistroAudit.tabella, _l("Kind of record"), options=list(TABLES.items())),
        "record_id",
        "utente.email",
        "origine",
    )
    column_labels = {
        "momento": _l("When"),
        "utente": _l("User"),
        "utente.email": _l("User"),
        "azione": _l("Action"),
        "tabella": _l("Kind of record"),
        "record_id": _l("Internal number of the record"),
        "descrizione": _l("Record description"),
        "modifiche": _l("Changes"),
        "origine": _l("Origin"),
    }

    # The log is written by the database session hook only.
    can_create = False
    can_edit = False
    can_delete = False
