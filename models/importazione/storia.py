"""A path's history entered through the workflow operations (models/operations/percorsi.py and
voucher.py), each step at the date the sheet gives: intake, first interview, voucher proposal
and approval, activation, outcome.

Each step is taken only where the path has not taken it yet, by the same operation the console
uses, so the same rules hold (dates in order and not in the future, the budget covers the
voucher, the position has a free seat and accepts the path, an internship's length, a reason to
close); a refusal names the step's column. A step already recorded with another date is an
error: an import does not rewrite a path's history. No console user takes these steps now
(``by=None``, as for the seed): who may import paths is decided by the import's own rule
(models/importazione/motore.py); the voucher's approval names the PAL manager who gave it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from ..anagrafiche import EnteOspitante, Postazione
from ..base import Esito, StatoPercorso, StatoVoucher
from ..errors import DomainError
from ..operations import percorsi as ops
from ..operations import voucher as voucher_ops
from ..percorsi import Percorso, RigaVoucher, Voucher
from ..programmi import VoceListino
from ..utenti import Utente
from .confronto import mostra

S = StatoPercorso
#: The outcome column's values -> the closing state.
ESITI = {"ASSUNTO": S.CONCLUSO, "NON_ASSUNTO": S.CONCLUSO, "INTERROTTO": S.INTERROTTO, "RITIRATO": S.RITIRATO}


class Storia:
    """Takes the row's steps on one path; ``changes`` collects [column, before, after]."""

    def __init__(self, session, p: Percorso, values: dict, column):
        self.session, self.p, self.values, self.column = session, p, values, column
        self.changes: list[list[str]] = []

    def step(self, name: str, operation, *args, **kwargs) -> None:
        """Run ``operation``; its refusal becomes an error of the column ``name``."""
        try:
            operation(self.session, self.p, *args, **kwargs)
        except DomainError as exc:
            raise DomainError(exc.message, name) from None

    def dated(self, name: str, current: dt.date | None) -> dt.date | None:
        """The sheet's date for a step, when the path has still to take it; None when it took
        it on that same date; an error when it took it on another."""
        day = self.values.get(name)
        if day is None or current == day:
            return None
        if current is not None:
            raise DomainError(gettext(
                "The path already has this step on %(day)s: an import does not change the date of a recorded step.",
                day=mostra(current)), name)
        self.changes.append([self.column(name), "", mostra(day)])
        return day

    def run(self, operatore: Utente | None, decisore: Utente | None) -> None:
        p = self.p
        if (day := self.dated("data_presa_in_carico", p.data_presa_in_carico)) is not None:
            self.step("data_presa_in_carico", ops.take_in_charge, day, operatore=operatore)
        if (day := self.dated("data_primo_colloquio", p.data_primo_colloquio)) is not None:
            self.step("data_primo_colloquio", ops.record_first_interview, day)
        self.voucher(decisore)
        if (day := self.dated("data_avvio", p.data_avvio)) is not None:
            post = self.position(day)
            self.step("data_avvio", ops.activate, post, day, self.values.get("data_fine_prevista"))
        self.outcome()

    # -- the voucher ----------------------------------------------------------------------
    def voucher(self, decisore: Utente | None) -> None:
        lines, proposed, approved = (self.values.get(n) for n in ("righe_voucher", "data_proposta", "data_approvazione"))
        if not (lines or proposed or approved):
            return
        v = next((x for x in self.p.vouchers if x.stato in (StatoVoucher.APPROVATO, StatoVoucher.PROPOSTO)), None)
        if v is None:
            if not lines or proposed is None:
                missing = "righe_voucher" if not lines else "data_proposta"
                raise DomainError(gettext("A voucher needs its proposal date and its lines."), missing)
            v = self.propose(proposed, lines)
        elif lines and self.lines_of(v) != {code: q for code, q in lines}:
            raise DomainError(gettext("The path's voucher has other lines: %(lines)s.",
                                      lines=self.lines_text(v)), "righe_voucher")
        elif proposed is not None and proposed != v.data_proposta:
            raise DomainError(gettext(
                "The path already has this step on %(day)s: an import does not change the date of a recorded step.",
                day=mostra(v.data_proposta)), "data_proposta")
        if approved is None:
            return
        if v.stato == StatoVoucher.APPROVATO:
            if v.data_decisione != approved:
                raise DomainError(gettext(
                    "The path already has this step on %(day)s: an import does not change the date of a recorded step.",
                    day=mostra(v.data_decisione)), "data_approvazione")
            return
        if decisore is None:
            raise DomainError(gettext(
                "Say who approved the voucher: a PAL manager in the column «Approved by», or for the whole file."),
                "approvato_da")
        self.changes.append([self.column("data_approvazione"), "", mostra(approved)])
        try:
            voucher_ops.approve_voucher(self.session, v, decisore, approved)
        except DomainError as exc:
            raise DomainError(exc.message, "data_approvazione") from None

    def propose(self, day: dt.date, lines) -> Voucher:
        righe = [RigaVoucher(voce_listino=self.item(code, day), quantita=quantity) for code, quantity in lines]
        v = Voucher(percorso=self.p, data_proposta=day, righe=righe)
        self.session.add(v)
        self.changes.append([self.column("righe_voucher"), "", self.lines_text(v)])
        try:
            voucher_ops.propose_voucher(self.session, v)
        except DomainError as exc:
            raise DomainError(exc.message, "righe_voucher") from None
        return v

    def item(self, code: str, day: dt.date) -> VoceListino:
        programma = self.p.programma
        found = self.session.scalars(
            select(VoceListino).where(VoceListino.programma_id == programma.id,
                                      VoceListino.codice.ilike(code), VoceListino.valido_dal <= day)
            .order_by(VoceListino.valido_dal.desc())
        ).first()
        if found is None or (found.valido_al is not None and found.valido_al < day):
            raise DomainError(gettext("The price list of %(programma)s has no item %(code)s valid on %(day)s.",
                                      programma=programma.nome, code=code, day=mostra(day)), "righe_voucher")
        return found

    @staticmethod
    def lines_of(v: Voucher) -> dict[str, Decimal]:
        return {r.voce_listino.codice.upper(): r.quantita for r in v.righe}

    def lines_text(self, v: Voucher) -> str:
        return "; ".join(f"{code} {mostra(q)}" for code, q in sorted(self.lines_of(v).items()))

    # -- activation and outcome -----------------------------------------------------------
    def position(self, day: dt.date) -> Postazione:
        """The host's position with the sheet's task open on ``day`` (the task may be left out
        when the host has one such position)."""
        ente_id, mansione = self.values.get("ente_id"), self.values.get("mansione")
        if ente_id is None:
            raise DomainError(gettext("Say the host of the position (column «Host»)."), "ente")
        stmt = select(Postazione).where(Postazione.ente_id == ente_id, Postazione.attiva_dal <= day)
        found = [x for x in self.session.scalars(stmt)
                 if (x.attiva_al is None or x.attiva_al >= day)
                 and (not mansione or x.mansione.strip().lower() == mansione.strip().lower())]
        if len(found) != 1:
            host = self.session.get(EnteOspitante, ente_id)
            message = (gettext("%(host)s has no position «%(task)s» open on %(day)s.", host=str(host),
                               task=mansione or "", day=mostra(day)) if not found else
                       gettext("%(host)s has more than one position open on %(day)s: say the task.",
                               host=str(host), day=mostra(day)))
            raise DomainError(message, "mansione" if mansione else "ente")
        return found[0]

    def outcome(self) -> None:
        esito, p = self.values.get("esito"), self.p
        if esito is None:
            return
        day = self.values.get("data_fine") or self.values.get("data_assunzione")
        if p.stato in (S.CONCLUSO, S.INTERROTTO, S.RITIRATO):
            if p.stato != ESITI[esito] or (esito == "ASSUNTO") != (p.esito == Esito.ASSUNTO) or \
                    (day is not None and day != p.data_fine):
                raise DomainError(gettext("The path is already closed (%(state)s on %(day)s).",
                                          state=p.stato.label, day=mostra(p.data_fine)), "esito")
            return
        if day is None:
            raise DomainError(gettext("Give the end date of the path."), "data_fine")
        reason = self.values.get("motivo_chiusura")
        self.changes.append([self.column("esito"), p.stato.label, self.values["esito_label"]])
        if esito == "ASSUNTO":
            self.hire(day)
        elif esito == "NON_ASSUNTO":
            self.step("esito", ops.conclude_without_hiring, day, reason)
        elif esito == "INTERROTTO":
            self.step("esito", ops.interrupt, day, reason)
        else:
            self.step("esito", ops.withdraw, day, reason)

    def hire(self, day: dt.date) -> None:
        employer_id = self.values.get("datore_lavoro_id")
        if employer_id is None and self.p.postazione is not None:
            employer_id = self.p.postazione.ente_id  # hired by the host of the position
        if employer_id is None:
            raise DomainError(gettext("Say who hired the person (column «Employer»)."), "datore_lavoro")
        contract = self.values.get("tipo_contratto")
        if contract is None:
            raise DomainError(gettext("Give the contract type."), "tipo_contratto")
        employer = self.session.get(EnteOspitante, employer_id)
        self.step("esito", ops.hire, self.values.get("data_assunzione") or day, employer, contract)
