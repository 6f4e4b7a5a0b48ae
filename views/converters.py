"""How Flask-Admin builds our form fields, list filters and validators: enum fields and
filters with translated labels that accept member names only, and WTForms validators made
from the models' own ``clean_*`` checks (models/validation.py)."""

from __future__ import annotations

import datetime as dt
import re

from flask_admin.contrib.sqla.filters import FilterConverter, FilterEmpty, FilterInList
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import Select2Field
from flask_admin.model import filters as admin_filters
from flask_admin.model.form import converts
from flask_babel import lazy_gettext
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError, validators

from models import dates
from models import validation as v
from models.errors import DomainError

from .fields import ItDateField, ItDecimalField, ItIntegerField


def enum_choices(enum_cls):
    """(name, translated label) pairs; labels stay lazy so each request translates them."""
    return [(m.name, lazy_gettext(m.value)) for m in enum_cls]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ItModelConverter(AdminModelConverter):
    """Fields that read what Italians type (views/fields.py): dates, decimals, whole numbers;
    text trimmed, required text not blank, free text bounded; enum fields with translated
    labels that hand the model real enum members."""

    @classmethod
    def _string_common(cls, column, field_args, **extra):
        # Trimmed first: "   " is no name, and a required field refuses it.
        field_args["filters"] = [_strip, *field_args.get("filters", [])]
        super()._string_common(column=column, field_args=field_args, **extra)
        if not getattr(column.type, "length", None):
            field_args["validators"].append(validators.Length(max=v.MAX_TEXT))
        if not column.nullable:
            field_args["validators"].append(validators.DataRequired())

    @converts("Date")
    def convert_date(self, column, field_args, **extra):
        field_args.setdefault("description", _l("dd/mm/yyyy, e.g. 07/03/1988"))
        return ItDateField(**field_args)

    @converts("Numeric")
    def handle_decimal_types(self, column, field_args, **extra):
        field_args.pop("places", None)
        return ItDecimalField(places=column.type.scale, digits=column.type.precision, **field_args)

    @converts("Integer")
    def handle_integer_types(self, column, field_args, **extra):
        return ItIntegerField(**field_args)

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


class ItalianDate:
    """A date filter reads the value as the date fields do (07/03/2025, 2025-03-07...)."""

    def clean(self, value):
        return dates.parse_date(value)

    def validate(self, value) -> bool:
        try:
            return self.clean(value) is not None
        except DomainError:
            return False


#: "dal ... al ...": the two ends of a period filter, whatever the separator typed.
_RANGE_SEPARATORS = (" to ", " al ", " - ", " – ")


class ItalianDateRange:
    def clean(self, value):
        for sep in _RANGE_SEPARATORS:
            if sep in value:
                start, end = (dates.parse_date(x) for x in value.split(sep, 1))
                return [start, end]
        raise DomainError("range")

    def validate(self, value) -> bool:
        try:
            start, end = self.clean(value)
        except (DomainError, ValueError):
            return False
        return start is not None and end is not None and start <= end


def _datetime(text: str) -> dt.datetime:
    """07/03/2025, 07/03/2025 14:30 or 2025-03-07 14:30:00 (midnight when no time is given)."""
    day_text, _, time_text = text.strip().replace("T", " ").partition(" ")
    day = dates.parse_date(day_text)
    if day is None:
        raise ValueError(text)
    time_text = time_text.strip()
    parts = [int(x) for x in time_text.split(":")] if time_text else [0, 0]
    if not time_text or re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", time_text):
        return dt.datetime.combine(day, dt.time(*parts))
    raise ValueError(text)


class ItalianDateTime:
    def clean(self, value):
        return _datetime(value)

    def validate(self, value) -> bool:
        try:
            self.clean(value)
            return True
        except (DomainError, ValueError):
            return False


class ItalianDateTimeRange(ItalianDateTime):
    def clean(self, value):
        for sep in _RANGE_SEPARATORS:
            if sep in value:
                return [_datetime(x) for x in value.split(sep, 1)]
        raise ValueError(value)

    def validate(self, value) -> bool:
        try:
            start, end = self.clean(value)
        except (DomainError, ValueError):
            return False
        return start <= end


class BoundedNumber:
    """A number filter refuses NaN, infinities and numbers the database cannot hold."""

    def _one(self, text):
        parse = v.parse_int if type(self).__name__.startswith("Int") else v.parse_decimal
        number = parse(text)
        if number is None:
            raise ValueError(text)
        return number

    def clean(self, value):
        if "List" in type(self).__name__:
            return [self._one(x) for x in value.split(",")]
        return self._one(value)

    def validate(self, value) -> bool:
        try:
            self.clean(value)
            return True
        except (DomainError, ValueError):
            return False


def _with(mixin, filters):
    return tuple(type(f.__name__, (mixin, f), {}) if f is not FilterEmpty else f for f in filters)


class ItFilterConverter(FilterConverter):
    """Enum filters offer translated labels and check their values; date filters read Italian
    dates; number filters refuse what the database cannot compare."""

    enum = tuple(type(f.__name__, (KnownEnumValue, f), {}) for f in FilterConverter.enum)
    date_filters = tuple(
        f if f is FilterEmpty
        else type(f.__name__, (ItalianDateRange if "Between" in f.__name__ else ItalianDate, f), {})
        for f in FilterConverter.date_filters
    )
    datetime_filters = tuple(
        f if f is FilterEmpty
        else type(f.__name__, (ItalianDateTimeRange if "Between" in f.__name__ else ItalianDateTime, f), {})
        for f in FilterConverter.datetime_filters
    )
    int_filters = _with(BoundedNumber, FilterConverter.int_filters)
    float_filters = _with(BoundedNumber, FilterConverter.float_filters)

    @admin_filters.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):
        options = options or enum_choices(column.type.enum_class)
        return [f(column, name, options, **kwargs) for f in self.enum]


def cig_cup_args() -> dict:
    """form_args checking a CIG and a CUP as they are typed (models/validation.py)."""
    from models import validation

    return {"cig": {"validators": [check(validation.clean_cig)]},
            "cup": {"validators": [check(validation.clean_cup)]}}


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
