"""How Flask-Admin builds our form fields, list filters and validators: enum fields and
filters with translated labels that accept member names only, and WTForms validators made
from the models' own ``clean_*`` checks (models/validation.py)."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import FilterConverter, FilterInList
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import Select2Field
from flask_admin.model import filters as admin_filters
from flask_admin.model.form import converts
from flask_babel import lazy_gettext
from wtforms import ValidationError

from models.errors import DomainError


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
