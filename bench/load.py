"""Load the dashboard as production runs it: gunicorn (dashboard/gunicorn.conf.py) in front of a
standalone sandbox at its default 25 requests/s per category, everything on loopback.

  (a) one person opens ten cold list pages in a row (and, like a browser, each page's
      deferred names request): upstream calls, 429s, time to first byte per page;
  (b) N simulated people for D seconds, cold then warm, split over two gunicorn instances
      that share Redis: sandbox 429s, views served, people shown "busy", p50/p95, peak
      upstream calls per category in any one second;
  (c) the same with faults (10 % 5xx, 5 % 10-s hangs) and the rate limit on: share of views
      served, dashboard 5xx.

Prints figures; asserts nothing. `BENCH_QUICK=1` (or --quick) shortens (b) and (c) to 15 s and
20 people. Uses Redis database 11 (REDIS_URL_BENCH overrides), which it flushes.

    make bench      # runs bench/run.py, then this
    .venv/bin/python bench/load.py --quick
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REDIS_URL = os.environ.get("REDIS_URL_BENCH", "redis://127.0.0.1:6379/11")
NAMES_URL = re.compile(r'hx-get="(/contacts/names/\?[^"]+)"')
# The demo workspace has ~2,000 contacts: 80 pages of 25.
PAGES = 80


def free_port() -> int:
    """Return a loopback port nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url} did not start:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start in time:\n{log.read_text()[-3000:]}")


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path, probe: str) -> Iterator[None]:
    """Run a server process until the block ends (terminated, then killed if it lingers)."""
    with log.open("ab") as out:
        process = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(probe, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def sandbox(workdir: Path, seed_db: Path, *faults: str) -> Iterator[str]:
    """Run the standalone sandbox (default rate limit) on a fresh copy of the seeded data."""
    db = workdir / f"sandbox-{time.monotonic_ns()}.sqlite3"
    shutil.copy(seed_db, db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [PYTHON, "manage.py", "sandbox", "--port", str(port), "--db", str(db), *faults]
    with running(
        args, os.environ | {"DEBUG": "true"}, workdir / "sandbox.log", url + "/_sandbox/stats"
    ):
        yield url


def dashboard_env(workdir: Path, sandbox_url: str, *, redis: bool, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dashboard.settings",
            "SECRET_KEY": "bench-only",
            "DEBUG": "false",
            "CRM_BACKEND": "lightfield",
            "LIGHTFIELD_API_KEY": "sk_sandbox_demo",
            "LIGHTFIELD_BASE_URL": sandbox_url,
            "AUTH_MODE": "dev",  # allowed: the CRM is on loopback
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{workdir / 'dashboard.sqlite3'}",
            "RATE_BUDGET_DIR": str(workdir / "budget"),
            "CACHE_DIR": str(workdir / "cache"),
            "PROMETHEUS_MULTIPROC_DIR": str(workdir / f"metrics-{name}"),
            # Two cores are shared by everything here: two workers per instance.
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
            "GUNICORN_ACCESS_LOG": str(workdir / f"access-{name}.log"),
        }
    )
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = REDIS_URL
    return env


@contextmanager
def dashboards(workdir: Path, sandbox_url: str, count: int, *, redis: bool) -> Iterator[list[str]]:
    """Run ``count`` gunicorn instances as the Dockerfile does; yield their base URLs."""
    urls = []
    with ExitStack() as stack:
        for index in range(count):
            port = free_port()
            env = dashboard_env(workdir, sandbox_url, redis=redis, name=str(index))
            env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
            url = f"http://127.0.0.1:{port}"
            args = [PYTHON, "-m", "gunicorn", "-c", "dashboard/gunicorn.conf.py"]
            stack.enter_context(
                running(args, env, workdir / f"gunicorn-{index}.log", url + "/healthz")
            )
            urls.append(url)
        yield urls


def warm_processes(sites: list[str], workdir: Path) -> None:
    """Run every worker's first requests (lazy imports, template compiling), then empty the
    caches again: "cold" below means cold caches, not freshly forked processes."""

    def visit(site: str, page: int) -> None:
        httpx.get(f"{site}/contacts/?page={page}", timeout=60)

    threads = [
        threading.Thread(target=visit, args=(site, 70 + i)) for site in sites for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    reset_shared_state(workdir)
    # Each process keeps its own copy for up to LOCAL_SECONDS (10 s): let it lapse.
    time.sleep(11)


def reset_shared_state(workdir: Path) -> None:
    """Make the next run cold: empty Redis db, file cache and budget files."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    for name in ("cache", "budget"):
        shutil.rmtree(workdir / name, ignore_errors=True)


def sandbox_stats(url: str, *, reset: bool = False) -> dict[str, object]:
    response = httpx.request("DELETE" if reset else "GET", url + "/_sandbox/stats", timeout=5)
    return response.json()  # type: ignore[no-any-return]


# -- (a) ten cold list pages by one person ---------------------------------------------------


def ten_cold_pages(workdir: Path, seed_db: Path) -> None:
    reset_shared_state(workdir)
    with sandbox(workdir, seed_db) as crm, dashboards(workdir, crm, 1, redis=False) as (site,):
        sandbox_stats(crm, reset=True)
        rows = []
        with httpx.Client(base_url=site, timeout=30) as browser:
            for page in range(4, 14):
                before = sandbox_stats(crm)["requests"]
                started = time.perf_counter()
                with browser.stream("GET", f"/contacts/?page={page}") as response:
                    chunks = response.iter_raw()
                    first = next(chunks, b"")
                    ttfb = time.perf_counter() - started
                    body = first + b"".join(chunks)
                html = body.decode(errors="replace")
                names = NAMES_URL.search(html)
                if names:  # what the browser does right after the page loads
                    browser.get(names.group(1).replace("&amp;", "&"))
                after = sandbox_stats(crm)["requests"]
                rows.append((page, response.status_code, ttfb * 1000, int(after) - int(before)))
        stats = sandbox_stats(crm)
    print("(a) ten cold list pages, one person, gunicorn + standalone sandbox at 25 req/s")
    print(f"    {'page':>4} {'status':>6} {'TTFB ms':>9} {'upstream calls':>15}")
    for page, status, ttfb, calls in rows:
        print(f"    {page:>4} {status:>6} {ttfb:>9.0f} {calls:>15}")
    print(
        f"    total upstream calls {stats['requests']}, 429s {stats['rate_limited']}, "
        f"max per page {max(r[3] for r in rows)}, median TTFB "
        f"{statistics.median(r[2] for r in rows):.0f} ms"
    )


# -- (b)/(c) many people --------------------------------------------------------------------


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    names_requests: int = 0

    def add(self, outcome: str, seconds: float) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            self.latencies.append(seconds)


def classify(response: httpx.Response) -> str:
    if response.status_code == 200:
        return "served"
    if response.status_code == 503 and "Retry-After" in response.headers:
        return "busy"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return f"other {response.status_code}"


def person(site: str, until: float, tally: Tally, seed: int) -> None:
    """Browse list pages back to back (no think time), following each deferred names request."""
    rng = random.Random(seed)
    with httpx.Client(base_url=site, timeout=30) as browser:
        while time.monotonic() < until:
            url = f"/contacts/?page={rng.randint(1, PAGES)}"
            started = time.perf_counter()
            try:
                response = browser.get(url)
            except httpx.HTTPError:
                tally.add("no answer", time.perf_counter() - started)
                continue
            tally.add(classify(response), time.perf_counter() - started)
            names = NAMES_URL.search(response.text) if response.status_code == 200 else None
            if names and time.monotonic() < until:
                try:
                    browser.get(names.group(1).replace("&amp;", "&"))
                    with tally.lock:
                        tally.names_requests += 1
                except httpx.HTTPError:
                    pass
            if response.status_code == 503:
                # A person told "busy" waits a moment before clicking again.
                time.sleep(min(float(response.headers.get("Retry-After", "1")), 3.0))


def crowd(sites: list[str], crm: str, people: int, seconds: float, label: str) -> None:
    sandbox_stats(crm, reset=True)
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=person, args=(sites[i % len(sites)], until, tally, i), daemon=True)
        for i in range(people)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        # Requests time out after 30 s, so every person stops within that of the deadline.
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    stats = sandbox_stats(crm)
    views = sum(tally.outcomes.values())
    ordered = sorted(tally.latencies) or [0.0]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    served = tally.outcomes["served"]
    errors = sum(v for k, v in tally.outcomes.items() if k.startswith("error"))
    peaks = stats["peak_per_second"]
    print(f"{label}: {people} people, {elapsed:.0f} s, {len(sites)} gunicorn instance(s)")
    print(
        f"    list views {views} ({views / elapsed:.1f}/s): served {served} "
        f"({served / max(views, 1):.0%}), busy message {tally.outcomes['busy']}, "
        f"dashboard 5xx {errors + tally.outcomes['busy']} (of which busy 503 "
        f"{tally.outcomes['busy']}), other {dict(tally.outcomes)}"
    )
    print(
        f"    latency p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
        f"deferred names requests {tally.names_requests}"
    )
    print(
        f"    upstream calls {stats['requests']} ({stats['by_category']}), 429s "
        f"{stats['rate_limited']}, peak calls in one second per category {peaks}, "
        f"statuses {stats['by_status']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--people", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--only", choices=["a", "b", "c"])
    parser.add_argument("--keep", action="store_true", help="keep the logs in the workdir")
    args = parser.parse_args()
    people = args.people or (20 if args.quick else 50)
    seconds = args.seconds or (15.0 if args.quick else 60.0)

    workdir = Path(tempfile.mkdtemp(prefix="contacts-load-"))
    env = dashboard_env(workdir, "http://127.0.0.1:1", redis=False, name="setup")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    # Seed the demo workspace once; every scenario gets its own copy.
    seed_db = workdir / "seed.sqlite3"
    subprocess.run(
        [
            PYTHON,
            "-c",
            "from sandbox.app import make_app; from sandbox.config import SandboxConfig;"
            f"make_app(SandboxConfig(db_path={str(seed_db)!r})).close()",
        ],
        cwd=REPO,
        check=True,
    )
    print(f"load benchmark (workdir {workdir}); CPU cores: {os.cpu_count()}")

    if args.only in (None, "a"):
        ten_cold_pages(workdir, seed_db)
    if args.only in (None, "b"):
        reset_shared_state(workdir)
        with sandbox(workdir, seed_db) as crm, dashboards(workdir, crm, 2, redis=True) as sites:
            warm_processes(sites, workdir)
            crowd(sites, crm, people, seconds, "(b) cold")
            crowd(sites, crm, people, seconds, "(b) warm")
    if args.only in (None, "c"):
        reset_shared_state(workdir)
        faults = ("--error-rate", "0.1", "--timeout-rate", "0.05", "--timeout-seconds", "10")
        with (
            sandbox(workdir, seed_db, *faults) as crm,
            dashboards(workdir, crm, 2, redis=True) as sites,
        ):
            crowd(sites, crm, people, seconds, "(c) faults: 10 % 5xx, 5 % 10-s hangs, 25 req/s")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
