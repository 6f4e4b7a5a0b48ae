"""Scadenze: intake and activation deadlines overdue or falling due, by Comune and case worker."""

from __future__ import annotations

from flask import abort, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from models import Comune, Utente, clock, db
from models.queries import deadlines_page

from .base import scoped_comune_id, user_roles

#: Deadlines per page, most urgent first.
PER_PAGE = 50
#: Who watches deadlines: the agency and the PAL manager (DOMAIN.md).
READERS = {"operatore", "pal", "admin"}


class ScadenzeView(BaseView):
    """One page: what is late and what falls due in the next days."""

    def is_accessible(self):
        return bool(READERS & user_roles())

    def is_visible(self):
        return self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        from flask import redirect, url_for

        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.url))
        abort(403)

    @expose("/")
    def index(self):
        today = clock.today()
        horizon = min(max(request.args.get("giorni", 7, type=int), 0), 90)
        comune_id = request.args.get("comune", type=int) or scoped_comune_id()
        operatore_id = request.args.get("operatore", type=int)
        page = max(request.args.get("page", 0, type=int), 0)
        total, overdue, rows = deadlines_page(db.session, today, horizon, comune_id, operatore_id,
                                              page, PER_PAGE)
        return self.render(
            "admin/scadenze.html",
            rows=rows,
            total=total,
            overdue=overdue,
            page=page,
            num_pages=-(-total // PER_PAGE),
            pager_url=lambda p: url_for(".index", page=p, giorni=horizon,
                                        comune=request.args.get("comune"),
                                        operatore=operatore_id),
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
        )
