"""Scadenze: intake and activation deadlines overdue or falling due, by Comune and case worker."""

from __future__ import annotations

import datetime as dt

from flask import abort, request
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Comune, Percorso, Utente, db
from models.queries import deadlines

from .base import scoped_comune_id, user_roles

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
        today = dt.date.today()
        horizon = min(max(request.args.get("giorni", 7, type=int), 0), 90)
        comune_id = request.args.get("comune", type=int) or scoped_comune_id()
        operatore_id = request.args.get("operatore", type=int)
        rows = deadlines(db.session, today, horizon, comune_id, operatore_id)
        paths = {
            p.id: p
            for p in db.session.scalars(
                select(Percorso)
                .where(Percorso.id.in_([r[0] for r in rows]))
                .options(joinedload(Percorso.persona), joinedload(Percorso.comune), joinedload(Percorso.operatore))
            )
        }
        return self.render(
            "admin/scadenze.html",
            rows=[(paths[pid], kind, due, left) for pid, kind, due, left in rows],
            horizon=horizon,
            comune_id=comune_id,
            operatore_id=operatore_id,
            comuni=db.session.scalars(select(Comune).order_by(Comune.nome)).all(),
            operatori=db.session.scalars(
                select(Utente).where(Utente.roles.any(name="operatore")).order_by(Utente.cognome)
            ).all(),
            today=today,
        )
