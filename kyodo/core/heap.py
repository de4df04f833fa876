"""How an app process treats Python's cyclic garbage collector once it is loaded.

A loaded Kyodo process holds some 150,000 long-lived objects (Django, the URL patterns,
the compiled templates, translation catalogues) that are never garbage. CPython's
collector still walks all of them on every full collection (about 100 ms on the shared
bench machine), and a request that allocates a lot (a 200-proposal results table)
triggers one every few requests: whichever request it falls in pays for it.

`settle()` runs once the application is loaded (kyodo.wsgi, and bench.run before it
times pages, as the same process would): one full collection, then `gc.freeze()` moves
every surviving object into a permanent generation the collector no longer visits, and a
larger first-generation threshold makes young collections rarer (each one is still
cheap: it looks only at objects made since the last). Reference counting frees almost
everything a request makes the moment it ends; the collector is only for cycles, which
still are collected. This is the set-up large Django deployments describe (Instagram's
"Dismissing Python garbage collection", and gc.freeze's own documentation for
pre-forking servers).
"""

from __future__ import annotations

import gc

# Young collections after this many net allocations (CPython's default is 700); the two
# older generations keep their default ratios.
FIRST_GENERATION_THRESHOLD = 50_000


def settle() -> None:
    gc.collect()
    gc.freeze()
    _first, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, second, third)
