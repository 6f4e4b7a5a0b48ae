"""The one base view: the role gate, row scoping through every URL, domain errors -> flash.

Values are shown as views/formatting.py says, forms and filters built as views/converters.py
says, rows scoped as views/scoping.py says.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask import abort, current_app, flash, has_request_context, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.babel import gettext as admin_gettext  # noqa: F401  (keeps admin domain loaded)
from flask_admin.contrib.sqla import ModelView
from flask_admin.model.form import InlineFormAdmin
from flask_admin.model.template import BaseListRowAction, EndpointLinkRowAction
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from wtforms import ValidationError

from models import db
from models import validation as v
from models.dates import check_record_dates
from models.errors import DomainError, integrity_message
from models.operations.anagrafiche import require_unique

from .converters import ItFilterConverter, ItModelConverter
from .fields import ConsoleForm, record_link
from .filters import semi_join_condition
from .formatting import IT_DETAIL_TYPES, IT_EXPORT_TYPES, IT_TYPES, money
from .scoping import (
    CappedCountQuery,
    ScopedAjaxLoader,
    scope_query,
    scoped_comune_id,
    scoped_ente_id,
    user_roles,
)


class LinkedValidationError(ValidationError):
    """A refusal whose message links to the record the input collides with."""

    def __init__(self, markup: Markup):
        super().__init__(str(markup))
        self.markup = markup


class RoleGate:
    """The one access gate of every console page: closed by default, opened per role.

    ``permissions`` maps a role code to letters: r(ead), c(reate), e(dit), d(elete). A page
    is open to the roles with "r" (hidden from the menu otherwise); an anonymous visitor is
    sent to the login page, a logged-in user without the right gets 403.
    """

    permissions: dict[str, str] = {}

    @classmethod
    def grants(cls, letters: str = "r") -> bool:
        """The current user's roles grant every one of ``letters`` here."""
        have = "".join(cls.permissions.get(r, "") for r in user_roles())
        return all(letter in have for letter in letters)

    def require(self, letters: str) -> None:
        """403 unless the current user's roles grant ``letters`` (a page inside a view that
        needs more than reading, e.g. the month grid writes hours)."""
        if not self.grants(letters):
            abort(403)

    def is_accessible(self):
        return self.grants("r")

    def is_visible(self):
        return self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.url))
        abort(403)


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d[\d.,]*")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made plain text by a leading
    apostrophe (OWASP); numbers such as "-12,50" stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def allowed(endpoint: str, letters: str = "r") -> bool:
    """The current user's roles open ``endpoint``'s page with ``letters`` (r, c, e, d): pages
    and templates show a link or an action only then, never one that would answer 403."""
    view = current_app.extensions["console_views"].get(endpoint)
    return view is not None and view.grants(letters)


class RowAction(BaseListRowAction):
    """A list row action shown only on the rows ``when(row)`` accepts (e.g. edit only on a
    draft): a link that would be refused is not shown."""

    def __init__(self, action: BaseListRowAction, when):
        super().__init__(title=action.title)
        self.action, self.when = action, when

    def render(self, context, row_id, row):
        return self.action.render(context, row_id, row) if self.when(row) else ""


def link_action(icon: str, endpoint: str, title, when=None, **kwargs) -> BaseListRowAction:
    """A row action linking to ``endpoint`` with the row's id (icons: Font Awesome 4.7, the
    set Flask-Admin's bootstrap4 theme loads), optionally only on rows ``when`` accepts."""
    action = EndpointLinkRowAction(icon, endpoint, title=title, **kwargs)
    return RowAction(action, when) if when else action


class ConsoleInline(InlineFormAdmin):
    """Inline rows (voucher lines, invoice lines, budget changes...) named in the singular:
    "Riga 2", "Nuova riga", "Aggiungi una riga" (admin/model/inline_list_base.html), not
    Flask-Admin's "Nuovo Righe"."""

    item_label = _l("Row")
    new_label = _l("New row")
    add_label = _l("Add a row")


