"""The documents of a path (issue 15, item 1): a DOCX template with placeholders in, bytes out.

``render_docx`` fills a template (the agency's own copy in ``DOCUMENTI_MODELLI_DIR`` when it
has one, else the default of ``modelli/``) with docxtpl; ``docx_to_pdf`` lays the filled
document out as an A4 PDF with ReportLab (headings, paragraphs, bold and italic, tables), so
the copy to sign follows the agency's template too, without LibreOffice. The attendance
register is not here: it is registro_pdf.py's. Pure builders: no request, no database.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl import DocxTemplate, Listing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..registro_pdf import pdf_text

#: The templates shipped with the console (python -m views.exports.documenti.crea_modelli).
DEFAULT_DIR = Path(__file__).parent / "modelli"


def template_path(name: str, custom_dir: str | Path | None = None) -> Path:
    """The template ``<name>.docx``: the agency's copy when its folder has one, else ours."""
    if custom_dir:
        own = Path(custom_dir) / f"{name}.docx"
        if own.is_file():
            return own
    return DEFAULT_DIR / f"{name}.docx"


def _listings(value):
    """Multi-line texts keep their line breaks in Word (docxtpl's Listing); the rest as is."""
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, Mapping):
        return {k: _listings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_listings(v) for v in value]
    return value


def render_docx(template: Path, context: Mapping) -> bytes:
    """``template`` filled with ``context``; text is escaped (a name with "&" or "<" stays text)."""
    doc = DocxTemplate(str(template))
    doc.render(_listings(dict(context)), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- DOCX -> PDF -----------------------------------------------------------------------------

_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_STYLES["Normal"], fontName="Helvetica", fontSize=10, leading=13,
                      spaceAfter=4)
CELL = ParagraphStyle("cell", parent=BODY, spaceAfter=0)
HEADINGS = {
    "Title": ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=17, leading=21,
                            spaceBefore=6, spaceAfter=6),
    "Heading 1": ParagraphStyle("h1", parent=BODY, fontName="Helvetica-Bold", fontSize=13, leading=16,
                                spaceBefore=8, spaceAfter=4),
    "Heading 2": ParagraphStyle("h2", parent=BODY, fontName="Helvetica-Bold", fontSize=11, leading=14,
                                spaceBefore=8, spaceAfter=3),
    "Heading 3": ParagraphStyle("h3", parent=BODY, fontName="Helvetica-Bold", fontSize=10, leading=13,
                                spaceBefore=6, spaceAfter=2),
}
_ALIGN = {WD_ALIGN_PARAGRAPH.CENTER: TA_CENTER, WD_ALIGN_PARAGRAPH.RIGHT: TA_RIGHT}


def _markup(paragraph: DocxParagraph) -> str:
    """A Word paragraph's runs as ReportLab markup: text escaped, bold, italic, line breaks."""
    parts = []
    for run in paragraph.runs:
        text = escape(pdf_text(run.text)).replace("\n", "<br/>").replace("\t", " ")
        if not text:
            continue
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        parts.append(text)
    return "".join(parts)


class _Layout:
    """One document's styles: Word style id -> name, read once (python-docx looks a
    paragraph's style up in the styles part on every call), and the aligned variants."""

    def __init__(self, doc):
        self.names = {st.style_id: st.name for st in doc.styles}
        self.aligned: dict[tuple[str, int], ParagraphStyle] = {}

    def style(self, paragraph: DocxParagraph, base: ParagraphStyle) -> ParagraphStyle:
        style = HEADINGS.get(self.names.get(paragraph._p.style, ""), base)
        align = _ALIGN.get(paragraph.alignment)
        if align is None:
            return style
        key = (style.name, align)
        if key not in self.aligned:
            self.aligned[key] = ParagraphStyle(f"{style.name}-{align}", parent=style, alignment=align)
        return self.aligned[key]

    def paragraph(self, paragraph: DocxParagraph, base: ParagraphStyle = BODY) -> Paragraph | Spacer:
        style = self.style(paragraph, base)
        text = _markup(paragraph)
        return Paragraph(text, style) if text else Spacer(1, style.leading / 2)

    def table(self, table: DocxTable, width: float) -> Table:
        rows = [[[self.paragraph(p, CELL) for p in cell.paragraphs] for cell in row.cells]
                for row in table.rows]
        ncols = max((len(r) for r in rows), default=1)
        rows = [r + [""] * (ncols - len(r)) for r in rows]
        # Label and value; the diary's date, kind, description, author; else even columns.
        shares = {2: (0.32, 0.68), 4: (0.14, 0.2, 0.46, 0.2)}.get(ncols, (1 / ncols,) * ncols)
        widths = [width * share for share in shares]
        style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if "Grid" in self.names.get(table._tbl.tblStyle_val or "", ""):
            style.append(("GRID", (0, 0), (-1, -1), 0.4, colors.grey))
        return Table(rows, colWidths=widths, style=TableStyle(style), hAlign="LEFT")


def docx_to_pdf(data: bytes, title: str = "") -> bytes:
    """A filled DOCX as an A4 PDF: its paragraphs and tables in order, page numbers below."""
    doc = Document(io.BytesIO(data))
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, title=pdf_text(title))
    width = A4[0] - 40 * mm
    layout, story = _Layout(doc), []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            story.append(layout.paragraph(DocxParagraph(child, doc)))
        elif tag == "tbl":
            story.extend((layout.table(DocxTable(child, doc), width), Spacer(1, 4)))

    def _page(canvas, document):
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, str(document.page))

    pdf.build(story, onFirstPage=_page, onLaterPages=_page)
    return out.getvalue()
