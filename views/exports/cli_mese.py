"""`flask fatture genera|emetti`: month-end invoicing in two commands (issue 14, item 7).

``genera`` makes the month's drafts (one per Comune and programme, as *Genera fatture* does) and
``emetti`` issues the month's drafts in number order, each in its own transaction so that a
refused draft leaves no gap; both print what they did and the totals. The XML of the issued
documents is then ``flask export fatture --dal ... --al ... -o F.zip``.
"""

from __future__ import annotations

import calendar
import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Fattura, clock, db
from models.base import StatoFattura, euro
from models.errors import DomainError
from models.money import ZERO
from models.operations import fatture as ops

from .cli_fogli import _comune_id

fatture_cli = AppGroup("fatture", help="Month-end invoicing: generate the drafts, issue them.")


def _month(value: str) -> tuple[dt.date, dt.date]:
    try:
        year, month = (int(x) for x in value.split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        raise click.BadParameter("YYYY-MM, e.g. 2025-10", param_hint="--mese") from None
    return first, dt.date(year, month, calendar.monthrange(year, month)[1])


def _line(f: Fattura, imponibile, iva, bollo) -> str:
    """One document: its number (or draft id), Comune, programme and amounts."""
    text = gettext("%(doc)s %(comune)s, %(programma)s: taxable %(taxable)s, VAT %(vat)s",
                   doc=str(f), comune=f.comune.nome, programma=f.programma.nome,
                   taxable=euro(imponibile), vat=euro(iva))
    if bollo:
        text += ", " + gettext("stamp duty %(amount)s", amount=euro(bollo))
    return "  " + text


def _totals(taxable, vat, bollo) -> str:
    return gettext("Total: taxable %(taxable)s, VAT %(vat)s, stamp duty %(bollo)s, total %(total)s",
                   taxable=euro(taxable), vat=euro(vat), bollo=euro(bollo),
                   total=euro(taxable + vat + bollo))


@fatture_cli.command("genera")
@with_appcontext
@click.option("--mese", required=True, help="Month of the charges, YYYY-MM.")
@click.option("--comune", default=None, help="Only this Comune (ISTAT code or name).")
def genera(mese: str, comune: str | None) -> None:
    """Make the month's draft invoices from the uninvoiced charges dated in it."""
    first, last = _month(mese)
    try:
        made = ops.generate_invoices(db.session, first, last, comune_id=_comune_id(comune))
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(ngettext("%(num)d draft invoice generated for %(month)s:",
                        "%(num)d draft invoices generated for %(month)s:", len(made),
                        month=f"{first:%m/%Y}"))
    total_t = total_v = total_b = ZERO
    for f in made:
        taxable, vat = ops.totals(f.righe)
        bollo = ops.bollo(f.righe)
        total_t, total_v, total_b = total_t + taxable, total_v + vat, total_b + bollo
        click.echo(_line(f, taxable, vat, bollo))
    click.echo(_totals(total_t, total_v, total_b))


@fatture_cli.command("emetti")
@with_appcontext
@click.option("--mese", required=True, help="Month of the drafts' period, YYYY-MM.")
@click.option("--data", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Issue date (YYYY-MM-DD), default today.")
def emetti(mese: str, day) -> None:
    """Issue the drafts whose period lies in the month, in number order (Comune, programme)."""
    first, last = _month(mese)
    issue_day = day.date() if day else clock.today()
    drafts = db.session.scalars(
        select(Fattura).where(Fattura.stato == StatoFattura.BOZZA, Fattura.periodo_dal >= first,
                              Fattura.periodo_al <= last)
        .options(selectinload(Fattura.comune), selectinload(Fattura.programma))
    ).all()
    drafts = sorted(drafts, key=lambda f: (f.comune.nome, f.programma.nome, f.id))
    ids = [f.id for f in drafts]
    if not ids:
        raise click.ClickException(gettext("No draft invoices for %(month)s.", month=f"{first:%m/%Y}"))
    done, refused = [], 0
    for fid in ids:
        f = db.session.get(Fattura, fid)
        try:
            ops.issue_invoice(db.session, f, issue_day, iban=current_app.config.get("AGENZIA_IBAN"))
            db.session.commit()
            done.append(f)
        except DomainError as exc:
            db.session.rollback()
            refused += 1
            click.echo("  " + gettext("%(invoice)s: %(reason)s", invoice=str(f), reason=exc.message), err=True)
    total_t = sum((f.imponibile for f in done), ZERO)
    total_v = sum((f.iva for f in done), ZERO)
    total_b = sum((f.bollo or ZERO for f in done), ZERO)
    click.echo(ngettext("%(num)d invoice issued on %(day)s, in number order:",
                        "%(num)d invoices issued on %(day)s, in number order:", len(done),
                        day=f"{issue_day:%d/%m/%Y}"))
    for f in done:
        click.echo(_line(f, f.imponibile, f.iva, f.bollo))
    click.echo(_totals(total_t, total_v, total_b))
    if refused:
        click.echo(ngettext("%(num)d draft not issued.", "%(num)d drafts not issued.", refused), err=True)
    if refused:
        raise SystemExit(1)
