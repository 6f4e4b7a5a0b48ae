"""Form fields that read what Italians type: dates (07/03/1988, 7/3/88, 1988-03-07), decimals
(2,5 - 1.234,50) and whole numbers, each refusing garbage with a field message and showing back
exactly what was typed; and the console's base form, which refuses NUL characters and ids that
name no record in every field, inline lines included.

Parsing is models/dates.py and models/validation.py; the date picker is views/static/js/data_it.js.
"""

from __future__ import annotations

from flask_admin.form import BaseForm
from flask_admin.model.fields import AjaxSelectField
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.fields import FieldList, FormField
from wtforms.widgets import TextInput

from models import dates
from models import validation as v
from models.errors import DomainError


class DateInput(TextInput):
    """A text input the date picker script turns into an Italian calendar (data-role)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("data-role", "data-it")
        kwargs.setdefault("placeholder", gettext("dd/mm/yyyy"))
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("class", "form-control")
        kwargs.setdefault("style", "max-width: 12rem")
        return super().__call__(field, **kwargs)


class ItDateField(Field):
    """A date typed, pasted or picked the Italian way. ``past``: two-digit years are read in
    the past (birth dates)."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, past: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.past = past

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]  # what the person typed comes back as typed
        return dates.fmt(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        try:
            self.data = dates.parse_date(valuelist[0], past=self.past)
        except DomainError as exc:
            raise ValueError(exc.message) from None


class NumberInput(TextInput):
    """A text input (not type=number: browsers refuse a decimal comma there)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "decimal")
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(field, **kwargs)


class ItDecimalField(Field):
    """A decimal typed the Italian way, within the column's precision (``digits``, ``places``)."""

    widget = NumberInput()

    def __init__(self, label=None, validators=None, places: int | None = 2, digits: int | None = None,
                 **kwargs):
        kwargs.pop("use_locale", None)
        kwargs.pop("number_format", None)
        kwargs.pop("rounding", None)
        super().__init__(label, validators, **kwargs)
        self.places, self.digits = places, digits

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="0.##########")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        try:
            self.data = v.parse_decimal(valuelist[0], self.places, self.digits)
        except DomainError as exc:
            raise ValueError(exc.message) from None


class ItIntegerField(Field):
    """A whole number within what the database stores."""

    widget = NumberInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        try:
            self.data = v.parse_int(valuelist[0])
        except DomainError as exc:
            raise ValueError(exc.message) from None


def _leaves(form):
    """Every field of ``form``, descending into inline lines (FieldList of FormField)."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _leaves(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from _leaves(field.form)
        else:
            yield field


NUL_MESSAGE = _l("The text contains a character that is not allowed (NUL).")


class ConsoleForm(BaseForm):
    """Base of every console form: a NUL character (which PostgreSQL refuses) or an id that
    names no record is a field message, never a server error or a silently emptied field."""

    def validate(self, extra_validators=None):
        # NUL first: the other validators may query with the value (Unique), which PostgreSQL
        # refuses with an error; the person fixes the character, then sees any other message.
        nul = [f for f in _leaves(self) if any(isinstance(raw, str) and "\x00" in raw for raw in (f.raw_data or ()))]
        if nul:
            for field in nul:
                field.errors = [*field.process_errors, str(NUL_MESSAGE)]
            return False
        valid = super().validate(extra_validators)
        for field in _leaves(self):
            if isinstance(field, AjaxSelectField) and _unknown_choice(field):
                field.errors = [*field.errors, gettext("Not a valid choice")]
                valid = False
        return valid


def _unknown_choice(field: AjaxSelectField) -> bool:
    formdata = getattr(field, "_formdata", None)
    if not formdata or formdata == "__None" or isinstance(formdata, (list, set)):
        return False
    return field.data is None


def record_link(view, record) -> Markup | None:
    """A link to ``record``'s page in the console, if the current user may open it."""
    admin = getattr(view, "admin", None)
    for other in getattr(admin, "_views", ()):
        if getattr(other, "model", None) is type(record) and other.is_accessible():
            pk = getattr(record, other._primary_key)
            if other.get_one(str(pk)) is None:
                return None  # outside the user's scope
            endpoint = "edit_view" if other.can_edit else "details_view"
            from flask import url_for

            return Markup('<a href="{}">{}</a>').format(
                url_for(f"{other.endpoint}.{endpoint}", id=pk), gettext("Open it")
            )
    return None


def date_locale() -> dict:
    """Month and day names of the user's language for the calendar (Monday first in Italian)."""
    from babel.dates import get_day_names, get_month_names
    from flask_babel import get_locale

    locale = get_locale()
    days = get_day_names("abbreviated", locale=locale)  # 0 = Monday
    return {
        "months": [get_month_names("wide", locale=locale)[m] for m in range(1, 13)],
        "days": [days[d] for d in range(7)],
        "firstDay": locale.first_week_day,
        "today": gettext("Today"),
        "close": gettext("Close"),
        "prev": "‹",
        "next": "›",
        "invalid": gettext("Not a date: write it as dd/mm/yyyy."),
        "placeholder": gettext("dd/mm/yyyy"),
        "rangePlaceholder": gettext("dd/mm/yyyy to dd/mm/yyyy"),
        "rangeWord": gettext("to"),
    }
