"""The documents of a path (issue 15, item 1): which exist, their file names, and how each is
assembled from the models' read (models/queries/documenti.py) and the builders (this package's
DOCX and PDF, registro_pdf.py's register). Used by the case page (views/documenti.py) and by
``flask export documenti`` alike."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from dataclasses import dataclass

import jinja2
from flask_babel import gettext
from sqlalchemy.orm import Session

from models import Percorso, Postazione, TipoDocumentoPercorso
from models.errors import DomainError
from models.indennita import fogli_ore, selection
from models.queries.documenti import document_context, project_title
from models.tipologie import needs_position

from ..registro import Promotore
from ..registro_pdf import build_registro_pdf
from . import docx_to_pdf, render_docx, template_path

T = TipoDocumentoPercorso
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass(frozen=True)
class Spec:
    """A document: its template (None: built in code), its formats, collected signatures."""

    template: str | None
    formats: tuple[str, ...]
    signed: bool


#: The documents of a path, in the order the case page and the command line list them.
DOCUMENTS: dict[TipoDocumentoPercorso, Spec] = {
    T.CONVENZIONE: Spec("convenzione", ("pdf", "docx"), True),
    T.PROGETTO_FORMATIVO: Spec("progetto_formativo", ("pdf", "docx"), True),
    T.REGISTRO_PRESENZE: Spec(None, ("pdf",), True),
    T.RELAZIONE_FINALE: Spec("relazione_finale", ("pdf", "docx"), True),
    T.SCHEDA_PERCORSO: Spec("scheda_percorso", ("pdf", "docx"), False),
}


def slug(text: str) -> str:
    """``text`` as a file name part: ASCII letters and digits, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "x"


def file_name(p: Percorso, tipo: TipoDocumentoPercorso, fmt: str, post: Postazione | None = None) -> str:
    """Which document and whose: ``progetto-formativo_Rossi-Mario_percorso-12.pdf``; the
    agreement names its host too."""
    parts = [tipo.slug, slug(f"{p.persona.cognome} {p.persona.nome}")]
    host = (p.postazione or post).ente if (p.postazione or post) is not None else None
    if tipo == T.CONVENZIONE and host is not None:
        parts.insert(1, slug(host.ragione_sociale))
    return "_".join([*parts, f"percorso-{p.id}"]) + f".{fmt}"


def unavailable(p: Percorso, tipo: TipoDocumentoPercorso, post: Postazione | None = None) -> str | None:
    """Why ``tipo`` cannot be produced for ``p`` now, or None."""
    if tipo == T.CONVENZIONE and not needs_position(p.tipologia):
        return gettext("A path of this type has no host, hence no agreement.")
    if tipo == T.CONVENZIONE and p.postazione is None and post is None:
        return gettext("Choose a position: the agreement is with its host.")
    if tipo == T.REGISTRO_PRESENZE and (p.data_avvio is None or not needs_position(p.tipologia)):
        return gettext("The register exists once the path has started at a position.")
    return None


def agency(config) -> dict[str, str]:
    """The promoter's placeholders (``agenzia.*``), from the AGENZIA_* settings."""
    promotore = Promotore.from_config(config)
    return {"denominazione": promotore.denominazione, "codice_fiscale": promotore.codice_fiscale,
            "partita_iva": config.get("AGENZIA_PARTITA_IVA", ""), "indirizzo": promotore.indirizzo}


def _months(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _register(session: Session, p: Percorso, config, today: dt.date) -> bytes:
    """The attendance register of every month of the path up to its end or today, a page a
    month (registro_pdf.py, issue 12)."""
    end = min(p.data_fine or today, today)
    sheets = itertools.chain.from_iterable(
        fogli_ore(session, y, m, selection(y, m, ids=[p.id])) for y, m in _months(p.data_avvio, end))
    data, pages = build_registro_pdf(sheets, Promotore.from_config(config))
    if not pages:
        raise DomainError(gettext("The path has no month to print in the register yet."))
    return data


def build_document(session: Session, p: Percorso, tipo: TipoDocumentoPercorso, fmt: str, config,
                   today: dt.date, post: Postazione | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of document ``tipo`` of ``p`` in ``fmt``; DomainError when it cannot
    be produced (the reason, or the agency template's mistake)."""
    spec = DOCUMENTS[tipo]
    reason = unavailable(p, tipo, post)
    if reason:
        raise DomainError(reason)
    if spec.template is None:
        return file_name(p, tipo, fmt), _register(session, p, config, today)
    template = template_path(spec.template, config.get("DOCUMENTI_MODELLI_DIR"))
    try:
        data = render_docx(template, document_context(session, p, agency(config), today, post))
    except jinja2.TemplateError as exc:
        raise DomainError(gettext(
            "The template %(file)s has a placeholder that cannot be filled (%(error)s): correct it "
            "in Word, or remove it from the templates folder to use the default.",
            file=template.name, error=str(exc))) from None
    if fmt == "pdf":
        title = project_title(p.tipologia) if tipo == T.PROGETTO_FORMATIVO else tipo.label
        data = docx_to_pdf(data, title)
    return file_name(p, tipo, fmt, post), data
