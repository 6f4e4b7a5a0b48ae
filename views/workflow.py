"""The case page and the workflow steps of a path: thin handlers over models/operations.

Which steps a user may take is models/operations/workflow.py: the page shows those, the
handlers and bulk actions refuse the others (403), and the operations check again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.tools import get_query_for_ids
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import joinedload

from models import (
    Addebito,
    Diario,
    EnteOspitante,
    Ore,
    Percorso,
    Postazione,
    Proroga,
    RigaVoucher,
    Voucher,
    clock,
    db,
)
from models.base import StatoVoucher, TipoContratto, TipoOre
from models.errors import DomainError
from models.operations import ore as ore_ops
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops
from models.operations.prezzi import voucher_totals
from models.operations.workflow import STEPS, available_steps, may_take
from models.queries import matching_positions


def _user():
    return current_user._get_current_object()


def _date(name: str) -> dt.date:
    value = request.form.get(name, "")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(gettext("Please enter a valid date.")) from None


def _pending_voucher(p: Percorso) -> Voucher:
    for v in p.vouchers:
        if v.stato == StatoVoucher.PROPOSTO:
            return v
    raise DomainError(gettext("The path has no voucher awaiting a decision."))


def _run_step(step: str, p: Percorso) -> str:
    """Call the operation of ``step`` with the posted values and the acting user (the
    operation checks the user's role itself); return the success message."""
    f, session, user = request.form, db.session, _user()
    if step == "take_in_charge":
        ops.take_in_charge(session, p, _date("data"), user)
        return gettext("Path taken in charge.")
    if step == "extension":
        try:
            days = int(f.get("giorni", ""))
        except ValueError:
            raise DomainError(gettext("Please enter the number of days.")) from None
        ops.grant_intake_extension(session, p, days, f.get("motivo", ""), by=user)
        return gettext("Intake extension granted.")
    if step == "interview":
        ops.record_first_interview(session, p, _date("data"), by=user)
        return gettext("First interview recorded: the path is under evaluation.")
    if step == "approve":
        voucher_ops.approve_voucher(session, _pending_voucher(p), user, _date("data"))
        return gettext("Voucher approved.")
    if step == "reject":
        voucher_ops.reject_voucher(session, _pending_voucher(p), user, _date("data"), f.get("motivo", ""))
        return gettext("Voucher rejected: the path is back under evaluation.")
    if step == "activate":
        post = session.get(Postazione, f.get("postazione", type=int) or 0)
        if post is None:
            raise DomainError(gettext("Please choose a position."))
        end = f.get("data_fine_prevista") or None
        ops.activate(session, p, post, _date("data"), dt.date.fromisoformat(end) if end else None, by=user)
        return gettext("Path activated at %(post)s.", post=str(post))
    if step == "extend":
        proroga = ops.extend(session, p, _date("data_fine_prevista"), f.get("motivo", ""),
                             _date("data"), by=user)
        return gettext("Planned end extended to %(day)s.",
                       day=proroga.nuova_fine_prevista.strftime("%d/%m/%Y"))
    if step == "hire":
        employer = session.get(EnteOspitante, f.get("datore_lavoro", type=int) or 0)
        if employer is None:
            raise DomainError(gettext("Please choose the employer."))
        try:
            contract = TipoContratto[f.get("tipo_contratto", "")]
        except KeyError:
            raise DomainError(gettext("Please choose the contract type.")) from None
        ops.hire(session, p, _date("data"), employer, contract, by=user)
        return gettext("Hiring recorded: the path is concluded.")
    closing = {"conclude": ops.conclude_without_hiring, "interrupt": ops.interrupt, "withdraw": ops.withdraw}
    closing[step](session, p, _date("data"), f.get("motivo", ""), by=user)
    return gettext("Path closed.")


#: The steps posted from the case page (a voucher is proposed through the Voucher form).
CASE_STEPS = tuple(step for step in STEPS if step != "propose")


class WorkflowMixin:
    """Case page, step handlers and bulk actions for the Percorso view."""

    def get_case(self, id):
        p = self.get_one(id)
        if p is None:
            abort(404)
        return p

    @expose("/case/<int:id>/")
    def case_view(self, id):
        session = db.session
        # The path with its vouchers (lines, items) and diary in one statement.
        p = self.get_query().filter(Percorso.id == id).options(
            joinedload(Percorso.vouchers).joinedload(Voucher.righe).joinedload(RigaVoucher.voce_listino),
            joinedload(Percorso.vouchers).joinedload(Voucher.decisore),
            joinedload(Percorso.diario).joinedload(Diario.autore),
            joinedload(Percorso.proroghe).joinedload(Proroga.utente),
        ).one_or_none()
        if p is None:
            abort(404)
        vouchers = p.vouchers
        approved = next((v for v in vouchers if v.stato == StatoVoucher.APPROVATO), None)
        hours_by_month = session.execute(
            select(func.substr(cast(Ore.data, String), 1, 7).label("mese"), Ore.tipo, func.sum(Ore.ore))
            .where(Ore.percorso_id == p.id).group_by("mese", Ore.tipo).order_by("mese")
        ).all()
        charges = session.scalars(
            select(Addebito).where(Addebito.percorso_id == p.id).order_by(Addebito.data)
            .options(joinedload(Addebito.voce_listino))
        ).all()
        diary = sorted(p.diario, key=lambda d: (d.data, d.id), reverse=True)
        available = available_steps(p, _user())
        matches = []
        if "activate" in available:
            matches = matching_positions(session, p, clock.today())
        tutoring = ore_ops.approved_tutoring_hours(p)
        return self.render(
            "admin/percorso_case.html",
            p=p,
            vouchers=[(v, voucher_totals(v)) for v in vouchers],
            approved=approved,
            tutoring_approved=tutoring,
            tutoring_used=sum((Decimal(str(h)) for _, tipo, h in hours_by_month
                               if tipo == TipoOre.AFFIANCAMENTO), Decimal(0))
            if tutoring is not None else None,
            hours_by_month=hours_by_month,
            charges=charges,
            diary=diary,
            matches=matches,
            steps={step: step in available for step in STEPS},
            contracts=list(TipoContratto),
            today=clock.today().isoformat(),
            overdue_end=p.data_fine is None and p.data_fine_prevista is not None
            and p.data_fine_prevista < clock.today(),
            limits=ops.internship_limits(p) if p.tipologia.name == "TIROCINIO" else None,
            TipoOre=TipoOre,
        )

    @expose("/case/<int:id>/<step>/", methods=("POST",))
    def case_step(self, id, step):
        if step not in CASE_STEPS:
            abort(404)
        p = self.get_case(id)
        if not may_take(step, None, _user()):
            abort(403)
        try:
            message = _run_step(step, p)
            db.session.commit()
            flash(message, "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        return redirect(url_for(".case_view", id=id))

    def _bulk(self, ids, step, operation, done_message):
        if not may_take(step, None, _user()):
            abort(403)
        done, refused = 0, 0
        for p in get_query_for_ids(self.get_query(), self.model, [int(i) for i in ids if str(i).isdigit()]).all():
            try:
                operation(p)  # operations check every rule before they change anything
                done += 1
            except DomainError as exc:
                refused += 1
                flash(gettext("%(path)s: %(reason)s", path=str(p), reason=exc.message), "error")
        db.session.commit()
        if done:
            flash(done_message(done), "success")

    @action("take_in_charge", _l("Take in charge (today)"),
            _l("Take the selected referrals in charge with today's date?"))
    def action_take_in_charge(self, ids):
        today, user = clock.today(), _user()
        self._bulk(ids, "take_in_charge", lambda p: ops.take_in_charge(db.session, p, today, user),
                   lambda n: gettext("%(n)s paths taken in charge.", n=n))

    @action("interview", _l("First interview held (today)"),
            _l("Record today's first interview for the selected paths?"))
    def action_interview(self, ids):
        today, user = clock.today(), _user()
        self._bulk(ids, "interview", lambda p: ops.record_first_interview(db.session, p, today, by=user),
                   lambda n: gettext("%(n)s first interviews recorded.", n=n))

    @action("approve", _l("Approve the proposed voucher (today)"),
            _l("Approve the proposed vouchers of the selected paths, checking each Comune's budget?"))
    def action_approve(self, ids):
        today, user = clock.today(), _user()
        self._bulk(ids, "approve",
                   lambda p: voucher_ops.approve_voucher(db.session, _pending_voucher(p), user, today),
                   lambda n: gettext("%(n)s vouchers approved.", n=n))

    def is_action_allowed(self, name):
        if name in STEPS:
            return may_take(name, None, _user())
        return super().is_action_allowed(name)
