"""Gunicorn, as the Dockerfile runs the dashboard: `gunicorn -c dashboard/gunicorn.conf.py`.

Every setting can be overridden from the environment (the usual names first), so the same image
fits a laptop, a VM and a Kubernetes pod. See README.md, "Running it as a service".
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

wsgi_app = "dashboard.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")

# Pages mostly wait on the CRM (I/O), so threads serve them well and cost little memory; a few
# processes use the cores for template rendering. The whole host shares one CRM rate budget, so
# more workers do not mean more CRM calls — only more people served while others wait.
_cores = os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cores + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"

# A page waits at most ~3 s for a CRM read and ~10 s per attempt for a save (with retries);
# anything running much longer than that is stuck and should be replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 40))
# Long enough for a save in flight to finish when a deploy stops the worker.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# Behind a load balancer that reuses connections: keep ours open a little longer than a page.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak can never take a host down; jitter keeps them
# from all restarting at once. Not too often: a new worker pays its imports again and starts with
# cold per-process caches (at 30 views/s a worker, 2,000 requests meant a restart a minute).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 2000))

# No preload: each worker must open its own CRM connection pool, SQLite/Redis connections and
# budget store after the fork; sharing sockets opened in the master would corrupt them.
preload_app = False
# The proxy terminates TLS and sets X-Forwarded-*; Django decides what to trust from them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "dashboard.gunicorn_logging.JsonAccessLogger"

# Prometheus in multiprocess mode: every worker writes its samples here and /metrics merges
# them. Set before the workers import prometheus_client (they inherit the environment).
_metrics_dir = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / "dashboard-metrics")
    )
)


def on_starting(server: Any) -> None:
    """Start with an empty metrics directory: old workers' files would count twice."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    _metrics_dir.mkdir(parents=True, exist_ok=True)


def post_worker_init(worker: Any) -> None:
    """Import every view and compile the main templates before the worker's first request.

    Otherwise the first people after a deploy or a worker recycle wait seconds for imports.
    Then everything loaded so far (Django, the views, the compiled templates: most of the
    worker's objects, and none of them garbage) is moved out of the garbage collector's sight:
    a full collection then walks only what requests made since, not the whole framework.
    Measured on a warm list page: full collections went from about 80 ms to 14 ms, pauses that
    every request in flight on the worker would wait out.
    """
    import gc

    from django.template.loader import get_template
    from django.urls import get_resolver

    def load(patterns: Any) -> None:
        for pattern in patterns:
            load(getattr(pattern, "url_patterns", ()))

    load(get_resolver().url_patterns)
    for name in ("contacts/list.html", "contacts/detail.html", "contacts/form.html"):
        get_template(name)
    gc.collect()
    gc.freeze()


def child_exit(server: Any, worker: Any) -> None:
    """Let Prometheus drop the live gauges of a worker that exited."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
