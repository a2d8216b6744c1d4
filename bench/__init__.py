"""``make bench``: the storefront measured against a baseline view in the same run.

``python -m bench`` prepares a benchmark database per catalogue size on the embedded PostgreSQL
server (``seed_demo`` plus bulk products, ``update_index``), starts gunicorn with the production
settings (2 workers), drives each page with ``wrk`` uncached and then cached, and writes a Markdown
report (``docs/benchmarks.md``). Every figure is also given as a ratio to the baseline view B,
measured by the same server in the same run, so the load other processes put on the machine
largely cancels out.

The same run measures a checkout scenario on the uncached server (``bench/checkout_buyers.py``):
parallel buyers first prepare a cart ready to pay (product page to payment page), then race to place
and pay (card confirmed on localstripe, payment POST, thank-you page) for a few products' limited
stock (``bench/checkout_stock.py`` sets it and checks the database for oversold units afterwards);
each phase is timed, and the target is orders placed per second of the place phase against B.
With Redis reachable, one RQ worker runs the after-commit jobs as in production (``bench/jobs.py``).
``--only checkout`` runs it alone. ``make locust`` (``bench/load.py``)
runs the Locust scenario ``bench/locustfile.py`` against the same kind of server.

The baseline view (``bench/views.py``) is routed only when ``MAGPIE_BENCH_BASELINE`` is on; the
runner turns it on for its own gunicorn and nothing else does.
"""
