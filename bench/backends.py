"""Compare the two CRM backends: upstream calls and server time per view, side by side.

Each backend runs in a child process of its own (its settings are read once, at start), on its
embedded sandbox, in-process through Django's test client. Cold means every cache emptied
before the view; warm means the same view again. Prints a table; asserts nothing.

    make bench            # or: .venv/bin/python bench/backends.py --views 40
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
BACKENDS = ("sandbox", "highlevel-sandbox")
LABELS = {"sandbox": "Lightfield", "highlevel-sandbox": "HighLevel"}


def measure(views: int) -> dict[str, float]:
    """Measure this process's configured backend (run as a child with CRM_BACKEND set)."""
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client

    from contacts_ui.services import backend, related

    call_command("migrate", verbosity=0)
    client = Client()
    crm = backend.get_crm()

    def calls() -> int:
        return int(getattr(crm, "request_count", 0))

    def clear() -> None:
        for alias in caches:
            caches[alias].clear()

    def view(url: str) -> tuple[int, float]:
        before, started = calls(), time.process_time()
        response = client.get(url)
        related.settle()
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return calls() - before, (time.process_time() - started) * 1000

    client.get("/contacts/")  # seeds the sandbox, signs the demo user in
    related.settle()  # its names are fetched beside it: not to be counted with the cold view
    page = crm.list_contacts(limit=25)
    contact = f"/contacts/{page.data[0].id}/"
    clear()
    cold_list, _ = view("/contacts/?page=2")
    clear()
    cold_contact, _ = view(contact)
    for number in range(1, 5):  # warm: each page seen once, its names fetched
        view(f"/contacts/?page={number}")
    warm_list = [view(f"/contacts/?page={1 + i % 4}") for i in range(views)]
    warm_contact = [view(contact) for _ in range(views)]
    return {
        "cold list calls": cold_list,
        "cold contact calls": cold_contact,
        "warm list calls/view": statistics.mean(c for c, _ in warm_list),
        "warm list CPU ms (median)": statistics.median(t for _, t in warm_list),
        "warm contact calls/view": statistics.mean(c for c, _ in warm_contact),
        "warm contact CPU ms (median)": statistics.median(t for _, t in warm_contact),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=40)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.views)))
        return
    results = {}
    for name in BACKENDS:
        work = Path(tempfile.mkdtemp(prefix=f"contacts-bench-{name}-"))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dashboard.settings",
            "CRM_BACKEND": name,
            "DEBUG": "true",
            "AUTH_MODE": "dev",
            "SECRET_KEY": "bench-only",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{work / 'dashboard.sqlite3'}",
            "SANDBOX_DB_PATH": str(work / "sandbox.sqlite3"),
            "HIGHLEVEL_SANDBOX_DB_PATH": str(work / "highlevel.sqlite3"),
            "CACHE_DIR": str(work / "cache"),
            "BUDGET_DIR": str(work / "budget"),
        }
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--views", str(args.views)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    rows = list(results[BACKENDS[0]])
    print(f"both backends on their embedded sandboxes, {args.views} warm views each")
    print(f"{'':<30}" + "".join(f"{LABELS[b]:>14}" for b in BACKENDS))
    for row in rows:
        print(f"{row:<30}" + "".join(f"{results[b][row]:>14.2f}" for b in BACKENDS))


if __name__ == "__main__":
    main()
