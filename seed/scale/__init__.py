"""``flask seed scale``: a consistent synthetic data set at regional size, bulk-loaded.

At ``factor=1``: 250 Comuni, 100 000 people, 120 000 paths in every state, 2 000 hosts,
8 000 positions, about 2 000 000 hour rows, 10 000 charges and 2 000 invoices.

The story it tells: a regional programme that started on 1 January three years ago. Paths
are referred over its whole history (with a wave in the last two months) and move through
the flow with realistic delays (some late), so today they sit in every state. The agency moved from spreadsheets to
the console on a *go-live* day a few months ago: hours, charges and invoices exist from that
day on (earlier ones stayed on paper). Every month since go-live but the last two is
invoiced per Comune (numbered, issued, the older ones paid); the last two are left to
invoice. Everything is derived from one random seed, relative to ``oggi``.

The generator is built in stages, one module each, every stage a subclass of the one before
whose rows it builds on: ``common`` (sizes, constants, the path record), ``generator`` (ids,
bulk writes, the programme), ``registry`` (Comuni, hosts, positions, people), ``paths``
(paths and vouchers), ``activity`` (diary and hours), ``billing`` (budgets, charges,
invoices) and ``loader`` (``load_scale``, the one entry point).
"""

from .common import PROGRAMMA_NOME, Sizes
from .loader import load_scale

__all__ = ["PROGRAMMA_NOME", "Sizes", "load_scale"]
