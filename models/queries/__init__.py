"""Read models in SQL (STYLE: SQL aggregation, no Python loops over rows), one module per
concern: budget figures, deadlines, positions for a path, the search box.

Importing this package has no side effect: the budget figures are mapped onto ``Budget`` by
models/__init__.py, which calls ``budget.attach_budget_figures`` explicitly.
"""

from .budget import (
    CLOSED,
    FIGURES,
    budget_figures,
    budget_figures_by_budget,
    budget_for,
    charges_by_budget,
    committed_by_budget,
    load_budget_figures,
    path_consumed,
    voucher_gross,
)
from .postazioni import ACCEPTS, HOLDS_SEAT, free_seats, matching_positions
from .ricerca import among, paths_of_people, people_found, person_search, starts_with
from .scadenze import (
    ENDING_WITHIN_DAYS,
    activation_due,
    deadlines,
    deadlines_page,
    intake_due,
    internship_end_counts,
    internships_ending,
)

__all__ = [
    "ACCEPTS",
    "CLOSED",
    "ENDING_WITHIN_DAYS",
    "FIGURES",
    "HOLDS_SEAT",
    "activation_due",
    "among",
    "budget_figures",
    "budget_figures_by_budget",
    "budget_for",
    "charges_by_budget",
    "committed_by_budget",
    "deadlines",
    "deadlines_page",
    "free_seats",
    "intake_due",
    "internship_end_counts",
    "internships_ending",
    "load_budget_figures",
    "matching_positions",
    "path_consumed",
    "paths_of_people",
    "people_found",
    "person_search",
    "starts_with",
    "voucher_gross",
]
