"""Row scoping of the console: who the user is, the Comune a social worker is confined to, and
that scope applied to list queries, capped counts, ajax pickers and the search box
(rules in models/scoping.py)."""

from __future__ import annotations

from flask import has_request_context
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_login import current_user
from sqlalchemy import false, func, literal
from sqlalchemy.orm import Query, contains_eager

from models.queries import among, paths_of_people, people_found
from models.scoping import comune_filter, cooperativa_filter
from models.validation import MAX_ID, parse_id

#: Lookups never return more than this many rows, whatever ``limit`` the client asks.
AJAX_LIMIT = 20


def user_roles() -> set[str]:
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return set()
    return current_user.role_names


def scoped_comune_id() -> int | None:
    """The Comune a social worker is confined to; None for agency staff."""
    if "servizio_sociale" in user_roles():
        return current_user.comune_id or -1
    return None


class CappedCountQuery(Query):
    """``SELECT count(*) FROM (SELECT 1 ... LIMIT cap)``: stops counting at ``cap`` rows."""

    cap: int | None = None

    def scalar(self):
        inner = self.with_entities(literal(1)).limit(self.cap).subquery()
        return self.session.query(func.count()).select_from(inner).scalar()


def scoped_ente_id() -> int | None:
    """The cooperative a coop tutor is confined to; None for everybody else."""
    if "tutor_coop" in user_roles():
        return current_user.ente_id or -1
    return None


def scope_query(query, model):
    """Restrict a query on ``model`` to the current user's Comune (social worker) or
    cooperative (coop tutor), where one applies."""
    cid = scoped_comune_id()
    if cid is not None:
        cond = comune_filter(model, cid)
        query = query.filter(cond if cond is not None else false())
    eid = scoped_ente_id()
    if eid is not None:
        cond = cooperativa_filter(model, eid)
        query = query.filter(cond if cond is not None else false())
    return query


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An ajax picker that applies the Comune scope and caps its page size."""

    def __init__(self, name, session, model, **options):
        #: Relationships to join so that ``fields`` may name columns of related models.
        self.joins = options.pop("join", ())
        #: Loader options for what the results' labels show (e.g. a path's Comune).
        self.load_options = options.pop("options", ())
        super().__init__(name, session, model, **options)

    def get_query(self):
        query = super().get_query()
        for rel in self.joins:
            query = query.join(rel).options(contains_eager(rel))
        return scope_query(query.options(*self.load_options), self.model)

    def get_one(self, pk):
        pk_col = getattr(self.model, self.pk)
        value = parse_id(pk)  # malformed or out-of-range ids name no record
        if value is None:
            return None
        return self.get_query().filter(pk_col == value).one_or_none()

    def get_list(self, term, offset=0, limit=AJAX_LIMIT):
        offset = min(max(int(offset or 0), 0), MAX_ID)
        limit = min(max(int(limit or AJAX_LIMIT), 1), AJAX_LIMIT)
        return super().get_list((term or "").replace("\x00", ""), offset, limit)


def people_search(column, search: str):
    """``column`` (a persona id) among the people the search box finds (models/queries/ricerca.py)."""
    people = people_found(search)
    return None if people is None else among(column, people)


def paths_search(column, search: str):
    """``column`` (a percorso id) among the paths of the people the search box finds."""
    paths = paths_of_people(search)
    return None if paths is None else among(column, paths)
