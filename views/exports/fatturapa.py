"""FatturaPA (FPA12, schema 1.2.2) XML of issued invoices and credit notes: data in, bytes out.

The builder is pure: ``build_xml(agenzia, documento)`` takes plain dataclasses and returns the
XML bytes; ``documento_from(fattura)`` reads an issued ``Fattura`` (lines and Comune loaded)
into that data. Rules: Agenzia delle Entrate, "Specifiche tecniche FatturaPA 1.2.2" and the
schema in shared/fatturapa; split payment is EsigibilitaIVA "S" (art. 17-ter DPR 633/72).
A line without VAT carries its Natura (N4 for exempt training, art. 10 DPR 633/72), the summary
is one DatiRiepilogo per rate and per Natura, and the stamp duty of a document above EUR 77.47
outside VAT is DatiBollo (bollo virtuale, models/money.py).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree as ET

from stdnum.it import iva as partita_iva

from models.operations.fatture import summary_by_nature

NAMESPACE = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
FORMATO = "FPA12"
#: Condizioni di pagamento TP02 (payment in full), modalita MP05 (bank transfer).
CONDIZIONI_PAGAMENTO = "TP02"
MODALITA_PAGAMENTO = "MP05"

ET.register_namespace("p", NAMESPACE)

#: Characters outside Latin-1 that do not decompose to a Latin letter (NFKD), written as
#: an Italian reader would: typography, letters of Central and Northern Europe, Greek, Cyrillic.
_ASCII = {
    "€": "EUR", "–": "-", "—": "-", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"',
    "…": "...", "•": "-", "‰": "per mille", "™": "TM", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d",
    "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe", "Ŧ": "T", "ŧ": "t", "ſ": "s", "Ə": "E",
    "ə": "e", "Ŋ": "N", "ŋ": "n",
}
_GREEK = dict(zip("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώς",
                  "a b g d e z i th i k l m n x o p r s t y f ch ps o a e i i o y o s".split(), strict=True))
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ",
                     "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya ye i yi g"
                     .split(), strict=True))


def _transliterate(ch: str) -> str:
    if ch in _ASCII:
        return _ASCII[ch]
    lower = ch.lower()
    for table in (_GREEK, _CYRILLIC):
        if lower in table:
            plain = table[lower].replace("_", "")
            return plain.capitalize() if ch != lower else plain
    plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return plain or "?"


def latin(text: str, length: int) -> str:
    """Text as FatturaPA's Latin types accept it (Basic Latin and Latin-1 Supplement), cut to
    ``length``: every Latin-1 character kept as it is (the file is UTF-8), only the others
    transliterated (Ł -> L, ő -> o, Σ -> S, Ж -> Zh), control characters dropped."""
    out = []
    for ch in " ".join(str(text).split()):
        if 32 <= ord(ch) < 127 or 160 <= ord(ch) < 256:
            out.append(ch)
        elif ord(ch) >= 256:
            out.append(_transliterate(ch))
    return "".join(out)[:length]


@dataclass(frozen=True)
class Agenzia:
    """The agency (CedentePrestatore), from the AGENZIA_* configuration keys."""

    denominazione: str
    partita_iva: str
    codice_fiscale: str | None
    regime_fiscale: str
    indirizzo: str
    cap: str
    comune: str
    provincia: str | None
    nazione: str = "IT"
    iban: str | None = None

    @classmethod
    def from_config(cls, config) -> Agenzia:
        """Read and check the AGENZIA_* keys; a wrong partita IVA is a configuration error."""
        piva = (config.get("AGENZIA_PARTITA_IVA") or "").strip()
        if not partita_iva.is_valid(piva):
            raise ValueError(f"AGENZIA_PARTITA_IVA {piva!r} is not a valid partita IVA")
        return cls(
            denominazione=config["AGENZIA_DENOMINAZIONE"],
            partita_iva=partita_iva.compact(piva),
            codice_fiscale=(config.get("AGENZIA_CODICE_FISCALE") or "").strip().upper() or None,
            regime_fiscale=config.get("AGENZIA_REGIME_FISCALE") or "RF01",
            indirizzo=config["AGENZIA_INDIRIZZO"],
            cap=config["AGENZIA_CAP"],
            comune=config["AGENZIA_COMUNE"],
            provincia=config.get("AGENZIA_PROVINCIA") or None,
            nazione=config.get("AGENZIA_NAZIONE") or "IT",
            iban=(config.get("AGENZIA_IBAN") or "").replace(" ", "").upper() or None,
        )


@dataclass(frozen=True)
class Cliente:
    """The Comune (CessionarioCommittente) and its IPA office (CodiceDestinatario)."""

    denominazione: str
    codice_fiscale: str
    codice_ipa: str
    cap: str
    comune: str
    provincia: str | None
    #: The seat's street and number (Comune.indirizzo).
    indirizzo: str


@dataclass(frozen=True)
class Riga:
    descrizione: str
    quantita: Decimal
    unita: str | None
    prezzo_unitario: Decimal
    importo: Decimal
    aliquota: Decimal
    #: FatturaPA Natura code of a line without VAT ("N4"), and its legal reference.
    natura: str | None = None
    riferimento_normativo: str | None = None


@dataclass(frozen=True)
class Documento:
    """An issued invoice (TD01) or credit note (TD04); TD04 amounts are positive."""

    id: int
    tipo: str
    numero: str
    data: dt.date
    cliente: Cliente
    righe: tuple[Riga, ...]
    #: (rate, Natura code or None) -> (taxable, VAT)
    riepilogo: dict[tuple[Decimal, str | None], tuple[Decimal, Decimal]]
    #: The document's taxable and VAT totals: the snapshot stored when it was issued.
    imponibile: Decimal
    imposta: Decimal
    split_payment: bool
    causale: str
    cig: str | None = None
    cup: str | None = None
    #: The Comune's resolution (determina): number and date, DatiContratto's IdDocumento and
    #: Data; its commitment (impegno) goes in CodiceCommessaConvenzione.
    determina: str | None = None
    determina_data: dt.date | None = None
    impegno: str | None = None
    #: The transmission's progressive (five letters or digits, models/sdi.py): the file name
    #: and ProgressivoInvio; None for a document not yet sent, which has no file.
    progressivo: str | None = None
    #: The invoice a credit note reverses: (number, date).
    collegata: tuple[str, dt.date] | None = None
    #: The stamp duty (bollo virtuale), charged to the Comune; None when not due.
    bollo: Decimal | None = None

    @property
    def totale(self) -> Decimal:
        return self.imponibile + self.imposta + (self.bollo or 0)

    @property
    def da_pagare(self) -> Decimal:
        """Split payment: the Comune pays the agency the taxable only (and the stamp duty)."""
        due = self.imponibile if self.split_payment else self.imponibile + self.imposta
        return due + (self.bollo or 0)

    def riferimento(self, natura: str) -> str | None:
        """The legal reference of the first line of Natura ``natura``."""
        return next((r.riferimento_normativo for r in self.righe
                     if r.natura == natura and r.riferimento_normativo), None)


def sender_id(agenzia: Agenzia) -> str:
    """The first part of every file name: the country and the agency's partita IVA."""
    return f"{agenzia.nazione}{agenzia.partita_iva}"


