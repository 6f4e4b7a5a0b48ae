"""Vouchers: the list with gross totals and the PAL manager's decisions (approve, reject with a
reason), through models/operations/voucher.py and the step rule of workflow.py."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import LinkRowAction
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from models import Percorso, RigaVoucher, Voucher, clock, dates, db
from models.base import StatoVoucher, euro
from models.errors import DomainError
from models.operations import voucher as voucher_ops
from models.operations.prezzi import voucher_gross_total, voucher_totals
from models.operations.workflow import may_take
from models.queries import budget_figures, budget_for
from models.queries.home import to_revise

from .base import RoleModelView, RowAction, allowed
from .filters import ConditionFilter
from .percorsi import PERCORSO_LABELS, PERCORSO_PICKER, RigaVoucherInline
from .scoping import paths_search, scope_query

PENDING = StatoVoucher.PROPOSTO
#: Rejected vouchers whose path awaits a new proposal (the home page's count).
TO_REVISE = ConditionFilter(Voucher.id, _l("Rejected, to revise"), to_revise)


def _user():
    return current_user._get_current_object()


def _may_decide() -> bool:
    """Only the PAL manager decides (models/operations/workflow.py, "approve" and "reject")."""
    return may_take("approve", None, _user())


def _percorso_link(view, context, model, name):
    if not allowed("percorso"):
        return str(model.percorso)
    return Markup('<a href="{}">{}</a>').format(url_for("percorso.case_view", id=model.percorso_id), model.percorso)


def _gross(view, context, model, name):
    return euro(voucher_gross_total(model))


def _day(name: str) -> dt.date:
    """The posted date as people type it (models/dates.py); required."""
    day = dates.parse_date(request.form.get(name, ""), field=name)
    if day is None:
        raise DomainError(gettext("Please enter a valid date."))
    return day


class VoucherDecisionMixin:
    """The decision page and the list's bulk actions of the Voucher view."""

    def pending(self, ids) -> list[Voucher]:
        """The proposed vouchers among ``ids``, through the view's scoped query."""
        keys = [int(i) for i in ids if str(i).isdigit()]
        return (self.get_query().filter(Voucher.id.in_(keys), Voucher.stato == PENDING)
                .order_by(Voucher.data_proposta, Voucher.id).all())

    def budget_of(self, v: Voucher, day: dt.date):
        """The figures of the budget the approval would check (None: no budget that day)."""
        p = v.percorso
        budget = budget_for(db.session, p.comune_id, p.programma_id, day)
        return budget_figures(db.session, budget.id) if budget else None

    @expose("/decide/", methods=("GET", "POST"))
    def decide_view(self):
        if not _may_decide():
            abort(403)
        ids = request.values.getlist("id")
        if request.method == "POST":
            return self._decide(ids, request.form.get("decision"))
        vouchers = self.pending(ids)
        if not vouchers:
            flash(gettext("No voucher awaiting a decision among those chosen."), "warning")
            return redirect(url_for(".index_view", **{k: v for k, v in request.args.items() if k != "id"}))
        today = clock.today()
        rows = [(v, voucher_totals(v), self.budget_of(v, today)) for v in vouchers]
        return self.render("admin/voucher_decide.html", rows=rows, today=dates.fmt(today),
                           back=request.args.get("url") or url_for(".index_view"))

    def _decide(self, ids, decision: str | None):
        """Approve or reject each voucher in its own transaction: one refusal (e.g. a budget
        too small) leaves the others decided, and is flashed with its reason."""
        if decision not in ("approve", "reject"):
            abort(400)
        back = request.form.get("url") or url_for(".index_view")
        try:
            day = _day("data")
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".decide_view", id=ids, url=back))
        reason, user, done = request.form.get("motivo", ""), _user(), 0
        for vid in [v.id for v in self.pending(ids)]:
            v = db.session.get(Voucher, vid)
            try:
                if decision == "approve":
                    voucher_ops.approve_voucher(db.session, v, user, day)
                else:
                    voucher_ops.reject_voucher(db.session, v, user, day, reason)
                db.session.commit()
                done += 1
            except DomainError as exc:
                db.session.rollback()
                flash(gettext("%(voucher)s: %(reason)s", voucher=str(db.session.get(Voucher, vid)),
                              reason=exc.message), "error")
        if done and decision == "approve":
            flash(ngettext("%(num)s voucher approved.", "%(num)s vouchers approved.", done), "success")
        elif done:
            flash(ngettext("%(num)s voucher rejected: its path is back under evaluation.",
                           "%(num)s vouchers rejected: their paths are back under evaluation.", done),
                  "success")
        if not done and decision == "reject":
            return redirect(url_for(".decide_view", id=ids, url=back))
        return redirect(back)

    @action("approve", _l("Approve (today)"),
            _l("Approve the selected vouchers with today's date, checking each Comune's budget?"))
    def action_approve(self, ids):
        if not _may_decide():
            abort(403)
        today, user, done = clock.today(), _user(), 0
        for vid in [v.id for v in self.pending(ids)]:
            v = db.session.get(Voucher, vid)
            try:
                voucher_ops.approve_voucher(db.session, v, user, today)
                db.session.commit()
                done += 1
            except DomainError as exc:
                db.session.rollback()
                flash(gettext("%(voucher)s: %(reason)s", voucher=str(db.session.get(Voucher, vid)),
                              reason=exc.message), "error")
        if done:
            flash(ngettext("%(num)s voucher approved.", "%(num)s vouchers approved.", done), "success")

    @action("reject", _l("Reject (with a reason)"))
    def action_reject(self, ids):
        if not _may_decide():
            abort(403)
        return redirect(url_for(".decide_view", id=list(ids), url=request.form.get("url")))

    def is_action_allowed(self, name):
        if name in ("approve", "reject"):
            return _may_decide()
        return super().is_action_allowed(name)


