"""Profile warm views in-process (cProfile) against a standalone sandbox: where the CPU goes.

    .venv/bin/python bench/profile_views.py [--view list|htmx|contact] [--views 160] [--top 40]

Uses bench/run.py's setup (same environment, same sandbox), warms every page twice, then
profiles ``--views`` views and prints the functions with the most own and cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.gunicorn_load import running, wait_for  # noqa: E402
from bench.run import PAGES, SANDBOX_PORT, SANDBOX_URL, WORKDIR  # noqa: E402  (sets the env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--view", choices=["list", "htmx", "contact"], default="list")
    parser.add_argument("--views", type=int, default=160)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--out", help="write the raw profile here (for snakeviz and the like)")
    args = parser.parse_args()
    sandbox = [
        sys.executable, "manage.py", "sandbox", "--port", str(SANDBOX_PORT),
        "--db", str(WORKDIR / "sandbox.sqlite3"), "--rate-limit", "0",
    ]  # fmt: skip
    import os

    with running(sandbox, dict(os.environ), WORKDIR / "sandbox.log") as process:
        wait_for(f"{SANDBOX_URL}/v1/auth/validate", process, "the sandbox")
        profile(args)


def profile(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from contacts_ui.services import backend, related

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    crm = backend.get_crm()
    if args.view == "contact":
        urls = [f"/contacts/{r.id}/" for r in crm.list_contacts(limit=25).data]
    else:
        urls = [f"/contacts/?page={1 + i}" for i in range(PAGES)]
    headers = {"HX-Request": "true"} if args.view == "htmx" else {}

    def views(count: int) -> None:
        for n in range(count):
            response = client.get(urls[n % len(urls)], headers=headers)
            assert response.status_code == 200, response.status_code
            related.settle()

    views(2 * len(urls))
    profiler = cProfile.Profile()
    profiler.enable()
    views(args.views)
    profiler.disable()
    if args.out:
        profiler.dump_stats(args.out)
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(
        f"{args.views} warm {args.view} views: {total * 1000 / args.views:.2f} ms per view "
        "under the profiler"
    )
    stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
