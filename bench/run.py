"""Measure the read path: server time per page and upstream CRM calls per page view.

Runs the dashboard in-process (Django's test client, no network) against the embedded sandbox,
on a private copy of the demo workspace. Prints medians and p90s; it asserts nothing.

    make bench            # or: .venv/bin/python bench/run.py --views 200
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WORKDIR = Path(tempfile.mkdtemp(prefix="contacts-bench-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "SECRET_KEY": "bench-only",
        "DEBUG": "false",
        "CRM_BACKEND": "sandbox",
        "AUTH_MODE": "dev",
        "ALLOWED_HOSTS": "testserver",
        # The in-process client speaks plain HTTP; TLS is the proxy's business.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{WORKDIR / 'dashboard.sqlite3'}",
        "SANDBOX_DB_PATH": str(WORKDIR / "sandbox.sqlite3"),
        # Not the checkout's var/: a dev server there must not share this run's caches.
        "CACHE_DIR": str(WORKDIR / "cache"),
        "BUDGET_DIR": str(WORKDIR / "budget"),
    }
)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _measure(client, urls: list[str], crm) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    from contacts_ui.services import related

    timings = []
    calls_before = crm.request_count
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        # Names a page left pending are fetched beside it; count them with the page.
        related.settle()
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return timings, (crm.request_count - calls_before) / len(urls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=100, help="page views per measurement")
    parser.add_argument("--skip-admin", action="store_true", help="skip the admin anchor")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from contacts_ui.services import backend as services
    from contacts_ui.services import related

    def clear_caches() -> None:
        for alias in ("default", "local"):
            caches[alias].clear()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production static storage
    crm = services.get_crm()  # builds and seeds the embedded sandbox
    client = Client()
    contact_ids = [r.id for r in crm.list_contacts(limit=25).data]
    contact_ids += [r.id for r in crm.list_contacts(limit=25, offset=25).data]

    pages = max(1, min(80, args.views))
    list_urls = [f"/contacts/?page={1 + i % pages}" for i in range(args.views)]
    detail_ids = [contact_ids[i % len(contact_ids)] for i in range(args.views)]
    detail_urls = [f"/contacts/{i}/" for i in detail_ids]
    refreshed_urls = [f"/contacts/{i}/?refresh=1" for i in detail_ids]

    clear_caches()
    before = crm.request_count
    client.get("/contacts/?page=40")
    cold_list_calls = crm.request_count - before
    related.settle()
    cold_names_calls = crm.request_count - before - cold_list_calls
    clear_caches()
    before = crm.request_count
    client.get(f"/contacts/{contact_ids[-1]}/")
    cold_detail_calls = crm.request_count - before
    clear_caches()

    _measure(client, list_urls, crm)  # warm: definitions, members, related names
    _measure(client, detail_urls, crm)
    cache_warm_rows = [
        ("list", *_measure(client, list_urls, crm)),
        ("detail, refresh", *_measure(client, refreshed_urls, crm)),
        ("detail, cached", *_measure(client, detail_urls, crm)),
    ]

    print(f"read path, embedded sandbox, {args.views} views each, caches warm (server time, ms)")
    print(f"{'page':<18}{'median':>9}{'p90':>9}{'calls/view':>12}")
    for name, timings, calls in cache_warm_rows:
        print(
            f"{name:<18}{statistics.median(timings):>9.2f}"
            f"{_percentile(timings, 0.9):>9.2f}{calls:>12.2f}"
        )
    print(
        f"cold list page (empty cache): {cold_list_calls} upstream calls before it is sent, "
        f"{cold_names_calls} more for its related names, beside it"
    )
    print(f"cold contact page (empty cache): {cold_detail_calls} upstream calls")

    if not args.skip_admin:
        anchor = subprocess.run(
            [
                sys.executable,
                str(REPO / "bench" / "admin_changelist.py"),
                "--sandbox-db",
                os.environ["SANDBOX_DB_PATH"],
                "--views",
                str(args.views),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        admin = json.loads(anchor.stdout.strip().splitlines()[-1])
        ours = statistics.median(cache_warm_rows[0][1])
        print(
            f"Django admin changelist, same 25 rows from local SQLite: median "
            f"{admin['median_ms']:.2f} ms, p90 {admin['p90_ms']:.2f} ms"
        )
        print(f"ratio, our list view / admin changelist (medians): {ours / admin['median_ms']:.2f}")


if __name__ == "__main__":
    main()
