"""The courtesy copy of an invoice (copia di cortesia) as PDF: data in, bytes out.

A readable copy for the Comune's office, from the same data as the FatturaPA file
(``fatturapa.documento_from``): parties, contract data (CIG, CUP, resolution, commitment), lines,
VAT summary per rate and Natura, stamp duty, split payment, amount due and the IBAN. It says
that the document with legal value is the file sent through SDI (DPR 633/72 art. 21, L.
205/2017). Drawn with ReportLab's platypus (pure Python), Helvetica as registro_pdf.py uses it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask_babel import format_decimal, gettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from models.base import euro

from .fatturapa import Agenzia, Documento, documento_from
from .registro_pdf import pdf_text

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=8.5, leading=11)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444"))
BOLD = ParagraphStyle("bold", parent=BODY, fontName="Helvetica-Bold")
TITLE = ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=14, leading=18)


@dataclass(frozen=True)
class CopiaCortesia:
    """What the courtesy copy shows: the FatturaPA data and the file it was sent as."""

    documento: Documento
    periodo: tuple[dt.date, dt.date]
    programma: str
    nome_file: str | None


def copia_from(f, nome_file: str | None) -> CopiaCortesia:
    """The courtesy copy's data of an issued invoice (lines, Comune, programme loaded)."""
    return CopiaCortesia(documento_from(f), (f.periodo_dal, f.periodo_al), f.programma.nome, nome_file)


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(pdf_text(str(text))).replace("\n", "<br/>"), style)


def _day(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _parties(agenzia: Agenzia, doc: Documento) -> Table:
    c = doc.cliente
    seller = "\n".join(x for x in (
        agenzia.denominazione, agenzia.indirizzo,
        f"{agenzia.cap} {agenzia.comune}" + (f" ({agenzia.provincia})" if agenzia.provincia else ""),
        gettext("VAT no. %(piva)s", piva=agenzia.partita_iva),
        gettext("Fiscal code %(cf)s", cf=agenzia.codice_fiscale) if agenzia.codice_fiscale else "",
    ) if x)
    buyer = "\n".join(x for x in (
        c.denominazione, c.indirizzo, f"{c.cap} {c.comune}" + (f" ({c.provincia})" if c.provincia else ""),
        gettext("Fiscal code %(cf)s", cf=c.codice_fiscale),
        gettext("IPA office code %(code)s", code=c.codice_ipa),
    ) if x)
    table = Table([[_p(gettext("Supplier"), BOLD), _p(gettext("Customer"), BOLD)],
                   [_p(seller), _p(buyer)]], colWidths=[90 * mm, 90 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BOX", (0, 1), (0, 1), 0.4, colors.grey),
                               ("BOX", (1, 1), (1, 1), 0.4, colors.grey)]))
    return table


def _facts(copia: CopiaCortesia) -> list[str]:
    doc = copia.documento
    facts = [gettext("Programme: %(programme)s", programme=copia.programma),
             gettext("Period: %(start)s – %(end)s", start=_day(copia.periodo[0]), end=_day(copia.periodo[1]))]
    if doc.cig:
        facts.append(gettext("CIG: %(cig)s", cig=doc.cig))
    if doc.cup:
        facts.append(gettext("CUP: %(cup)s", cup=doc.cup))
    if doc.determina:
        facts.append(gettext("Resolution (determina) no. %(number)s of %(date)s",
                             number=doc.determina, date=_day(doc.determina_data) or "—"))
    if doc.impegno:
        facts.append(gettext("Commitment (impegno): %(impegno)s", impegno=doc.impegno))
    if doc.collegata:
        facts.append(gettext("Reverses invoice %(number)s of %(date)s",
                             number=doc.collegata[0], date=_day(doc.collegata[1])))
    return facts


def _lines(doc: Documento) -> Table:
    rows = [[_p(h, BOLD) for h in (gettext("Description"), gettext("Quantity"), gettext("Unit price"),
                                    gettext("VAT"), gettext("Amount"))]]
    for r in doc.righe:
        vat = format_decimal(r.aliquota, format="#,##0.##") + " %" + (f" {r.natura}" if r.natura else "")
        rows.append([_p(r.descrizione), _p(format_decimal(r.quantita, format="#,##0.##")),
                     _p(euro(r.prezzo_unitario)), _p(vat), _p(euro(r.importo))])
    table = Table(rows, colWidths=[92 * mm, 18 * mm, 24 * mm, 20 * mm, 26 * mm], repeatRows=1)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.2, colors.lightgrey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
    return table


def _totals(agenzia: Agenzia, doc: Documento) -> Table:
    rows = []
    for (rate, natura), (taxable, vat) in doc.riepilogo.items():
        label = (gettext("Without VAT, %(nature)s", nature=natura) if natura
                 else gettext("Taxable at %(rate)s%%", rate=format_decimal(rate, format="#,##0.##")))
        rows.append([label + " / " + gettext("VAT"), f"{euro(taxable)} / {euro(vat)}"])
    if doc.bollo:
        rows.append([gettext("Stamp duty (paid virtually), charged to the Comune"), euro(doc.bollo)])
    rows.append([gettext("Total"), euro(doc.totale)])
    if doc.tipo == "TD01":
        note = gettext(" (VAT paid by the Comune to the State)") if doc.split_payment else ""
        rows.append([gettext("Due from the Comune") + note, euro(doc.da_pagare)])
    table = Table([[_p(a), _p(b, BOLD)] for a, b in rows], colWidths=[130 * mm, 50 * mm])
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT"),
                               ("LINEABOVE", (0, len(rows) - (2 if doc.tipo == "TD01" else 1)), (-1, -1),
                                0.4, colors.grey)]))
    return table


def build_pdf(agenzia: Agenzia, copia: CopiaCortesia) -> bytes:
    """The courtesy copy of one issued document, A4."""
    doc = copia.documento
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=pdf_text(f"{doc.numero} {doc.cliente.denominazione}"))
    kind = gettext("Credit note") if doc.tipo == "TD04" else gettext("Invoice")
    story = [
        _p(gettext("%(kind)s no. %(number)s of %(date)s", kind=kind, number=doc.numero, date=_day(doc.data)),
           TITLE),
        _p(gettext("Courtesy copy"), SMALL), Spacer(0, 4 * mm), _parties(agenzia, doc), Spacer(0, 4 * mm),
        *[_p(x) for x in _facts(copia)], _p(doc.causale, SMALL), Spacer(0, 4 * mm),
        _lines(doc), Spacer(0, 3 * mm), _totals(agenzia, doc), Spacer(0, 4 * mm),
    ]
    if doc.tipo == "TD01" and agenzia.iban:
        story.append(_p(gettext("Payment by bank transfer to IBAN %(iban)s, %(holder)s.",
                                iban=agenzia.iban, holder=agenzia.denominazione)))
    if doc.split_payment:
        story.append(_p(gettext("Split payment (art. 17-ter DPR 633/72): the Comune pays the VAT to the State.")))
    sent = (gettext("sent to SDI as %(file)s", file=copia.nome_file) if copia.nome_file
            else gettext("not yet sent to SDI"))
    story += [Spacer(0, 4 * mm), _p(gettext(
        "Courtesy copy without legal value: the invoice is the FatturaPA file delivered through "
        "the Sistema di Interscambio (%(sent)s).", sent=sent), SMALL)]
    pdf.build(story)
    return buffer.getvalue()