class RoleBaseView(RoleGate, BaseView):
    """Base of every page that is not a model's list (report, timesheets, deadlines)."""


class RoleModelView(RoleGate, ModelView):
    """Base of every model view: the role gate on lists, details, forms, exports, actions."""

    #: Loader options that make the list's columns load in the page's own query.
    list_loads: tuple = ()
    money_columns: tuple[str, ...] = ()

    #: Count at most this many rows (tables that grow into the millions): the pager stops
    #: there and the list says so (admin/model/console_list.html). None: exact count.
    count_cap: int | None = None
    list_template = "admin/model/console_list.html"

    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    named_filter_urls = True
    column_type_formatters = IT_TYPES
    model_form_converter = ItModelConverter
    form_base_class = ConsoleForm
    filter_converter = ItFilterConverter()
    column_type_formatters_export = IT_EXPORT_TYPES
    column_type_formatters_detail = IT_DETAIL_TYPES
    export_types = ["csv"]
    export_max_rows = 50000
    column_display_pk = False
    create_modal = False
    edit_modal = False

    def __init__(self, model, session=db, **kwargs):
        formatters = dict(self.column_formatters or {})
        for name in self.money_columns:
            formatters.setdefault(name, money)
        self.column_formatters = formatters
        super().__init__(model, session, **kwargs)

    def _create_ajax_loader(self, name, options):
        remote = getattr(self.model, name).prop.mapper.class_
        # Flask-Admin's default placeholder is "Please select model" (a programmer's word).
        options = {"page_size": 10, "minimum_input_length": 0,
                   "placeholder": _l("Type to search, then choose"), **options}
        return ScopedAjaxLoader(name, self.session, remote, **options)

    # -- row actions: only those the row allows ----------------------------------
    def row_editable(self, row) -> bool:
        """Hook: whether ``row`` can still be edited (e.g. not a decided voucher)."""
        return True

    def row_deletable(self, row) -> bool:
        """Hook: whether ``row`` can still be deleted."""
        return True

    def get_list_row_actions(self):
        actions = []
        for action in super().get_list_row_actions():
            name = getattr(action, "template_name", "")
            if name.endswith("edit_row"):
                action = RowAction(action, self.row_editable)
            elif name.endswith("delete_row"):
                action = RowAction(action, self.row_deletable)
            actions.append(action)
        return actions

    def scaffold_auto_joins(self):
        """Eager loads come from ``list_loads`` only (no joinedload of collections)."""
        return []

    # -- what the role gate opens ------------------------------------------
    @property
    def can_create(self):
        return self.grants("c")

    @property
    def can_edit(self):
        return self.grants("e")

    @property
    def can_delete(self):
        return self.grants("d")

    @property
    def can_export(self):
        return self.grants("r")

    @property
    def can_view_details(self):
        # Read at construction too, outside any request (flask-admin #1263).
        return True if not has_request_context() else self.grants("r")

    # -- row scoping: list, count, details, edit, delete, export ---------
    def get_query(self):
        return scope_query(super().get_query(), self.model).options(*self.list_loads)

    def get_count_query(self):
        if self.count_cap:
            query = CappedCountQuery([func.count()], db.session()).select_from(self.model)
            query.cap = self.count_cap
        else:
            query = super().get_count_query()
        return scope_query(query, self.model)

    @property
    def count_cap_text(self) -> str:
        return format_decimal(self.count_cap or 0)

    # -- search ------------------------------------------------------------
    def search_clause(self, search: str):
        """Hook: an index-served WHERE for the search box; None keeps Flask-Admin's
        substring search (fine for short tables, a full scan on long ones)."""
        return None

    def _apply_search(self, query, count_query, joins, count_joins, search):
        clause = self.search_clause(search.strip())
        if clause is None:
            return super()._apply_search(query, count_query, joins, count_joins, search)
        if count_query is not None:
            count_query = count_query.filter(clause)
        return query.filter(clause), count_query, joins, count_joins

    def _apply_filters(self, query, count_query, joins, count_joins, filters):
        """A filter on a related model's column (hours by the path's Comune) as a semi-join
        (views/filters.py), in the list and in its count; the others as Flask-Admin has them."""
        rest = []
        for idx, name, value in filters:
            flt = self._filters[idx]
            key = getattr(flt, "key_name", None) or getattr(flt, "column", None)
            path = self._filter_joins.get(key) if key is not None else None
            cond = semi_join_condition(path, flt, flt.clean(value)) if path else None
            if cond is None:
                rest.append((idx, name, value))
                continue
            query = query.filter(cond)
            if count_query is not None:
                count_query = count_query.filter(cond)
        return super()._apply_filters(query, count_query, joins, count_joins, rest)

    def get_list(self, page, *args, **kwargs):
        # ?page=-3 would be a negative OFFSET: PostgreSQL refuses it with a 500.
        return super().get_list(max(page or 0, 0), *args, **kwargs)

    def _apply_pagination(self, query, page, page_size):
        """A deep page skips ids only, then joins the page's 20 rows (a deferred join):
        OFFSET over the eager-loading joins would join every skipped row too."""
        paged = super()._apply_pagination(query, page, page_size)
        if not page:
            return paged
        pk = getattr(self.model, self._primary_key)
        return query.filter(pk.in_(paged.with_entities(pk).scalar_subquery()))

    def get_one(self, id):
        pk = getattr(self.model, self._primary_key)
        value = v.parse_id(id)  # "1,2", "abc" or 99999999999999999999 name no record
        if value is None:
            return None
        return self.get_query().filter(pk == value).one_or_none()

    def get_export_value(self, model, name):
        """Every list export (CSV) writes formulas as text; a related record is exported
        as its text (a Comune's or a person's name can be the formula)."""
        value = super().get_export_value(model, name)
        if value is not None and not isinstance(value, (str, int, float, Decimal, dt.date)):
            value = str(value)
        return neutralise(value)

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self):
        if not self.can_edit:
            abort(403)
        return super().ajax_update()

    # -- validation and errors -----------------------------------------
    def on_model_change(self, form, model, is_created):
        try:
            # Checks query the database: they must not flush the half-validated row.
            with db.session.no_autoflush:
                # A value that identifies a record, a second time: named, if the user may see it.
                require_unique(db.session, model, scoped_comune_id())
                check_record_dates(model)
                validate = getattr(model, "validate_model", None)
                if validate:
                    validate()
                self.check_model(model, is_created)
        except DomainError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors) + [exc.message]
            link = record_link(self, exc.existing) if exc.existing is not None else None
            if link is not None:
                raise LinkedValidationError(Markup("{} {}").format(exc.message, link)) from None
            raise ValidationError(exc.message) from None
        db.session.flush()
        self._check_in_scope(model)

    def check_model(self, model, is_created):
        """Hook for view-level checks that need the session; raise DomainError."""

    def _check_in_scope(self, model):
        """A social worker (coop tutor) cannot save a record outside their Comune (cooperative)."""
        if scoped_comune_id() is None and scoped_ente_id() is None:
            return
        pk = getattr(self.model, self._primary_key)
        stmt = scope_query(
            db.session.query(pk).filter(pk == getattr(model, self._primary_key)), self.model
        )
        if stmt.first() is None:
            raise ValidationError(gettext("You can only register records of your own Comune."))

    #: An operation ``fn(session, model)`` that deletes with its domain rules (flushes only).
    delete_operation = None

    def delete_model(self, model):
        if self.delete_operation is None:
            return super().delete_model(model)
        try:
            type(self).delete_operation(db.session, model)
            db.session.commit()
            return True
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return False

    def handle_view_exception(self, exc):
        if isinstance(exc, LinkedValidationError):
            flash(exc.markup, "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(integrity_message(exc), "error")
            return True
        if isinstance(exc, DomainError):
            flash(exc.message, "error")
            return True
        return super().handle_view_exception(exc)
