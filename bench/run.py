"""Measure the read path: server CPU per view against the Django admin changelist, in one run.

The dashboard runs in this process (Django's test client, no network between client and view)
against a standalone sandbox in its own process, so ``time.process_time()`` here counts the
dashboard's own CPU and nothing of the CRM's. The admin anchor (bench/admin_changelist.py) runs
in a child process on a local SQLite copy of the same contacts. Blocks of our views and blocks
of admin views alternate, so both are measured under the same load on a shared machine; the
ratio of the medians is the figure to watch. Wall times are printed too, for context only.

Then, unless ``--no-load``, bench/gunicorn_load.py puts the list under gunicorn and wrk.

    make bench            # or: .venv/bin/python bench/run.py --blocks 10 --block 20
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
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.gunicorn_load import free_port, running, wait_for  # noqa: E402

WORKDIR = Path(tempfile.mkdtemp(prefix="contacts-bench-"))
SANDBOX_PORT = free_port()
SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "SECRET_KEY": "bench-only",
        "DEBUG": "false",
        "CRM_BACKEND": "lightfield",
        "LIGHTFIELD_API_KEY": "sk_sandbox_demo",
        "LIGHTFIELD_BASE_URL": SANDBOX_URL,
        "AUTH_MODE": "dev",  # allowed: the CRM is on a loopback address
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
# Pages cycled through by both sides; every one is seen while warming (caches warm).
PAGES = 20


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Sampler:
    """Collect per-view CPU and wall time of one kind of view, block by block."""

    def __init__(self, name: str, client, urls: list[str], headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
        self.name, self._client, self._urls, self._headers = name, client, urls, headers
        self._next = 0
        self.cpu: list[float] = []
        self.wall: list[float] = []

    def run(self, count: int, *, keep: bool = True) -> None:
        from contacts_ui.services import related

        for _ in range(count):
            url = self._urls[self._next % len(self._urls)]
            self._next += 1
            started, started_cpu = time.perf_counter(), time.process_time()
            response = self._client.get(url, headers=self._headers)
            wall = (time.perf_counter() - started) * 1000
            # Names a page left pending are fetched beside it, in this process: their CPU and
            # their upstream calls count with the page.
            related.settle()
            cpu = (time.process_time() - started_cpu) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            if keep:
                self.cpu.append(cpu)
                self.wall.append(wall)


def _upstream_calls(run: Callable[[], None], crm) -> int:  # type: ignore[no-untyped-def]
    before = crm.request_count
    run()
    return crm.request_count - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=10, help="alternating blocks per view")
    parser.add_argument("--block", type=int, default=16, help="views per block")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load run")
    parser.add_argument("--load-seconds", type=float, default=10.0)
    args = parser.parse_args()

    sandbox = [
        sys.executable, "manage.py", "sandbox", "--port", str(SANDBOX_PORT),
        "--db", str(WORKDIR / "sandbox.sqlite3"), "--rate-limit", "0",
    ]  # fmt: skip
    with running(sandbox, dict(os.environ), WORKDIR / "sandbox.log") as sandbox_process:
        wait_for(f"{SANDBOX_URL}/v1/auth/validate", sandbox_process, "the sandbox")
        measure_cpu(args)
    if not args.no_load:
        print()
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "gunicorn_load.py"),
             "--seconds", str(args.load_seconds)],
            check=True,
        )  # fmt: skip


def measure_cpu(args: argparse.Namespace) -> None:
    """Print CPU per view of the list, its htmx results and the contact page, vs the admin."""
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
    crm = services.get_crm()
    client = Client()
    contact_ids = [r.id for r in crm.list_contacts(limit=25).data]
    contact_ids += [r.id for r in crm.list_contacts(limit=25, offset=25).data]

    clear_caches()
    before = crm.request_count
    client.get("/contacts/?page=40")
    cold_list_calls = crm.request_count - before
    related.settle()
    cold_names_calls = crm.request_count - before - cold_list_calls
    clear_caches()
    cold_detail_calls = _upstream_calls(lambda: client.get(f"/contacts/{contact_ids[-1]}/"), crm)
    clear_caches()

    list_urls = [f"/contacts/?page={1 + i}" for i in range(PAGES)]
    samplers = [
        Sampler("list", client, list_urls, {}),
        Sampler("list, htmx results", client, list_urls, {"HX-Request": "true"}),
        Sampler("contact", client, [f"/contacts/{i}/" for i in contact_ids], {}),
    ]
    admin = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "admin_changelist.py"), "--base-url", SANDBOX_URL,
         "--pages", str(PAGES), "--serve"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert admin.stdin is not None
    assert admin.stdout is not None
    if admin.stdout.readline().strip() != "ready":
        raise SystemExit("the admin anchor did not start")

    def admin_views(count: int) -> list[float]:
        admin.stdin.write(f"{count}\n")  # type: ignore[union-attr]
        admin.stdin.flush()  # type: ignore[union-attr]
        return list(json.loads(admin.stdout.readline())["cpu_ms"])  # type: ignore[union-attr]

    # Warm: definitions, members, related names, rendered rows, templates; both sides.
    for sampler in samplers:
        sampler.run(2 * len(sampler._urls), keep=False)
    admin_views(2 * PAGES)
    calls = {}
    for sampler in samplers:
        calls[sampler.name] = _upstream_calls(lambda s=sampler: s.run(PAGES), crm) / PAGES
        sampler.cpu.clear()
        sampler.wall.clear()

    admin_cpu: list[float] = []
    for _ in range(args.blocks):
        for sampler in samplers:
            sampler.run(args.block)
        admin_cpu += admin_views(args.block)
    admin.stdin.close()
    admin.wait(timeout=30)

    anchor = statistics.median(admin_cpu)
    views = args.blocks * args.block
    print(
        f"server CPU per view (time.process_time), {views} warm views each in {args.blocks} "
        f"alternating blocks; standalone sandbox, no latency"
    )
    print(
        f"{'view':<20}{'CPU med':>9}{'CPU p90':>9}{'vs admin':>10}{'wall med':>10}"
        f"{'CRM calls/view':>16}"
    )
    for sampler in samplers:
        median = statistics.median(sampler.cpu)
        print(
            f"{sampler.name:<20}{median:>9.2f}{_percentile(sampler.cpu, 0.9):>9.2f}"
            f"{median / anchor:>9.2f}x{statistics.median(sampler.wall):>10.2f}"
            f"{calls[sampler.name]:>16.2f}"
        )
    print(
        f"{'admin changelist':<20}{anchor:>9.2f}{_percentile(admin_cpu, 0.9):>9.2f}"
        f"{1:>9.2f}x{'':>10}{'(local SQLite)':>16}"
    )
    print(
        f"cold list page (empty cache): {cold_list_calls} upstream calls before it is sent, "
        f"{cold_names_calls} more for its related names, beside it"
    )
    print(f"cold contact page (empty cache): {cold_detail_calls} upstream calls")


if __name__ == "__main__":
    main()
