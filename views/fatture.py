"""Fatturazione: invoices with their lines, generation, issue, credit notes, payments, FatturaPA."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from models import Addebito, Fattura, Pagamento, Percorso, RigaFattura, clock, dates, db
from models.base import StatoFattura, euro
from models.errors import DomainError
from models.operations import fatture as ops
from models.operations import sdi as sdi_ops
from models.queries.home import overdue
from models.sdi import StatoSdi, TrasmissioneSdi
from models.sdi_messaggi import MAX_BYTES, parse_message
from models.validation import parse_decimal, parse_id

from .base import ConsoleInline, RoleModelView, link_action
from .converters import cig_cup_args
from .exports import fattura_pdf, fatturapa
from .filters import ConditionFilter
from .scoping import user_roles

LABELS = {
    "numero": _l("Number"),
    "anno": _l("Year"),
    "tipo_documento": _l("Document"),
    "comune": _l("Comune"),
    "comune.nome": _l("Comune"),
    "programma": _l("Programme"),
    "programma.nome": _l("Programme"),
    "data": _l("Date"),
    "periodo_dal": _l("Period from"),
    "periodo_al": _l("Period to"),
    "stato": _l("State"),
    "split_payment": _l("Split payment"),
    "cig": _l("CIG"),
    "cup": _l("CUP"),
    "imponibile": _l("Taxable"),
    "iva": _l("VAT"),
    "totale": _l("Total"),
    "righe": _l("Lines"),
    "fattura": _l("Invoice"),
    "importo": _l("Amount"),
    "riferimento": _l("Reference"),
    "descrizione": _l("Description"),
    "quantita": _l("Quantity"),
    "prezzo_unitario": _l("Unit price"),
    "aliquota_iva": _l("VAT rate (%)"),
    "fattura_stornata": _l("Reverses"),
    "pagamenti": _l("Payments"),
    "fattura.comune": _l("Comune"),
    "natura": _l("VAT nature (no VAT)"),
    "riferimento_normativo": _l("Legal reference"),
    "bollo": _l("Stamp duty"),
    "determina_numero": _l("Resolution (determina) no."),
    "determina_data": _l("Resolution date"),
    "impegno": _l("Commitment (impegno)"),
    "stato_sdi": _l("SDI"),
}
ZIP = "application/zip"
#: At most this many receipt files in one upload, each at most this large (a receipt is a few kB).
MAX_RECEIPTS = 50
MAX_RECEIPT_BYTES = MAX_BYTES


def may_manage() -> bool:
    """Accountants generate, issue, credit and record payments (DOMAIN.md, roles)."""
    return "amministrazione" in user_roles()


def agenzia() -> fatturapa.Agenzia:
    return fatturapa.Agenzia.from_config(current_app.config)


def _date(name: str, default: dt.date | None = None) -> dt.date:
    """A date typed the Italian way (models/dates.py); ``default`` when left blank."""
    day = dates.parse_date(request.values.get(name, ""), field=name)
    if day is None:
        if default is not None:
            return default
        raise DomainError(gettext("Please enter the date (dd/mm/yyyy)."), name)
    return day


def _amount(text: str) -> Decimal:
    """An amount typed the Italian way (1.234,50 or 1234,50; 1234.50 too)."""
    value = parse_decimal(text, places=2, digits=12, field="importo")
    if value is None:
        raise DomainError(gettext("Please enter the amount, e.g. 1.234,50."))
    return value


def quantity(value) -> str:
    """A quantity as the reader writes it: 37,5 and 3 rather than 37,50 and 3,00."""
    return format_decimal(value, format="#,##0.##") if value is not None else ""


def amount_input(value) -> str:
    """An amount to prefill a field: 1234,50 in Italian (no grouping, which reads as decimals)."""
    return format_decimal(value, format="0.00")


def _last_month() -> tuple[dt.date, dt.date]:
    first = clock.today().replace(day=1)
    end = first - dt.timedelta(days=1)
    return end.replace(day=1), end


def _iban() -> str | None:
    return current_app.config.get("AGENZIA_IBAN") or None


def _zip_response(files, name: str) -> Response:
    data = fatturapa.zip_files(files)
    return Response(data, mimetype=ZIP, headers={"Content-Disposition": f"attachment; filename={name}"})


def last_transmissions(ids) -> dict[int, TrasmissioneSdi]:
    """invoice id -> its last transmission to SDI, for the given invoices (one query)."""
    rows = db.session.scalars(
        select(TrasmissioneSdi).where(TrasmissioneSdi.fattura_id.in_(list(ids)))
        .order_by(TrasmissioneSdi.id)
    ).all()
    return {t.fattura_id: t for t in rows}


def _sent_files(docs) -> list[tuple[str, bytes]]:
    """The file each document was last sent to SDI as; documents never sent are named in a
    message, not given a file of their own (a file exists only as a transmission)."""
    last = last_transmissions(f.id for f in docs)
    missing = [str(f) for f in docs if f.id not in last]
    if missing:
        flash(gettext("Not yet sent to SDI, so without a file: %(invoices)s.",
                      invoices=", ".join(missing)), "warning")
    return [(last[f.id].nome_file_xml, last[f.id].xml) for f in docs if f.id in last]


def send_to_sdi(f: Fattura) -> TrasmissioneSdi:
    """Record a transmission of ``f`` under a new file name, with its XML (models/operations/sdi.py)."""
    a = agenzia()
    return sdi_ops.send_invoice(
        db.session, f, clock.now(), fatturapa.sender_id(a), a.iban,
        render=lambda code: fatturapa.build_xml(a, fatturapa.documento_from(f, code)),
        author=getattr(current_user, "email", None))


class RigaFatturaInline(ConsoleInline):
    form_columns = ("id", "descrizione", "quantita", "prezzo_unitario", "aliquota_iva", "natura",
                    "riferimento_normativo")
    item_label, new_label, add_label = _l("Line"), _l("New line"), _l("Add a line")
    column_labels = LABELS


def _number(view, context, model, name):
    """The invoice's number (a draft has none yet), linking to its page."""
    text = str(model.numero) if model.numero else gettext("draft")
    return Markup('<a href="{}" class="invoice-page">{}</a>').format(
        url_for(".invoice_view", id=model.id), text)


