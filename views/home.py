"""The home page (/admin/, the first screen after login): what each role has to do, as counts
that open the filtered lists, and charts where people would rather look than read.

The figures are models/queries/home.py's; a count is shown only with a link the user's role
opens (views/base.py, ``allowed``). The budget use of every Comune is the one heavy figure at
regional size: it is a page of its own (/admin/budget/), which the home page loads after it
shows (or links to, without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_admin import AdminIndexView, expose
from flask_babel import format_date, format_percent, gettext, ngettext
from flask_login import current_user
from markupsafe import Markup

from models import RUOLI, db
from models.base import StatoPercorso, TipoEvento, euro, quantity
from models.clock import today as clock_today
from models.queries import home as q
from models.queries.scadenze import deadline_counts

from .base import allowed
from .charts import Bar, Group, bar_chart, column_chart, grouped_bar_chart
from .filters import list_url
from .scoping import scoped_comune_id, user_roles

#: How far ahead the home page looks for deadlines (days).
HORIZON = 7
#: Rows of the per-Comune tables (the lists hold the rest).
TOP = 10


@dataclass
class Item:
    """One line of a panel: a count, what it counts, where to see the rows."""

    count: int
    label: str
    url: str | None = None
    detail: str = ""
    tone: str = ""


@dataclass
class Panel:
    """A card of the home page: items, and optionally a table or a chart."""

    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    table: tuple | None = None  # (headers, rows of (cells, url))
    chart: Markup | None = None
    note: str = ""
    more: tuple[str, str] | None = None  # (label, url)


def view(endpoint: str):
    return current_app.extensions["console_views"][endpoint]


def link(endpoint: str, *filters, letters: str = "r", **args) -> str | None:
    """The filtered list's URL, when the user's role opens that list (else no link)."""
    return list_url(view(endpoint), *filters, **args) if allowed(endpoint, letters) else None


# -- the panels of each role --------------------------------------------------------------------


def operatore_panels(session, today) -> list[Panel]:
    deadlines = deadline_counts(session, today, HORIZON)
    rejected = q.rejected_to_revise(session)
    scadenze = url_for("scadenze.index", giorni=HORIZON) if allowed("scadenze") else None
    items = []
    for kind, label in (("intake", gettext("Intakes overdue or due within %(days)s days", days=HORIZON)),
                        ("activation", gettext("Activations overdue or due within %(days)s days", days=HORIZON))):
        late, soon = deadlines[kind]
        items.append(Item(late + soon, label, scadenze and f"{scadenze}&tipo={kind}",
                          ngettext("%(num)s overdue", "%(num)s overdue", late) if late else "",
                          "danger" if late else ""))
    from .voucher import TO_REVISE

    items.append(Item(rejected, gettext("Rejected vouchers to revise and propose again"),
                      link("voucher", (TO_REVISE, "1")), tone="warning" if rejected else ""))
    return [Panel("operatore", gettext("To do"), items)]


def active_paths_panel(session, today) -> Panel:
    """The active paths that need the agency: internships at or past their planned end, paths
    whose last month's hours are still to enter (a pass over every active path: loaded after
    the home page shows, like the budget use)."""
    from .percorsi import ENDING, HOURS_MISSING, PAST_END

    past_end, ending = q.internships_ending(session, today)
    first, last = q.last_month(today)
    missing = q.paths_without_hours(session, first, last)
    return Panel("active", gettext("Active paths"), [
        Item(past_end, gettext("Internships past their planned end"),
             link("percorso", (PAST_END, "1")), tone="danger" if past_end else ""),
        Item(ending, gettext("Internships ending within 30 days"), link("percorso", (ENDING, "1"))),
        Item(missing, gettext("Active paths without hours in %(month)s", month=format_date(first, "MMMM yyyy")),
             link("percorso", (HOURS_MISSING, first.strftime("%Y-%m"))), tone="warning" if missing else ""),
    ])


def pal_panels(session, today) -> list[Panel]:
    total, rows = q.pending_vouchers(session, today, TOP)
    table_rows = []
    for p in rows:
        url = link("voucher", ("voucher.stato", "EnumEqualFilter", "PROPOSTO"),
                   ("comune.nome", "FilterEqual", p.comune))
        remaining = euro(p.remaining) if p.remaining is not None else gettext("no budget")
        table_rows.append(((p.comune, p.programma, str(p.vouchers), euro(p.gross), remaining),
                           url, "" if p.covered else "table-danger"))
    panel = Panel(
        "pal", gettext("Vouchers awaiting your decision"),
        [Item(total, ngettext("voucher awaiting decision", "vouchers awaiting decision", total),
              link("voucher", ("voucher.stato", "EnumEqualFilter", "PROPOSTO")),
              tone="warning" if total else "")],
        table=((gettext("Comune"), gettext("Programme"), gettext("Vouchers"), gettext("Gross total"),
                gettext("Remaining budget")), table_rows) if table_rows else None,
        note=gettext("In red: the remaining budget does not cover the vouchers.") if any(
            not p.covered for p in rows) else "",
    )
    return [panel]


def amministrazione_panels(session, today) -> list[Panel]:
    from .fatture import OVERDUE
    from .percorsi import UNINVOICED

    comuni, rows = q.uninvoiced_by_comune(session, TOP)
    drafts, drafts_taxable = q.drafts_to_issue(session)
    late, late_total = q.unpaid_overdue(session, today)
    items = [
        Item(drafts, ngettext("draft invoice to check and issue", "draft invoices to check and issue", drafts),
             link("fattura", ("fattura.stato", "EnumEqualFilter", "BOZZA")),
             euro(drafts_taxable) if drafts else "", "warning" if drafts else ""),
        Item(late, ngettext("invoice unpaid %(days)s days after its date", "invoices unpaid %(days)s days after their date",
                            late, days=q.PAYMENT_DAYS),
             link("fattura", (OVERDUE, "1")), euro(late_total) if late else "", "danger" if late else ""),
        Item(comuni, ngettext("Comune with charges not yet invoiced", "Comuni with charges not yet invoiced", comuni),
             link("addebito", (UNINVOICED, "1"))),
    ]
    table = None
    if rows:
        table = ((gettext("Comune"), gettext("Charges"), gettext("Taxable")),
                 [((nome, str(n), euro(taxable)),
                   link("addebito", (UNINVOICED, "1"), ("comune.nome", "FilterEqual", nome)), "")
                  for _, nome, n, taxable in rows])
    more = None
    if allowed("fattura", "c") and comuni:
        more = (gettext("Generate invoices"), url_for("fattura.generate_view"))
    return [Panel("amministrazione", gettext("Invoicing"), items, table=table, more=more)]


def servizio_sociale_panels(session, today) -> list[Panel]:
    comune_id = scoped_comune_id()
    states = q.paths_by_state(session, comune_id)
    bars = [Bar(s.label, n, str(n), link("percorso", ("percorso.stato", "EnumEqualFilter", s.name)))
            for s, n in states.items() if n]
    reports = q.latest_reports(session, comune_id)
    rows = [((format_date(d.data, "dd/MM/yyyy"), str(d.percorso.persona), (d.descrizione or "")[:140]),
             url_for("percorso.case_view", id=d.percorso_id) if allowed("percorso") else None, "")
            for d in reports]
    comune = current_user.comune.nome if current_user.comune else ""
    return [
        Panel("servizio_sociale", gettext("Paths of %(comune)s by state", comune=comune),
              [Item(sum(states.values()), gettext("paths referred by your Comune"), link("percorso"))],
              chart=bar_chart(gettext("Paths by state"), bars) if bars else None),
        Panel("reports", gettext("Latest reports to the social service"),
              table=((gettext("Date"), gettext("Person"), gettext("Description")), rows) if rows else None,
              note="" if rows else gettext("No report yet."),
              more=(gettext("All reports"), link("diario", ("diario.tipo", "EnumEqualFilter",
                                                            TipoEvento.RELAZIONE_SERVIZIO_SOCIALE.name)))
              if allowed("diario") else None),
    ]


def admin_panels(session, today) -> list[Panel]:
    by_role, inactive = q.users_by_role(session)
    items = [Item(by_role.get(code, 0), gettext(label), link("utente", ("ruolo.name", "FilterEqual", code)))
             for code, label in RUOLI.items()]
    if inactive:
        items.append(Item(inactive, ngettext("inactive user", "inactive users", inactive),
                          link("utente", ("utente.active", "BooleanEqualFilter", "0"))))
    audit = q.recent_audit(session)
    from .amministrazione import action_label, table_label

    rows = [((format_date(a.momento, "dd/MM/yyyy") + " " + a.momento.strftime("%H:%M"), str(a.utente or ""),
              f"{action_label(a.azione)} · {table_label(a.tabella)}", a.descrizione),
             url_for("audit.details_view", id=a.id) if allowed("audit") else None, "") for a in audit]
    return [
        Panel("admin", gettext("Users by role"), items),
        Panel("audit", gettext("Latest changes"),
              table=((gettext("When"), gettext("User"), gettext("Action"), gettext("Record description")), rows) if rows else None,
              note="" if rows else gettext("No change recorded yet."),
              more=(gettext("Audit log"), url_for("audit.index_view")) if allowed("audit") else None),
    ]


def chart_panels(session, today, roles: set[str]) -> list[Panel]:
    """Open paths by state and hires per month for the PAL manager, hires in their Comune for a
    social worker (whose panel already shows their paths by state)."""
    panels = []
    comune_id = scoped_comune_id()
    if "pal" in roles:
        states = q.paths_by_state(session)
        bars = [Bar(s.label, n, format_number(n), link("percorso", ("percorso.stato", "EnumEqualFilter", s.name)))
                for s, n in states.items() if n and s not in (StatoPercorso.CONCLUSO, StatoPercorso.INTERROTTO,
                                                             StatoPercorso.RITIRATO)]
        if bars:
            panels.append(Panel("paths", gettext("Open paths by state"), chart=bar_chart(gettext("Open paths by state"), bars)))
    if roles & {"pal", "servizio_sociale"}:
        hires = q.hires_by_month(session, today, comune_id=comune_id)
        bars = [Bar(format_date(m, "MMM yy"), n, format_number(n)) for m, n in hires]
        panels.append(Panel("hires", gettext("Hirings per month"),
                            chart=column_chart(gettext("Hirings per month, last 12 months"), bars),
                            note=gettext("%(num)s in the last 12 months.", num=format_number(sum(n for _, n in hires)))))
    return panels


def format_number(n) -> str:
    return quantity(n, 0)


ROLE_PANELS = {
    "operatore": operatore_panels,
    "pal": pal_panels,
    "amministrazione": amministrazione_panels,
    "servizio_sociale": servizio_sociale_panels,
    "admin": admin_panels,
}
#: Who sees the budget use of every Comune (the PAL manager decides against it, the
#: accountants verify it).
BUDGET_ROLES = {"pal", "amministrazione"}


def budget_panel(session, today) -> Panel:
    """Allocated, committed and consumed of every budget covering today, most committed first."""
    from .programmi import NEARLY_USED

    uses = q.budget_use(session, today)
    alert = [b for b in uses if b.share >= q.BUDGET_ALERT_SHARE]
    items = [Item(len(alert), ngettext("budget committed for 80%% or more", "budgets committed for 80%% or more",
                                       len(alert)),
                  link("budget", (NEARLY_USED, "1")), tone="danger" if alert else "")]
    groups = [Group(f"{b.comune} ({format_percent(b.share, '#0%')})", (b.allocated, b.committed, b.consumed),
                    link("budget", ("comune.nome", "FilterEqual", b.comune))) for b in uses[:15]]
    chart = grouped_bar_chart(
        gettext("Budget use per Comune"), (gettext("allocated"), gettext("committed"), gettext("consumed")),
        groups, euro) if groups else None
    return Panel("budget", gettext("Budget use per Comune"), items, chart=chart,
                 note=ngettext("The Comune with the highest committed share.",
                               "The %(num)s Comuni with the highest committed share.", len(groups))
                 if groups else gettext("No budget covers today."),
                 more=(gettext("Budget verification report"), url_for("report.index", report="budget"))
                 if allowed("report") else None)


class SecureIndexView(AdminIndexView):
    """The console home (/admin/): any logged-in user, the panels of each of their roles."""

    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("security.login", next=request.url))

    @expose("/")
    def index(self):
        session, today, roles = db.session, clock_today(), user_roles()
        panels = []
        for role, build in ROLE_PANELS.items():
            if role in roles:
                panels += build(session, today)
        # The heavy panels at regional size, fetched by the page once it shows; a social
        # worker's charts cover one Comune and come with the page.
        charts = chart_panels(session, today, roles) if "pal" not in roles else []
        later = []
        if "pal" in roles:
            later.append(("charts", gettext("Paths and hirings"), url_for(".charts_view")))
        if "operatore" in roles:
            later.append(("active", gettext("Active paths"), url_for(".active_view")))
        if roles & BUDGET_ROLES and allowed("budget"):
            later.append(("budget", gettext("Budget use per Comune"), url_for(".budget_view")))
        return self.render("admin/index.html", panels=panels, charts=charts, later=later,
                           role_names=[gettext(RUOLI[r]) for r in RUOLI if r in roles], today=today)

    def _panel_page(self, *panels: Panel):
        if request.args.get("fragment"):
            return "".join(render_template("admin/home_panel.html", panel=p) for p in panels)
        return self.render("admin/home_budget.html", panels=panels)

    @expose("/grafici/")
    def charts_view(self):
        """The PAL manager's charts (open paths by state, hirings per month)."""
        if "pal" not in user_roles():
            abort(403)
        return self._panel_page(*chart_panels(db.session, clock_today(), {"pal"}))

    @expose("/percorsi-attivi/")
    def active_view(self):
        """The operatore's active paths to look after: a page, or (``?fragment=1``) the panel."""
        if "operatore" not in user_roles():
            abort(403)
        return self._panel_page(active_paths_panel(db.session, clock_today()))

    @expose("/uso-budget/")
    def budget_view(self):
        """The budget use of every Comune: a page, or (``?fragment=1``) the home page's panel."""
        roles = user_roles()
        if not (roles & BUDGET_ROLES and allowed("budget")):
            abort(403)
        return self._panel_page(budget_panel(db.session, clock_today()))


__all__ = ["SecureIndexView"]
