"""Scadenze: intake and activation deadlines overdue or falling due, by Comune and case worker."""

from __future__ import annotations

from flask import request, url_for
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from models import Comune, Utente, clock, db
from models.queries import ENDING_WITHIN_DAYS, deadlines_page, internships_ending
from models.queries.scadenze import KINDS
from models.validation import MAX_ID, parse_id

from .base import RoleBaseView
from .scoping import scoped_comune_id

#: Deadlines per page, most urgent first.
PER_PAGE = 50


class ScadenzeView(RoleBaseView):
    """One page: what is late and what falls due in the next days."""

    #: Who watches deadlines: the agency and the PAL manager (DOMAIN.md).
    permissions = {"operatore": "r", "pal": "r", "admin": "r"}

    @expose("/")
    def index(self):
        today = clock.today()
        horizon = min(max(request.args.get("giorni", 7, type=int), 0), 90)
        comune_id = request.args.get("comune", type=parse_id) or scoped_comune_id()
        operatore_id = request.args.get("operatore", type=parse_id)
        page = min(max(request.args.get("page", 0, type=int), 0), MAX_ID)
        kind = request.args.get("tipo") if request.args.get("tipo") in KINDS else None
        total, overdue, rows = deadlines_page(db.session, today, horizon, comune_id, operatore_id,
                                              page, PER_PAGE, kinds=(kind,) if kind else KINDS)
        return self.render(
            "admin/scadenze.html",
            rows=rows,
            total=total,
            overdue=overdue,
            page=page,
            num_pages=-(-total // PER_PAGE),
            pager_url=lambda p: url_for(".index", page=p, giorni=horizon,
                                        comune=request.args.get("comune"),
                                        operatore=operatore_id, tipo=kind),
            horizon=horizon,
            comune_id=comune_id,
            operatore_id=operatore_id,
            comuni=db.session.scalars(select(Comune).order_by(Comune.nome)).all(),
            operatori=db.session.scalars(
                select(Utente)
                .where(Utente.roles.any(name="operatore"))
                .options(lazyload(Utente.roles))
                .order_by(Utente.cognome)
            ).all(),
            today=today,
            ending=internships_ending(db.session, today, ENDING_WITHIN_DAYS, comune_id, operatore_id),
            ending_days=ENDING_WITHIN_DAYS,
        )