def _total(index: int):
    """Taxable, VAT or total: the issued invoice's snapshot, a draft's from its lines."""

    def formatter(view, context, model, name):
        return euro(ops.invoice_totals(model)[index])

    return formatter


def _sdi_state(view, context, model, name):
    """Where the invoice stands with SDI: its last file's state; an issued one not yet sent says so."""
    last = model.ultima_trasmissione
    if last is not None:
        return last.stato.label
    return gettext("not sent") if model.stato in ops.NUMBERED else ""


class SdiStateFilter(BaseSQLAFilter):
    """Invoices by the state of their last file sent to SDI, or issued and never sent."""

    NOT_SENT = "NON_INVIATA"

    def __init__(self):
        super().__init__(Fattura.id, _l("SDI"),
                         options=lambda: [(self.NOT_SENT, gettext("not sent"))]
                         + [(s.name, s.label) for s in StatoSdi])

    def apply(self, query, value, alias=None):
        last = (select(func.max(TrasmissioneSdi.id)).where(TrasmissioneSdi.fattura_id == Fattura.id)
                .correlate(Fattura).scalar_subquery())
        if value == self.NOT_SENT:
            return query.filter(Fattura.stato.in_(ops.NUMBERED), last.is_(None))
        state = (select(TrasmissioneSdi.stato).where(TrasmissioneSdi.id == last)
                 .correlate(Fattura).scalar_subquery())
        return query.filter(state == StatoSdi[value])

    def validate(self, value):
        return value == self.NOT_SENT or value in StatoSdi.__members__

    def operation(self):
        return gettext("is")


#: Issued invoices unpaid past their term (the home page's count).
OVERDUE = ConditionFilter(Fattura.id, _l("Unpaid past due"), lambda: overdue(clock.today()))


