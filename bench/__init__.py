"""``make bench``: the storefront measured against a baseline view in the same run.

``python -m bench`` prepares a benchmark database per catalogue size on the embedded PostgreSQL
server (``seed_demo`` plus bulk products, ``update_index``), starts gunicorn with the production
settings (2 workers), drives each page with ``wrk`` uncached and then cached, and writes a Markdown
report (``docs/benchmarks.md``). Every figure is also given as a ratio to the baseline view B,
measured by the same server in the same run, so the load other processes put on the machine
largely cancels out.

The same run measures a checkout scenario on the uncached server (``bench/checkout_buyers.py``):
parallel buyers go from a product page to a paid order with the card on localstripe, racing for a
few products' limited stock (``bench/checkout_stock.py`` sets it and checks the database for
oversold units afterwards); ``--only checkout`` runs it alone. ``make locust`` (``bench/load.py``)
runs the Locust scenario ``bench/locustfile.py`` against the same kind of server.

The baseline view (``bench/views.py``) is routed only when ``MAGPIE_BENCH_BASELINE`` is on; the
runner turns it on for its own gunicorn and nothing else does.
"""
