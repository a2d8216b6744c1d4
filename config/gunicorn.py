"""gunicorn settings for the container (``gunicorn --config config/gunicorn.py config.wsgi``).

Each value can be overridden from the environment; see README, Operations → Web processes.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Threaded workers (gthread): most views are short and database-bound, but every checkout waits on the
# payment provider (a SetupIntent for the payment page, the card's PaymentIntent for the payment POST) and
# live shipping rates wait on the carrier; a sync worker serves nobody while it waits. 2 × cores + 1
# processes unless told otherwise, each with GUNICORN_THREADS threads; each thread holds its own database
# connection (conn_max_age), so size the pool for workers × threads. GUNICORN_THREADS=1 gives sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
# A request slower than this is killed (and logged): keep it under the proxy's own timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then (memory growth in long-lived processes), spread so they never all
# restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# Behind the platform's proxy: trust its X-Forwarded-* headers (comma-separated addresses, or *).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Django writes one structured line per request; gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
# Workers' heartbeat files in memory rather than on the container's overlay disk.
_shm = "/dev/shm"  # noqa: S108 - gunicorn's own heartbeat files, not data
worker_tmp_dir = _shm if os.path.isdir(_shm) else None