class FatturaView(RoleModelView):
    permissions = {"amministrazione": "rced", "pal": "r", "admin": "r"}
    list_template = "admin/fattura_list.html"
    list_loads = (joinedload(Fattura.comune), joinedload(Fattura.programma), selectinload(Fattura.righe),
                  selectinload(Fattura.trasmissioni))
    column_list = (
        "anno",
        "numero",
        "tipo_documento",
        "comune",
        "programma",
        "data",
        "periodo_dal",
        "periodo_al",
        "stato",
        "stato_sdi",
        "imponibile",
        "iva",
        "totale",
    )
    column_formatters = {"numero": _number, "imponibile": _total(0), "iva": _total(1), "totale": _total(2),
                         "stato_sdi": _sdi_state}
    column_formatters_export = {"numero": lambda v, c, m, n: str(m.numero or ""),
                                "imponibile": _total(0), "iva": _total(1), "totale": _total(2),
                                "stato_sdi": _sdi_state}
    column_details_list = (
        "tipo_documento", "anno", "numero", "stato", "comune", "programma", "data", "periodo_dal",
        "periodo_al", "split_payment", "cig", "cup", "determina_numero", "determina_data", "impegno",
        "imponibile", "iva", "totale", "fattura_stornata",
    )
    column_default_sort = [("anno", True), ("numero", True), ("id", True)]
    column_sortable_list = ("anno", "numero", ("comune", "comune.nome"), "data", "periodo_dal", "stato", "imponibile")
    column_searchable_list = ("comune.nome", "cig", "cup")
    column_filters = ("stato", SdiStateFilter(), "tipo_documento", "anno", "comune.nome", "programma.nome",
                      "data", "periodo_dal", OVERDUE)
    # Font Awesome 4.7 (the set the theme loads): fa-file-invoice is 5.x only, an empty link.
    column_extra_row_actions = [
        link_action("fa fa-file-text-o", ".invoice_view", _l("Invoice page")),
        link_action("fa fa-file-pdf-o", ".pdf_view", _l("Courtesy copy (PDF)"),
                    when=lambda row: row.stato in ops.NUMBERED),
    ]
    form_columns = ("comune", "programma", "periodo_dal", "periodo_al", "split_payment", "cig", "cup",
                    "determina_numero", "determina_data", "impegno")
    form_args = cig_cup_args()
    inline_models = (RigaFatturaInline(RigaFattura),)
    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    column_labels = LABELS

    def row_editable(self, row) -> bool:
        return row.stato == StatoFattura.BOZZA

    row_deletable = row_editable

    def check_model(self, model, is_created):
        """An issued invoice is never edited: a credit note corrects it."""
        if not is_created:
            ops.require_draft(model)

    def on_model_delete(self, model):
        # A deleted draft gives its charges back, so that they can be invoiced again.
        ops.release_draft(db.session, model)
        super().on_model_delete(model)

    @property
    def can_manage(self) -> bool:
        return may_manage()

    def is_action_allowed(self, name):
        if name in ("issue", "credit", "send"):
            return may_manage()
        return super().is_action_allowed(name)

    def get_invoice(self, id) -> Fattura:
        f = self.get_one(id)
        if f is None:
            abort(404)
        return f

    def _selected(self, ids) -> list[Fattura]:
        """The selected rows through the scoped query; ids arrive as strings, and PostgreSQL
        refuses to compare an integer key with get_query_for_ids' VARCHAR parameters."""
        keys = [k for k in map(parse_id, ids) if k is not None]
        return self.get_query().filter(Fattura.id.in_(keys)).order_by(Fattura.id).all()

    # -- transitions: one transaction per invoice, so a refusal never leaves a gap ----------
    def _each(self, ids, operation, done_message) -> None:
        if not may_manage():
            abort(403)
        rows = self._selected(ids)
        done = 0
        for fid in [f.id for f in rows]:
            f = db.session.get(Fattura, fid)
            try:
                operation(f)
                db.session.commit()
                done += 1
            except DomainError as exc:
                db.session.rollback()
                flash(gettext("%(invoice)s: %(reason)s", invoice=str(f), reason=exc.message), "error")
        if done:
            flash(done_message(done), "success")

    @action("issue", _l("Issue (today)"),
            _l("Issue the selected drafts with today's date? Issued invoices can no longer be changed."))
    def action_issue(self, ids):
        today = clock.today()
        self._each(ids, lambda f: ops.issue_invoice(db.session, f, today, iban=_iban()),
                   lambda n: ngettext("%(num)s invoice issued.", "%(num)s invoices issued.", n))

    @action("credit", _l("Credit note (today)"),
            _l("Issue a credit note reversing each selected invoice? Its charges can then be invoiced again."))
    def action_credit(self, ids):
        today = clock.today()
        self._each(ids, lambda f: ops.credit_invoice(db.session, f, today),
                   lambda n: ngettext("%(num)s credit note issued.", "%(num)s credit notes issued.", n))

    @action("send", _l("Send to SDI (new files, zip)"),
            _l("Record the selected issued invoices as sent to SDI, each under a new file name, "
               "and download the files to upload? A file already with SDI is not sent again."))
    def action_send(self, ids):
        sent: list[TrasmissioneSdi] = []

        def send(f):
            sent.append(send_to_sdi(f))

        self._each(ids, send, lambda n: ngettext(
            "%(num)s file recorded as sent to SDI: upload the zip's files.",
            "%(num)s files recorded as sent to SDI: upload the zip's files.", n))
        if not sent:
            return None
        files = [(t.nome_file_xml, t.xml) for t in
                 db.session.scalars(select(TrasmissioneSdi).where(TrasmissioneSdi.id.in_([t.id for t in sent]))
                                    .order_by(TrasmissioneSdi.id))]
        return _zip_response(files, "fatturapa_sdi.zip")

    @action("fatturapa", _l("FatturaPA XML as sent (zip)"))
    def action_fatturapa(self, ids):
        docs = [f for f in self._selected(ids) if f.stato in ops.NUMBERED]
        if not docs:
            flash(gettext("Only issued invoices have a FatturaPA file."), "error")
            return None
        files = _sent_files(docs)
        if not files:
            return None
        return _zip_response(files, "fatturapa.zip")

    # -- pages ----------------------------------------------------------------------------
    @expose("/generate/", methods=("GET", "POST"))
    def generate_view(self):
        """Period form, then a preview of the drafts, then generation on confirmation."""
        if not may_manage():
            abort(403)
        default_dal, default_al = _last_month()
        plan, dal, al = None, default_dal, default_al
        try:
            dal, al = _date("dal", default_dal), _date("al", default_al)
            if request.method == "POST":
                if request.form.get("confirm") == "1":
                    made = ops.generate_invoices(db.session, dal, al)
                    db.session.commit()
                    flash(ngettext("%(num)s draft invoice generated.", "%(num)s draft invoices generated.", len(made)), "success")
                    return redirect(url_for(".index_view"))
                plan = ops.require_something_to_invoice(ops.plan_invoices(db.session, dal, al), dal, al)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            plan = None
        return self.render("admin/fattura_generate.html", plan=plan, dal=dal, al=al)

    @expose("/invoice/<int:id>/")
    def invoice_view(self, id):
        f = self.get_invoice(id)
        righe = db.session.scalars(
            select(RigaFattura).where(RigaFattura.fattura_id == f.id).order_by(RigaFattura.id)
        ).all()
        charges = db.session.scalars(
            select(Addebito).where(Addebito.riga_fattura_id.in_([r.id for r in righe]))
            .options(selectinload(Addebito.percorso).selectinload(Percorso.persona),
                     selectinload(Addebito.percorso).selectinload(Percorso.comune))
            .order_by(Addebito.percorso_id, Addebito.data)
        ).all()
        # line -> path -> its charges: which paths make each line (DOMAIN.md, "Fattura")
        detail: dict[int, dict] = defaultdict(lambda: defaultdict(list))
        for a in charges:
            detail[a.riga_fattura_id][a.percorso].append(a)
        summary = ops.summary_by_nature(righe)
        taxable, vat = ops.totals(righe)
        bollo = f.bollo if f.imponibile is not None else (ops.bollo(righe) or None)
        notes = db.session.scalars(select(Fattura).where(Fattura.fattura_stornata_id == f.id)).all()
        sent = sdi_ops.transmissions(db.session, f)
        last = sent[-1] if sent else None
        issued = f.stato in ops.NUMBERED
        open_to_sdi = issued and (last is None or last.stato == StatoSdi.SCARTATA)
        return self.render(
            "admin/fattura_detail.html", f=f, righe=righe, detail=detail, summary=summary,
            taxable=f.imponibile if f.imponibile is not None else taxable,
            vat=f.iva if f.iva is not None else vat, bollo=bollo,
            due=ops.amount_due(f), paid=ops.amount_paid(db.session, f), notes=notes,
            manage=may_manage(), issued=issued, today=dates.fmt(clock.today()),
            S=StatoFattura, labels=LABELS, q=quantity, amount_input=amount_input,
            sent=sent, sendable=open_to_sdi,
            correctable=open_to_sdi and f.tipo_documento.name == "TD01" and f.stato != StatoFattura.STORNATA,
        )

    @expose("/invoice/<int:id>/<step>/", methods=("POST",))
    def invoice_step(self, id, step):
        if step not in ("issue", "credit", "payment", "send", "correct"):
            abort(404)
        if not may_manage():
            abort(403)
        f = self.get_invoice(id)
        target = id
        try:
            if step == "issue":
                ops.issue_invoice(db.session, f, _date("data"), iban=_iban())
                message = gettext("Invoice %(invoice)s issued.", invoice=str(f))
            elif step == "send":
                t = send_to_sdi(f)
                message = gettext("Recorded as sent to SDI as %(file)s: download the file and upload it "
                                  "to SDI.", file=t.nome_file_xml)
            elif step == "correct":
                form = request.form
                sdi_ops.correct_contract_data(
                    db.session, f, cig=form.get("cig"), cup=form.get("cup"),
                    determina_numero=form.get("determina_numero"),
                    determina_data=dates.parse_date(form.get("determina_data", ""), field="determina_data"),
                    impegno=form.get("impegno"))
                message = gettext("Contract data corrected: send the invoice to SDI again.")
            elif step == "credit":
                nota = ops.credit_invoice(db.session, f, _date("data"))
                target = nota.id
                message = gettext("Credit note %(note)s issued: the charges can be invoiced again.",
                                  note=str(nota))
            else:
                ops.record_payment(db.session, f, _date("data"), _amount(request.form.get("importo", "")),
                                   request.form.get("riferimento", "").strip()[:100])
                message = gettext("Payment recorded.")
            db.session.commit()
            flash(message, "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        return redirect(url_for(".invoice_view", id=target))

    @expose("/invoice/<int:id>/fatturapa.xml")
    def fatturapa_view(self, id):
        """The file the invoice was last sent to SDI as."""
        f = self.get_invoice(id)
        last = sdi_ops.last_transmission(db.session, f)
        if last is None:
            flash(gettext("The invoice has not been sent to SDI yet: its file is made when it is sent."),
                  "error")
            return redirect(url_for(".invoice_view", id=id))
        return self._xml_file(last)

    @expose("/invoice/<int:id>/sdi/<int:tid>.xml")
    def transmission_view(self, id, tid):
        """One file of the invoice's transmission history, exactly as it was sent."""
        f = self.get_invoice(id)  # the invoice's own scope decides who may read its files
        t = db.session.get(TrasmissioneSdi, tid)
        if t is None or t.fattura_id != f.id:
            abort(404)
        return self._xml_file(t)

    @staticmethod
    def _xml_file(t: TrasmissioneSdi) -> Response:
        return Response(t.xml, mimetype="application/xml", headers={
            "Content-Disposition": f"attachment; filename={t.nome_file_xml}"})

    @expose("/invoice/<int:id>/cortesia.pdf")
    def pdf_view(self, id):
        """The courtesy copy: a readable PDF of the invoice for the Comune's office."""
        f = self.get_invoice(id)
        if f.stato not in ops.NUMBERED:
            flash(gettext("Only an issued invoice has a courtesy copy."), "error")
            return redirect(url_for(".invoice_view", id=id))
        last = sdi_ops.last_transmission(db.session, f)
        data = fattura_pdf.build_pdf(agenzia(), fattura_pdf.copia_from(f, last.nome_file_xml if last else None))
        name = f"fattura_{f.numero}_{f.anno}.pdf"
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    @expose("/notifiche/", methods=("GET", "POST"))
    def notifications_view(self):
        """SDI's receipt files uploaded by an accountant, each recorded against its transmission
        as ``flask fatture notifiche`` does; a file read twice changes nothing."""
        if not may_manage():
            abort(403)
        results = []
        if request.method == "POST":
            uploads = [u for u in request.files.getlist("files") if u and u.filename][:MAX_RECEIPTS]
            if not uploads:
                flash(gettext("Choose one or more SDI receipt files (.xml)."), "error")
            for upload in uploads:
                results.append((upload.filename, *self._record_receipt(upload)))
        return self.render("admin/fattura_notifiche.html", results=results, max_files=MAX_RECEIPTS)

    @staticmethod
    def _record_receipt(upload) -> tuple[bool, str, int | None]:
        """(recorded, what happened, the invoice's id) for one uploaded receipt; its own transaction."""
        try:
            message = parse_message(upload.read(MAX_RECEIPT_BYTES + 1))
            outcome = sdi_ops.record_notification(db.session, message, clock.now(),
                                                  file_name=upload.filename)
            t = outcome.trasmissione
            text = (gettext("%(kind)s for %(sent)s (invoice %(invoice)s): now %(state)s",
                            kind=message.tipo.label, sent=t.nome_file, invoice=str(t.fattura),
                            state=t.stato.label)
                    if outcome.recorded else gettext("already recorded, nothing changed"))
            fid = t.fattura_id
            db.session.commit()
            return True, text, fid
        except DomainError as exc:
            db.session.rollback()
            return False, exc.message, None

    @expose("/fatturapa/")
    def fatturapa_period_view(self):
        """The FatturaPA files of the documents issued in a period, as a zip."""
        dal, al = _last_month()
        if "dal" in request.args:
            try:
                dal, al = _date("dal"), _date("al")
                docs = ops.issued_in_period(db.session, dal, al)
                files = _sent_files(docs) if docs else []
                if files:
                    return _zip_response(files, f"fatturapa_{dal:%Y%m%d}_{al:%Y%m%d}.zip")
                if docs:
                    return self.render("admin/fattura_fatturapa.html", dal=dal, al=al)
                flash(gettext("No invoices issued from %(dal)s to %(al)s.",
                              dal=f"{dal:%d/%m/%Y}", al=f"{al:%d/%m/%Y}"), "error")
            except DomainError as exc:
                flash(exc.message, "error")
        return self.render("admin/fattura_fatturapa.html", dal=dal, al=al)


class PagamentoView(RoleModelView):
    permissions = {"amministrazione": "rce", "pal": "r", "admin": "r"}
    list_loads = (joinedload(Pagamento.fattura).joinedload(Fattura.comune),)
    column_list = ("fattura", "fattura.comune", "data", "importo", "riferimento")
    money_columns = ("importo",)
    column_default_sort = [("data", True), ("id", True)]
    column_sortable_list = ("data", "importo")
    column_searchable_list = ("riferimento",)
    column_filters = ("data", "fattura.comune.nome")
    form_columns = ("fattura", "data", "importo", "riferimento")
    form_ajax_refs = {"fattura": {"fields": ("numero", "anno"), "order_by": "id"}}
    column_labels = {**LABELS, "fattura.comune": _l("Comune")}

    def check_model(self, model, is_created):
        """Payments only against issued invoices, never beyond the amount due, never moved to
        another invoice; settles PAGATA (models/operations/fatture.py)."""
        ops.apply_payment(db.session, model)
