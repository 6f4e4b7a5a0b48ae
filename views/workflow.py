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
from flask_babel import gettext, ngettext
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
    VariazioneVoucher,
    VoceListino,
    Voucher,
    clock,
    dates,
    db,
)
from models.base import StatoVoucher, TipoContratto, TipoEvento, TipoOre, euro
from models.errors import DomainError
from models.operations import erogazioni, variazioni
from models.operations import ore as ore_ops
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops
from models.operations.diario import add_diary_entry
from models.operations.prezzi import is_valid_on, voucher_totals
from models.operations.workflow import STEPS, available_steps, may_take
from models.queries import matching_positions
from models.tipologie import INTERNSHIPS, needs_position
from models.validation import parse_id, parse_int

from .base import allowed


def _user():
    return current_user._get_current_object()


def _date(name: str, required: bool = True) -> dt.date | None:
    """A date of a step form, typed the Italian way (models/dates.py)."""
    day = dates.parse_date(request.form.get(name, ""), field=name)
    if day is None and required:
        raise DomainError(gettext("Please enter the date (dd/mm/yyyy)."), name)
    return day


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
        days = parse_int(f.get("giorni", ""), "giorni")
        if days is None:
            raise DomainError(gettext("Please enter the number of days."))
        ops.grant_intake_extension(session, p, days, f.get("motivo", ""), by=user)
        return gettext("Intake extension granted.")
    if step == "interview":
        notes = f.get("note", "")
        ops.record_first_interview(session, p, _date("data"), by=user, notes=notes)
        if notes.strip():
            return gettext("First interview recorded, its notes in the diary: the path is under evaluation.")
        return gettext("First interview recorded: the path is under evaluation.")
    if step == "approve":
        voucher_ops.approve_voucher(session, _pending_voucher(p), user, _date("data"))
        return gettext("Voucher approved.")
    if step == "reject":
        voucher_ops.reject_voucher(session, _pending_voucher(p), user, _date("data"), f.get("motivo", ""))
        return gettext("Voucher rejected: the path is back under evaluation.")
    if step == "activate":
        post_id = parse_id(f.get("postazione"))
        post = session.get(Postazione, post_id) if post_id else None
        if post is None and needs_position(p.tipologia):
            raise DomainError(gettext("Please choose a position."))
        ops.activate(session, p, post, _date("data"), _date("data_fine_prevista", required=False), by=user)
        if post is None:
            return gettext("Path started.")
        return gettext("Path activated at %(post)s.", post=str(post))
    if step == "extend":
        proroga = ops.extend(session, p, _date("data_fine_prevista"), f.get("motivo", ""),
                             _date("data"), by=user)
        return gettext("Planned end extended to %(day)s.",
                       day=proroga.nuova_fine_prevista.strftime("%d/%m/%Y"))
    if step == "hire":
        employer_id = parse_id(f.get("datore_lavoro"))
        employer = session.get(EnteOspitante, employer_id) if employer_id else None
        if employer is None:
            raise DomainError(gettext("Please choose the employer."))
        try:
            contract = TipoContratto[f.get("tipo_contratto", "")]
        except KeyError:
            raise DomainError(gettext("Please choose the contract type.")) from None
        ops.hire(session, p, _date("data"), employer, contract, by=user)
        return gettext("Hiring recorded: the path is concluded.")
    if step == "deliver":
        return _deliver(p)
    if step == "vary":
        return _vary(p)
    closing = {"conclude": ops.conclude_without_hiring, "interrupt": ops.interrupt, "withdraw": ops.withdraw,
               "return_to_coop": ops.return_to_cooperative}
    closing[step](session, p, _date("data"), f.get("motivo", ""), by=user)
    return gettext("Path closed.")


def _deliver(p: Percorso) -> str:
    """A delivery of one approved voucher line (models/operations/erogazioni.py)."""
    f = request.form
    riga = db.session.get(RigaVoucher, f.get("riga", type=int) or 0)
    if riga is None or riga.voucher.percorso_id != p.id:
        raise DomainError(gettext("Please choose the service delivered."))
    quantity = erogazioni.parse_quantity(f.get("quantita", ""))
    erogazioni.deliver(db.session, p, riga, _date("data"), quantity, by=_user(), note=f.get("note"))
    return gettext("Delivery recorded: %(item)s, %(quantity)s.", item=riga.voce_listino.descrizione,
                   quantity=f.get("quantita", "").strip())