class VoucherView(VoucherDecisionMixin, RoleModelView):
    permissions = {"operatore": "rce", "pal": "r", "amministrazione": "r", "admin": "rced"}
    list_loads = (
        joinedload(Voucher.percorso).joinedload(Percorso.persona),
        joinedload(Voucher.percorso).joinedload(Percorso.comune),
        joinedload(Voucher.decisore),
        selectinload(Voucher.righe).joinedload(RigaVoucher.voce_listino),
    )
    column_list = ("percorso", "stato", "data_proposta", "data_decisione", "decisore", "imponibile",
                   "lordo")
    column_formatters = {"percorso": _percorso_link, "lordo": _gross}
    # Exports stream after the request: plain text, no links.
    column_formatters_export = {"percorso": lambda v, c, m, n: str(m.percorso), "lordo": _gross}
    money_columns = ("imponibile",)
    column_default_sort = ("data_proposta", True)
    column_sortable_list = ("stato", "data_proposta", "data_decisione")
    column_searchable_list = ("percorso.persona.cognome", "percorso.persona.codice_fiscale")

    def search_clause(self, search):
        return paths_search(Voucher.percorso_id, search)

    column_filters = ("stato", "data_proposta", "percorso.comune.nome", "percorso.stato", TO_REVISE)
    form_columns = ("percorso", "data_proposta", "note")
    inline_models = (RigaVoucherInline(RigaVoucher),)
    form_ajax_refs = {"percorso": PERCORSO_PICKER}
    column_labels = PERCORSO_LABELS
    column_extra_row_actions = [
        RowAction(LinkRowAction("fa fa-folder-open",
                                lambda a, row_id, row: url_for("percorso.case_view", id=row.percorso_id),
                                title=_l("Case page")),
                  lambda row: allowed("percorso")),
        RowAction(LinkRowAction("fa fa-gavel", lambda a, row_id, row: url_for(".decide_view", id=row_id),
                                title=_l("Decide: approve or reject")),
                  lambda row: row.stato == PENDING and _may_decide()),
    ]

    def row_editable(self, row) -> bool:
        return row.stato == PENDING

    row_deletable = row_editable

    def create_form(self, obj=None):
        """"Propose a voucher" from the case page: the path and today already filled in."""
        form = super().create_form(obj)
        if request.method == "GET" and request.args.get("percorso", "").isdigit():
            p = (scope_query(db.session.query(Percorso), Percorso)
                 .filter(Percorso.id == int(request.args["percorso"])).one_or_none())
            if p is not None:
                form.percorso.data = p
                form.data_proposta.data = clock.today()
        return form

    def check_model(self, model, is_created):
        """Saving a voucher proposes it: models/operations/voucher.py checks the rules (a
        decided voucher never changes) and the user's role."""
        voucher_ops.propose_voucher(db.session, model, by=_user())

    delete_operation = voucher_ops.delete_proposed_voucher
