"""The content rules of a FatturaPA file that the project can check offline, beyond the schema
(Agenzia delle Entrate, "Specifiche tecniche FatturaPA 1.2.2", controls 00418-00443 of SDI):
line totals, Natura exactly on the lines without VAT, one summary per rate and Natura matching
the lines, the VAT of each summary, the document total, and the stamp duty (bollo virtuale) on
a document above EUR 77.47 outside VAT."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree as ET

NS = {"p": "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"}
CENT = Decimal("0.01")
STAMP_THRESHOLD = Decimal("77.47")


def _d(el, tag) -> Decimal:
    return Decimal(el.find(tag).text)


def _opt(el, tag) -> str | None:
    found = el.find(tag)
    return found.text if found is not None else None


def content_problems(data: bytes) -> list[str]:
    """What is wrong with the file's figures; empty when every rule holds."""
    root = ET.fromstring(data)
    problems = []
    by_rate: dict[tuple, Decimal] = defaultdict(Decimal)
    for line in root.iterfind(".//DettaglioLinee"):
        n = line.find("NumeroLinea").text
        qty, price, total = _d(line, "Quantita"), _d(line, "PrezzoUnitario"), _d(line, "PrezzoTotale")
        if (qty * price).quantize(CENT, ROUND_HALF_UP) != total:
            problems.append(f"line {n}: {qty} x {price} is not {total}")
        rate, natura = _d(line, "AliquotaIVA"), _opt(line, "Natura")
        if (rate == 0) != (natura is not None):
            problems.append(f"line {n}: VAT {rate} with Natura {natura}")
        by_rate[(rate, natura)] += total
    summaries = {}
    for s in root.iterfind(".//DatiRiepilogo"):
        key = (_d(s, "AliquotaIVA"), _opt(s, "Natura"))
        if key in summaries:
            problems.append(f"two summaries for {key}")
        summaries[key] = (_d(s, "ImponibileImporto"), _d(s, "Imposta"))
        expected_vat = (summaries[key][0] * key[0] / 100).quantize(CENT, ROUND_HALF_UP)
        if summaries[key][1] != expected_vat:
            problems.append(f"summary {key}: VAT {summaries[key][1]}, expected {expected_vat}")
    if {k: v[0] for k, v in summaries.items()} != dict(by_rate):
        problems.append(f"summaries {summaries} do not match the lines {dict(by_rate)}")
    general = root.find(".//DatiGeneraliDocumento")
    bollo = _opt(general, "DatiBollo/ImportoBollo")
    outside_vat = sum((v for (rate, natura), v in by_rate.items() if natura), Decimal(0))
    if (outside_vat > STAMP_THRESHOLD) != (bollo is not None):
        problems.append(f"stamp duty {bollo} with {outside_vat} outside VAT")
    total = sum((t + v for t, v in summaries.values()), Decimal(0)) + Decimal(bollo or 0)
    if _d(general, "ImportoTotaleDocumento") != total:
        problems.append(f"document total {_d(general, 'ImportoTotaleDocumento')}, expected {total}")
    return problems
