"""The one base view: role gate, Comune scoping, Italian formats, domain errors -> flash."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import abort, flash, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.babel import gettext as admin_gettext  # noqa: F401  (keeps admin domain loaded)
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.filters import FilterConverter, FilterInList
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import Select2Field
from flask_admin.model import filters as admin_filters
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    gettext,
    lazy_gettext,
)
from flask_login import current_user
from sqlalchemy import false, func, literal
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Query, contains_eager
from wtforms import ValidationError

from models import db
from models.base import LabelledEnum, euro
from models.errors import DomainError, integrity_message
from models.queries import among, paths_of_people, people_found
from models.scoping import comune_filter

#: Lookups never return more than this many rows, whatever ``limit`` the client asks.
AJAX_LIMIT = 20


def user_roles() -> set[str]:
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return set()
    return current_user.role_names


def scoped_comune_id() -> int | None:
    """The Comune a social worker is confined to; None for agency staff."""
    if "servizio_sociale" in user_roles():
        return current_user.comune_id or -1
    return None


class CappedCountQuery(Query):
    """``SELECT count(*) FROM (SELECT 1 ... LIMIT cap)``: stops counting at ``cap`` rows."""

    cap: int | None = None

    def scalar(self):
        inner = self.with_entities(literal(1)).limit(self.cap).subquery()
        return self.session.query(func.count()).select_from(inner).scalar()


def scope_query(query, model):
    """Restrict a query on ``model`` to the current user's Comune, where one applies."""
    cid = scoped_comune_id()
    if cid is None:
        return query
    cond = comune_filter(model, cid)
    return query.filter(cond if cond is not None else false())


def _fmt_date(view, value, name):
    return format_date(value, "dd/MM/yyyy")


def _fmt_datetime(view, value, name):
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def _fmt_decimal(view, value, name):
    return format_decimal(value, format="#,##0.00")


def _fmt_enum(view, value, name):
    return value.label if isinstance(value, LabelledEnum) else value.name


def _fmt_bool(view, value, name):
    return gettext("yes") if value else gettext("no")


def _it_formatters(base: dict) -> dict:
    """Italian formats first: Flask-Admin uses the first type that matches (Enum before ours)."""
    fmts = {
        LabelledEnum: _fmt_enum,
        dt.datetime: _fmt_datetime,
        dt.date: _fmt_date,
        Decimal: _fmt_decimal,
    }
    fmts.update((k, v) for k, v in base.items() if k not in fmts)
    return fmts


IT_TYPES = _it_formatters(typefmt.BASE_FORMATTERS)
IT_DETAIL_TYPES = {**_it_formatters(typefmt.DETAIL_FORMATTERS), bool: _fmt_bool}
IT_EXPORT_TYPES = {**_it_formatters(typefmt.EXPORT_FORMATTERS), bool: _fmt_bool}


def money(view, context, model, name):
    return euro(getattr(model, name))


def enum_choices(enum_cls):
    """(name, translated label) pairs; labels stay lazy so each request translates them."""
    return [(m.name, lazy_gettext(m.value)) for m in enum_cls]


class ItModelConverter(AdminModelConverter):
    """Enum fields show translated labels and hand the model real enum members."""

    @converts("sqlalchemy.sql.sqltypes.Enum")
    def convert_enum(self, column, field_args, **extra):
        enum_cls = column.type.enum_class
        self._nullable_common(column, field_args)
        if column.nullable:
            field_args["allow_blank"] = True

        def coerce(value):
            if value is None or isinstance(value, enum_cls):
                return value
            if value in ("", "__None"):
                return None
            try:
                return enum_cls[value]
            except KeyError:
                raise ValueError(value) from None  # WTForms: "Not a valid choice"

        field_args["choices"] = enum_choices(enum_cls)
        field_args["coerce"] = coerce
        return Select2Field(**field_args)


class KnownEnumValue:
    """An enum filter accepts only member names: a hand-edited or stale URL value is refused
    with Flask-Admin's "invalid filter value" message instead of a server error."""

    def validate(self, value) -> bool:
        enum_cls = getattr(getattr(self.column, "type", None), "enum_class", None)
        if enum_cls is None:
            return super().validate(value)
        values = value.split(",") if isinstance(self, FilterInList) else [value]
        return all(v.strip() in enum_cls.__members__ for v in values)


class ItFilterConverter(FilterConverter):
    """Enum filters offer translated labels and check their values."""

    enum = tuple(type(f.__name__, (KnownEnumValue, f), {}) for f in FilterConverter.enum)

    @admin_filters.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):
        options = options or enum_choices(column.type.enum_class)
        return [f(column, name, options, **kwargs) for f in self.enum]


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An ajax picker that applies the Comune scope and caps its page size."""

    def __init__(self, name, session, model, **options):
        #: Relationships to join so that ``fields`` may name columns of related models.
        self.joins = options.pop("join", ())
        super().__init__(name, session, model, **options)

    def get_query(self):
        query = super().get_query()
        for rel in self.joins:
            query = query.join(rel).options(contains_eager(rel))
        return scope_query(query, self.model)

    def get_one(self, pk):
        pk_col = getattr(self.model, self.pk)
        try:
            value = pk_col.type.python_type(pk)
        except (TypeError, ValueError):
            return None
        return self.get_query().filter(pk_col == value).one_or_none()

    def get_list(self, term, offset=0, limit=AJAX_LIMIT):
        return super().get_list(term, offset, min(int(limit or AJAX_LIMIT), AJAX_LIMIT))


def people_search(column, search: str):
    """``column`` (a persona id) among the people the search box finds (models/queries/ricerca.py)."""
    people = people_found(search)
    return None if people is None else among(column, people)


def paths_search(column, search: str):
    """``column`` (a percorso id) among the paths of the people the search box finds."""
    paths = paths_of_people(search)
    return None if paths is None else among(column, paths)


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
        """A social worker cannot save a record outside their Comune."""
        if scoped_comune_id() is None:
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


def check(clean):
    """A WTForms validator from a models.validation ``clean_*`` function."""

    def _validator(form, field):
        if field.data in (None, ""):
            return
        try:
            clean(field.data)
        except DomainError as exc:
            raise ValidationError(exc.message) from None

    return _validator