def file_name(agenzia: Agenzia, doc: Documento) -> str:
    """The SdI file name: IT<partita IVA>_<progressivo>.xml (the transmission's progressive)."""
    if not doc.progressivo:
        raise ValueError("a document gets its file name when it is sent to SDI")
    return f"{sender_id(agenzia)}_{doc.progressivo}.xml"


def _amount(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _sub(parent, tag: str, text=None):
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def _sede(parent, tag, indirizzo, cap, comune, provincia, nazione="IT") -> None:
    sede = _sub(parent, tag)
    _sub(sede, "Indirizzo", latin(indirizzo, 60))
    _sub(sede, "CAP", cap)
    _sub(sede, "Comune", latin(comune, 60))
    if provincia:
        _sub(sede, "Provincia", provincia.upper())
    _sub(sede, "Nazione", nazione)


def _header(root, agenzia: Agenzia, doc: Documento) -> None:
    header = _sub(root, "FatturaElettronicaHeader")
    dt_ = _sub(header, "DatiTrasmissione")
    trasmittente = _sub(dt_, "IdTrasmittente")
    _sub(trasmittente, "IdPaese", agenzia.nazione)
    _sub(trasmittente, "IdCodice", agenzia.codice_fiscale or agenzia.partita_iva)
    _sub(dt_, "ProgressivoInvio", doc.progressivo)
    _sub(dt_, "FormatoTrasmissione", FORMATO)
    _sub(dt_, "CodiceDestinatario", doc.cliente.codice_ipa)

    cedente = _sub(header, "CedentePrestatore")
    anag = _sub(cedente, "DatiAnagrafici")
    id_iva = _sub(anag, "IdFiscaleIVA")
    _sub(id_iva, "IdPaese", agenzia.nazione)
    _sub(id_iva, "IdCodice", agenzia.partita_iva)
    if agenzia.codice_fiscale:
        _sub(anag, "CodiceFiscale", agenzia.codice_fiscale)
    _sub(_sub(anag, "Anagrafica"), "Denominazione", latin(agenzia.denominazione, 80))
    _sub(anag, "RegimeFiscale", agenzia.regime_fiscale)
    _sede(cedente, "Sede", agenzia.indirizzo, agenzia.cap, agenzia.comune, agenzia.provincia,
          agenzia.nazione)

    committente = _sub(header, "CessionarioCommittente")
    anag = _sub(committente, "DatiAnagrafici")
    _sub(anag, "CodiceFiscale", doc.cliente.codice_fiscale)
    _sub(_sub(anag, "Anagrafica"), "Denominazione", latin(doc.cliente.denominazione, 80))
    _sede(committente, "Sede", doc.cliente.indirizzo, doc.cliente.cap, doc.cliente.comune,
          doc.cliente.provincia)


def _correlato(parent, tag, id_documento, data=None, cig=None, cup=None, commessa=None) -> None:
    el = _sub(parent, tag)
    _sub(el, "IdDocumento", latin(id_documento, 20))
    if data:
        _sub(el, "Data", data.isoformat())
    if commessa:
        _sub(el, "CodiceCommessaConvenzione", latin(commessa, 100))
    if cup:
        _sub(el, "CodiceCUP", cup)
    if cig:
        _sub(el, "CodiceCIG", cig)


def _body(root, agenzia: Agenzia, doc: Documento) -> None:
    body = _sub(root, "FatturaElettronicaBody")
    generali = _sub(body, "DatiGenerali")
    gd = _sub(generali, "DatiGeneraliDocumento")
    _sub(gd, "TipoDocumento", doc.tipo)
    _sub(gd, "Divisa", "EUR")
    _sub(gd, "Data", doc.data.isoformat())
    _sub(gd, "Numero", latin(doc.numero, 20))
    if doc.bollo:
        bollo = _sub(gd, "DatiBollo")
        _sub(bollo, "BolloVirtuale", "SI")
        _sub(bollo, "ImportoBollo", _amount(doc.bollo))
    _sub(gd, "ImportoTotaleDocumento", _amount(doc.totale))
    _sub(gd, "Causale", latin(doc.causale, 200))
    if doc.determina:
        _correlato(generali, "DatiContratto", doc.determina, doc.determina_data, cig=doc.cig,
                   cup=doc.cup, commessa=doc.impegno)
    if doc.collegata:
        _correlato(generali, "DatiFattureCollegate", doc.collegata[0], doc.collegata[1])

    beni = _sub(body, "DatiBeniServizi")
    for n, r in enumerate(doc.righe, start=1):
        linea = _sub(beni, "DettaglioLinee")
        _sub(linea, "NumeroLinea", n)
        _sub(linea, "Descrizione", latin(r.descrizione, 1000))
        _sub(linea, "Quantita", f"{Decimal(r.quantita):.2f}")
        if r.unita and len(r.unita) <= 10:  # never a truncated unit ("attivazion")
            _sub(linea, "UnitaMisura", latin(r.unita, 10))
        _sub(linea, "PrezzoUnitario", _amount(r.prezzo_unitario))
        _sub(linea, "PrezzoTotale", _amount(r.importo))
        _sub(linea, "AliquotaIVA", _amount(r.aliquota))
        if r.natura:
            _sub(linea, "Natura", r.natura)
    for (rate, natura), (taxable, vat) in doc.riepilogo.items():
        riepilogo = _sub(beni, "DatiRiepilogo")
        _sub(riepilogo, "AliquotaIVA", _amount(rate))
        if natura:
            _sub(riepilogo, "Natura", natura)
        _sub(riepilogo, "ImponibileImporto", _amount(taxable))
        _sub(riepilogo, "Imposta", _amount(vat))
        if natura:
            # No VAT, so no "esigibilita"; the summary says which law leaves it out.
            reference = doc.riferimento(natura)
            if reference:
                _sub(riepilogo, "RiferimentoNormativo", latin(reference, 100))
            continue
        _sub(riepilogo, "EsigibilitaIVA", "S" if doc.split_payment else "I")
        if doc.split_payment:
            _sub(riepilogo, "RiferimentoNormativo", "Scissione dei pagamenti art. 17-ter DPR 633/72")

    if doc.tipo == "TD01":
        pagamento = _sub(body, "DatiPagamento")
        _sub(pagamento, "CondizioniPagamento", CONDIZIONI_PAGAMENTO)
        dettaglio = _sub(pagamento, "DettaglioPagamento")
        _sub(dettaglio, "Beneficiario", latin(agenzia.denominazione, 200))
        _sub(dettaglio, "ModalitaPagamento", MODALITA_PAGAMENTO)
        _sub(dettaglio, "ImportoPagamento", _amount(doc.da_pagare))
        _sub(dettaglio, "IBAN", agenzia.iban)


def check_document(agenzia: Agenzia, doc: Documento) -> None:
    """What an office would stop the file for, refused before it is written (issue 15)."""
    if not doc.progressivo:
        raise ValueError("a document gets its file when it is sent to SDI (its progressive)")
    if doc.tipo == "TD01" and not agenzia.iban:
        raise ValueError("AGENZIA_IBAN is not set: payment by bank transfer (MP05) needs it")
    if (doc.cig or doc.cup) and not doc.determina:
        raise ValueError("CIG or CUP without the Comune's resolution (determina) to refer them to")


def build_xml(agenzia: Agenzia, doc: Documento) -> bytes:
    """The FPA12 XML of one issued document (UTF-8, with the XML declaration)."""
    check_document(agenzia, doc)
    root = ET.Element(f"{{{NAMESPACE}}}FatturaElettronica", {"versione": FORMATO})
    _header(root, agenzia, doc)
    _body(root, agenzia, doc)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def zip_files(files) -> bytes:
    """A zip of (file name, bytes) pairs: the files as they were sent to SDI."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return buffer.getvalue()


def _numero(f) -> str:
    return f"{f.numero}/{f.anno}"


def documento_from(f, progressivo: str | None = None) -> Documento:
    """The data of an issued ``Fattura`` (lines, Comune and programme loaded) for the builder.

    The document's totals are the ones stored when it was issued (DOMAIN.md: an issued invoice
    never changes), not recomputed; the summary per VAT rate comes from its lines, which are
    as immutable, by the rule of models/money.py that computed those totals.
    """
    if f.numero is None or f.data is None or f.imponibile is None or f.iva is None:
        raise ValueError("only an issued invoice has a FatturaPA file")
    c = f.comune
    cliente = Cliente(denominazione=f"Comune di {c.nome}", codice_fiscale=c.codice_fiscale or "",
                      codice_ipa=c.codice_ipa or "", cap=c.cap or "", comune=c.nome, provincia=c.provincia,
                      indirizzo=c.indirizzo or "")
    righe = tuple(
        Riga(descrizione=r.descrizione, quantita=r.quantita,
             unita=r.voce_listino.unita if r.voce_listino else None,
             prezzo_unitario=r.prezzo_unitario, importo=r.importo, aliquota=r.aliquota_iva,
             natura=r.natura.codice if r.natura else None, riferimento_normativo=r.riferimento_normativo)
        for r in f.righe
    )
    riepilogo = {(rate, natura.codice if natura else None): figures
                 for (rate, natura), figures in summary_by_nature(f.righe).items()}
    periodo = f"dal {f.periodo_dal:%d/%m/%Y} al {f.periodo_al:%d/%m/%Y}"
    collegata = None
    if f.tipo_documento.name == "TD04":
        orig = f.fattura_stornata
        collegata = (_numero(orig), orig.data)
        causale = f"Nota di credito a storno totale della fattura n. {_numero(orig)} del {orig.data:%d/%m/%Y}"
    else:
        causale = f"Servizi di politica attiva del lavoro - {f.programma.nome} - {periodo}"
    if f.split_payment:
        causale += " - Scissione dei pagamenti art. 17-ter DPR 633/72"
    return Documento(
        id=f.id, tipo=f.tipo_documento.name, numero=_numero(f), data=f.data, cliente=cliente,
        righe=righe, riepilogo=riepilogo, imponibile=f.imponibile, imposta=f.iva, bollo=f.bollo,
        split_payment=bool(f.split_payment),
        causale=causale, cig=f.cig, cup=f.cup, determina=f.determina_numero,
        determina_data=f.determina_data, impegno=f.impegno, collegata=collegata, progressivo=progressivo,
    )