def _vary(p: Percorso) -> str:
    """A variation of the approved voucher: new quantities per line, perhaps a new line."""
    f, session = request.form, db.session
    v = erogazioni.approved_voucher(p)
    if v is None:
        raise DomainError(gettext("The path has no approved voucher."))
    changes = {}
    for r in v.righe:
        text = f.get(f"q-{r.voce_listino_id}", "").strip()
        if text:
            changes[r.voce_listino] = erogazioni.parse_quantity(text)
    new_item = session.get(VoceListino, f.get("nuova_voce", type=int) or 0)
    if new_item is not None:
        if new_item.programma_id != p.programma_id:
            raise DomainError(gettext("Please choose an item of the programme's price list."))
        changes[new_item] = erogazioni.parse_quantity(f.get("nuova_quantita", ""))
    variation = variazioni.vary_voucher(session, v, changes, f.get("motivo", ""), _user(), _date("data"))
    return gettext("Voucher varied: committed amount %(before)s → %(after)s.",
                   before=euro(variation.impegnato_prima), after=euro(variation.impegnato_dopo))


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
        if parse_id(id) is None:
            abort(404)
        # The path with its vouchers (lines, items) and diary in one statement.
        p = self.get_query().filter(Percorso.id == id).options(
            joinedload(Percorso.persona), joinedload(Percorso.comune), joinedload(Percorso.programma),
            joinedload(Percorso.vouchers).joinedload(Voucher.righe).joinedload(RigaVoucher.voce_listino),
            joinedload(Percorso.vouchers).joinedload(Voucher.decisore),
            joinedload(Percorso.vouchers).selectinload(Voucher.variazioni)
            .selectinload(VariazioneVoucher.righe),
            joinedload(Percorso.diario).joinedload(Diario.autore),
            joinedload(Percorso.proroghe).joinedload(Proroga.utente),
        ).one_or_none()
        if p is None:
            abort(404)
        vouchers = p.vouchers
        approved = next((v for v in vouchers if v.stato == StatoVoucher.APPROVATO), None)
        # What the role table lets this user see (README, roles): a social worker reads the
        # path and its diary, never voucher amounts, hours or charges.
        hours_by_month, charges = [], []
        if allowed("ore"):
            hours_by_month = session.execute(
                select(func.substr(cast(Ore.data, String), 1, 7).label("mese"), Ore.tipo, func.sum(Ore.ore))
                .where(Ore.percorso_id == p.id).group_by("mese", Ore.tipo).order_by("mese")
            ).all()
        if allowed("addebito"):
            charges = session.scalars(
                select(Addebito).where(Addebito.percorso_id == p.id).order_by(Addebito.data, Addebito.id)
                .options(joinedload(Addebito.voce_listino), joinedload(Addebito.operatore))
            ).all()
        done = erogazioni.delivered_by_line(session, approved) if approved is not None else {}
        items = []
        if "vary" in available_steps(p, _user()):
            items = [v for v in session.scalars(
                select(VoceListino).where(VoceListino.programma_id == p.programma_id)
                .order_by(VoceListino.codice, VoceListino.valido_dal)).all()
                if is_valid_on(v, clock.today())]
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
            diary_types=list(TipoEvento),
            today=dates.fmt(clock.today()),
            overdue_end=p.data_fine is None and p.data_fine_prevista is not None
            and p.data_fine_prevista < clock.today(),
            limits=ops.internship_limits(p) if p.tipologia in INTERNSHIPS else None,
            delivered=done,
            # Lines the delivery form offers: delivered by hand, something left to deliver.
            deliverable=[r for r in (approved.righe if approved is not None else ())
                         if r.voce_listino.tipo not in erogazioni.DELIVERED_ELSEWHERE
                         and r.quantita > done.get(r.id, 0)],
            elsewhere=erogazioni.DELIVERED_ELSEWHERE,
            items=items,
            needs_position=needs_position(p.tipologia),
            # A suitable position whose host's agreement is not in force today is marked.
            agreement_refusal=lambda post: ops.agreement_refusal(post.ente, clock.today()),
            TipoOre=TipoOre,
            # Issue 15: the path's documents and signed scans (views/documenti.py).
            **self.documents_context(p),
        )

    @expose("/case/<int:id>/diary/", methods=("POST",))
    def case_diary(self, id):
        """"Add a diary entry" on the case page (models/operations/diario.py)."""
        if not allowed("diario", "c"):
            abort(403)
        p = self.get_case(id)
        f = request.form
        try:
            try:
                tipo = TipoEvento[f.get("tipo", "")]
            except KeyError:
                raise DomainError(gettext("Please choose the kind of event.")) from None
            add_diary_entry(db.session, p, _date("data"), tipo, f.get("descrizione", ""), by=_user())
            db.session.commit()
            flash(gettext("Diary entry added."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        return redirect(url_for(".case_view", id=id) + "#diary")

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

    @expose("/case/<int:id>/delivery/<int:charge_id>/delete/", methods=("POST",))
    def delete_delivery_view(self, id, charge_id):
        """Remove a delivery recorded by mistake (uninvoiced, by hand): who delivers may."""
        p = self.get_case(id)
        if not may_take("deliver", None, _user()):
            abort(403)
        charge = db.session.get(Addebito, charge_id)
        if charge is None or charge.percorso_id != p.id:
            abort(404)
        try:
            erogazioni.delete_delivery(db.session, charge)
            db.session.commit()
            flash(gettext("Delivery removed."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        return redirect(url_for(".case_view", id=id))

    def _bulk(self, ids, step, operation, done_message):
        if not may_take(step, None, _user()):
            abort(403)
        done, refused = 0, 0
        keys = [k for k in map(parse_id, ids) if k is not None]
        for p in get_query_for_ids(self.get_query(), self.model, keys).all():
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
                   lambda n: ngettext("%(num)s path taken in charge.", "%(num)s paths taken in charge.", n))

    @action("interview", _l("First interview held (today)"),
            _l("Record today's first interview for the selected paths?"))
    def action_interview(self, ids):
        today, user = clock.today(), _user()
        self._bulk(ids, "interview", lambda p: ops.record_first_interview(db.session, p, today, by=user),
                   lambda n: ngettext("%(num)s first interview recorded.", "%(num)s first interviews recorded.", n))

    @action("approve", _l("Approve the proposed voucher (today)"),
            _l("Approve the proposed vouchers of the selected paths, checking each Comune's budget?"))
    def action_approve(self, ids):
        today, user = clock.today(), _user()
        self._bulk(ids, "approve",
                   lambda p: voucher_ops.approve_voucher(db.session, _pending_voucher(p), user, today),
                   lambda n: ngettext("%(num)s voucher approved.", "%(num)s vouchers approved.", n))

    def is_action_allowed(self, name):
        if name in STEPS:
            return may_take(name, None, _user())
        return super().is_action_allowed(name)
