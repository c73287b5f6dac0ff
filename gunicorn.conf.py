"""gunicorn settings for ``make serve``: ``gunicorn --config gunicorn.conf.py "app:create_app()"``.

The embedded store is safe across worker processes (file lock, reload on change),
and a Bolt server handles concurrency itself; each worker opens its own store and
driver after the fork (no preload), because a neo4j driver must not cross a fork.
"""

import multiprocessing
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
preload_app = False
# Model checks and sweeps are capped to seconds; anything longer is a bug, so fail it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
