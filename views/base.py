"""The one base view: the role gate, row scoping through every URL, domain errors -> flash.

Values are shown as views/formatting.py says, forms and filters built as views/converters.py
says, rows scoped as views/scoping.py says.
"""

from __future__ import annotations

from flask import abort, flash, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.babel import gettext as admin_gettext  # noqa: F401  (keeps admin domain loaded)
from flask_admin.contrib.sqla import ModelView
from flask_babel import format_decimal, gettext
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from wtforms import ValidationError

from models import db
from models.errors import DomainError, integrity_message

from .converters import ItFilterConverter, ItModelConverter
from .formatting import IT_DETAIL_TYPES, IT_EXPORT_TYPES, IT_TYPES, money
from .scoping import (
    CappedCountQuery,
    ScopedAjaxLoader,
    scope_query,
    scoped_comune_id,
    scoped_ente_id,
    user_roles,
)


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
        options = {"page_size": 10, "minimum_input_length": 0, **options}
        return ScopedAjaxLoader(name, self.session, remote, **options)

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
        try:
            value = pk.type.python_type(id)
        except (TypeError, ValueError):
            return None
        return self.get_query().filter(pk == value).one_or_none()

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
                self.check_model(model, is_created)
                validate = getattr(model, "validate_model", None)
                if validate:
                    validate()
        except DomainError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors) + [exc.message]
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
        if isinstance(exc, IntegrityError):
            flash(integrity_message(exc), "error")
            return True
        if isinstance(exc, DomainError):
            flash(exc.message, "error")
            return True
        return super().handle_view_exception(exc)


class SecureIndexView(AdminIndexView):
    """The console home: any logged-in user."""

    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("security.login", next=request.url))

    @expose("/")
    def index(self):
        return self.render("admin/index.html", roles=sorted(user_roles()))
