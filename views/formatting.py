"""How the console shows values: Italian dates and numbers, euro amounts, enum labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_admin.model import typefmt
from flask_babel import format_date, format_datetime, format_decimal, gettext

from models.base import LabelledEnum, euro


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
