"""Load the list page under gunicorn, as production runs it, against a slow standalone sandbox.

Starts a standalone sandbox (``--latency 0.05``, rate limit off) and gunicorn (with
dashboard/gunicorn.conf.py when it exists, else the Dockerfile's flags), both on loopback,
warms every worker's caches, then drives list pages at concurrency 1, 8 and 32 for a fixed time.
Prints throughput, p50/p95 latency and CPU per view of the gunicorn process tree and of the
sandbox (utime+stime from /proc): on a small shared machine the CRM stand-in eats into the same
cores, so its share is printed beside ours. Uses ``wrk`` when it is installed, else a threaded
httpx client.

    .venv/bin/python bench/gunicorn_load.py [--seconds 10] [--concurrency 1 8 32]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SANDBOX_KEY = "sk_sandbox_demo"
# Pages the load cycles through: every worker sees each of them while warming.
PAGES = 20
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# wrk script: cycle through the list pages and print the figures as one JSON line.
_WRK_SCRIPT = """
local paths = {}
for i = 1, %(pages)d do paths[i] = "/contacts/?page=" .. i end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "errors": %%d, "p50_ms": %%f, "p95_ms": %%f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    """Wait until ``url`` answers, or stop if ``process`` died."""
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start") from None
            time.sleep(0.2)


@contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process for the duration of the block, then stop it."""
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log_file, stderr=log_file)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def tree_cpu_seconds(root: int) -> float:
    """Return utime+stime of ``root`` and its children, read from /proc.

    The root's cutime+cstime count too: they hold the CPU of children it has reaped (gunicorn
    workers recycled after ``max_requests``), which would otherwise vanish from the sum.
    """
    pids = [root]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == root:
                pids.append(int(entry.name))
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        if pid == root:
            total += int(fields[13]) + int(fields[14])
    return total / _CLOCK_TICKS


def gunicorn_command(port: int) -> list[str]:
    """Return the gunicorn command line, from the config file when the project has one."""
    bind = ["--bind", f"127.0.0.1:{port}"]
    if (REPO / "dashboard" / "gunicorn.conf.py").exists():
        return [PYTHON, "-m", "gunicorn", "-c", "dashboard/gunicorn.conf.py", *bind]
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    return [
        PYTHON, "-m", "gunicorn", "dashboard.wsgi:application", *bind,
        "--workers", workers, "--threads", "4", "--access-logfile", "-",
    ]  # fmt: skip


def load_with_wrk(base: str, concurrency: int, seconds: float, workdir: Path) -> dict[str, float]:
    """Drive the list pages with wrk; return its figures."""
    script = workdir / "pages.lua"
    script.write_text(_WRK_SCRIPT % {"pages": PAGES})
    threads = min(concurrency, 2)
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{seconds:.0f}s",
         "--timeout", "10s", "-s", str(script), base],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_with_httpx(base: str, concurrency: int, seconds: float) -> dict[str, float]:
    """Drive the list pages from threads with keep-alive httpx clients; return the figures."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=10) as client:
            n = offset
            while time.perf_counter() < stop_at:
                n += 1
                started = time.perf_counter()
                status = client.get(f"/contacts/?page={1 + n % PAGES}").status_code
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed * 1000)
                    errors += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "seconds": time.perf_counter() - started,
        "errors": errors,
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def _lookups(sandbox_log: Path) -> int:
    """Count the sandbox's requests other than contact lists (names, definitions, members)."""
    lines = sandbox_log.read_text(errors="replace").splitlines()
    return sum('"GET /v1/' in line and '"GET /v1/contacts?' not in line for line in lines)


def warm(base: str, sandbox_log: Path, rounds: int = 12) -> None:
    """Load every page until a whole round asks the sandbox for nothing but the lists.

    Caches are per worker process (no REDIS_URL), so each worker has to see each page once.
    """
    for _ in range(rounds):
        before = _lookups(sandbox_log)
        load_with_httpx(base, 16, 3.0)
        if _lookups(sandbox_log) == before:
            return
    print("warning: caches still filling after warming", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--latency", type=float, default=0.05, help="sandbox latency, seconds")
    parser.add_argument("--httpx", action="store_true", help="use the httpx generator, not wrk")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="contacts-load-"))
    sandbox_port, web_port = free_port(), free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    base = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "SECRET_KEY": "bench-only",
        "DEBUG": "false",
        "CRM_BACKEND": "lightfield",
        "LIGHTFIELD_API_KEY": SANDBOX_KEY,
        "LIGHTFIELD_BASE_URL": sandbox_url,
        "AUTH_MODE": "dev",  # allowed: the CRM is on a loopback address
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{workdir / 'dashboard.sqlite3'}",
        "PROMETHEUS_MULTIPROC_DIR": str(workdir / "metrics"),
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    sandbox = [
        PYTHON, "manage.py", "sandbox", "--port", str(sandbox_port),
        "--db", str(workdir / "sandbox.sqlite3"), "--rate-limit", "0",
        "--latency", str(args.latency),
    ]  # fmt: skip
    use_wrk = not args.httpx and shutil.which("wrk") is not None
    with running(sandbox, env, workdir / "sandbox.log") as sandbox_process:
        wait_for(f"{sandbox_url}/v1/auth/validate", sandbox_process, "the sandbox")
        with running(gunicorn_command(web_port), env, workdir / "gunicorn.log") as server:
            wait_for(f"{base}/contacts/?page=1", server, "gunicorn")
            warm(base, workdir / "sandbox.log")
            print(
                f"gunicorn list pages ({'wrk' if use_wrk else 'httpx threads'}), sandbox latency "
                f"{args.latency * 1000:.0f} ms, warm caches, {args.seconds:.0f} s per level"
            )
            print(f"{'concurrency':>11}{'views/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
                  f"{'CPU ms/view':>13}{'CRM CPU':>9}{'errors':>8}")  # fmt: skip
            for concurrency in args.concurrency:
                cpu_before = tree_cpu_seconds(server.pid)
                sandbox_before = tree_cpu_seconds(sandbox_process.pid)
                if use_wrk:
                    figures = load_with_wrk(base, concurrency, args.seconds, workdir)
                else:
                    figures = load_with_httpx(base, concurrency, args.seconds)
                cpu = tree_cpu_seconds(server.pid) - cpu_before
                # The sandbox shares the machine's cores: its CPU is the budget the CRM takes.
                sandbox_cpu = tree_cpu_seconds(sandbox_process.pid) - sandbox_before
                requests = max(1, int(figures["requests"]))
                print(
                    f"{concurrency:>11}{figures['requests'] / figures['seconds']:>9.1f}"
                    f"{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}"
                    f"{cpu * 1000 / requests:>13.2f}{sandbox_cpu * 1000 / requests:>9.2f}"
                    f"{int(figures['errors']):>8}"
                )


if __name__ == "__main__":
    main()
