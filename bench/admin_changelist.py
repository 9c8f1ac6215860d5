"""Measure the Django admin changelist of the demo contacts (the anchor for `make bench`).

Copies the sandbox's contacts, accounts and owners into the anchor project's SQLite database
through the Lightfield client, then requests admin changelist pages in-process.

- Alone, it prints one JSON line: {"median_ms": …, "p90_ms": …, "cpu_median_ms": …, "views": …}.
- With ``--serve`` it prints "ready", then answers each line "N" on stdin with one JSON line
  {"cpu_ms": [...]}: the CPU time (time.process_time) of each of N more views. bench/run.py
  uses that to interleave blocks of admin views with blocks of its own, so both are measured
  under the same load on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO)]


def _every(list_page):  # type: ignore[no-untyped-def]
    """Yield every record of a list endpoint, page by page."""
    offset = 0
    while True:
        page = list_page(offset=offset)
        yield from page.data
        offset += len(page.data)
        if len(page.data) < 25:
            return


def _load(sandbox_db: Path | None, base_url: str | None) -> None:
    from anchor.people.models import Account, Contact, Member

    from contacts_ui.crm.lightfield.client import LightfieldClient
    from sandbox.app import make_app
    from sandbox.config import SandboxConfig

    if base_url is not None:
        client = LightfieldClient(api_key="sk_sandbox_demo", base_url=base_url)
    else:
        app = make_app(SandboxConfig(db_path=sandbox_db, rate_limit=None))
        client = LightfieldClient(
            api_key="sk_sandbox_demo", base_url="http://sandbox.local", wsgi_app=app
        )
    with client as crm:
        members = [Member(id=m.id, name=m.display_name) for m in _every(crm.list_members)]
        accounts = [Account(id=a.id, name=a.display_name) for a in _every(crm.list_accounts)]
        contacts = []
        for position, record in enumerate(_every(crm.list_contacts)):
            emails, phones = record.value("$email") or [], record.value("$phone") or []
            account_ids, owner_ids = record.related_ids("$account"), record.related_ids("$owner")
            contacts.append(
                Contact(
                    id=record.id,
                    name=record.display_name,
                    email=emails[0] if emails else "",
                    phone=phones[0] if phones else "",
                    title=record.value("$title") or "",
                    account_id=account_ids[0] if account_ids else None,
                    owner_id=owner_ids[0] if owner_ids else None,
                    updated_at=record.updated_at,
                    position=position,
                )
            )
    Member.objects.bulk_create(members)
    Account.objects.bulk_create(accounts)
    Contact.objects.bulk_create(contacts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--sandbox-db", type=Path, help="read the sandbox's database in-process")
    source.add_argument("--base-url", help="read a running standalone sandbox")
    parser.add_argument("--views", type=int, default=100)
    parser.add_argument("--pages", type=int, default=80, help="cycle through this many pages")
    parser.add_argument("--serve", action="store_true", help="answer 'N' lines on stdin")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="anchor-"))
    os.environ["ANCHOR_DB"] = str(workdir / "anchor.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "anchor.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, run_syncdb=True)
    _load(args.sandbox_db, args.base_url)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    client = Client()
    client.force_login(admin)
    client.get("/admin/people/contact/")  # warm templates and the session
    views = iter(range(1_000_000_000))

    def measure(count: int) -> tuple[list[float], list[float]]:
        wall, cpu = [], []
        for _ in range(count):
            url = f"/admin/people/contact/?p={1 + next(views) % args.pages}"
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"admin changelist answered {response.status_code}")
        return wall, cpu

    if args.serve:
        print("ready", flush=True)
        for line in sys.stdin:
            print(json.dumps({"cpu_ms": measure(int(line))[1]}), flush=True)
        return
    timings, cpu = measure(args.views)
    ordered = sorted(timings)
    print(
        json.dumps(
            {
                "median_ms": statistics.median(timings),
                "p90_ms": ordered[int(0.9 * len(ordered))],
                "cpu_median_ms": statistics.median(cpu),
                "views": args.views,
            }
        )
    )


if __name__ == "__main__":
    main()
