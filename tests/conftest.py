"""Fixtures shared by the whole suite: a seeded sandbox and a dashboard client wired to it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.core.cache import caches

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.identity import signin
from contacts_ui.services import backend as services
from contacts_ui.services import related
from sandbox.app import make_app
from sandbox.config import SandboxConfig

SANDBOX_KEY = "sk_sandbox_demo"
SANDBOX_URL = "http://sandbox.local"
REPO = Path(__file__).resolve().parent.parent


def no_sleep(_seconds: float) -> None:
    """Stand in for time.sleep so no test ever waits."""


class FakeClock:
    """Stand in for time.monotonic and time.sleep: time moves only when slept or told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _forget_signed_in_users() -> Iterator[None]:
    """Each test's database starts afresh (rolled back): so must the sign-in memo of users."""
    signin.forget_users()
    yield
    signin.forget_users()


@pytest.fixture(scope="session")
def seeded_sandbox_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed the demo workspace once per run; tests copy the file so writes stay private."""
    path = tmp_path_factory.mktemp("sandbox-seed") / "sandbox.sqlite3"
    app = make_app(SandboxConfig(db_path=path, rate_limit=None))
    close = getattr(app, "close", None)
    if callable(close):
        close()
    return path


@pytest.fixture
def sandbox_db(seeded_sandbox_db: Path, tmp_path: Path) -> Path:
    """Give a test its own copy of the seeded sandbox database."""
    path = tmp_path / "sandbox.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{seeded_sandbox_db}{suffix}")
        if source.exists():
            shutil.copy(source, Path(f"{path}{suffix}"))
    return path


@pytest.fixture
def make_sandbox(sandbox_db: Path) -> Callable[..., object]:
    """Build a sandbox app on the test's database with any config overrides."""

    def build(**overrides: object) -> object:
        options: dict[str, object] = {"db_path": sandbox_db, "rate_limit": None} | overrides
        return make_app(SandboxConfig(**options))  # type: ignore[arg-type]

    return build


@pytest.fixture
def sandbox_app(make_sandbox: Callable[..., object]) -> object:
    """Return a sandbox app with the demo workspace and no rate limit."""
    return make_sandbox()


def install_client(client: LightfieldClient) -> Iterator[LightfieldClient]:
    """Make the dashboard use ``client`` for the duration of a test, with a cold cache."""
    previous = services.use_crm(client)
    clear_caches()
    try:
        yield client
    finally:
        # Background name lookups started by this test's pages must not reach the next test.
        related.settle()
        services.use_crm(previous)
        clear_caches()
        client.close()


def clear_caches() -> None:
    """Empty the shared cache and this process's layer in front of it."""
    for alias in ("default", "local"):
        caches[alias].clear()


@pytest.fixture
def crm(sandbox_app: object) -> Iterator[LightfieldClient]:
    """Wire the dashboard to the embedded sandbox through the real client, as `make run` does."""
    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=sandbox_app),
        sleep=no_sleep,
    )
    yield from install_client(client)


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def standalone_sandbox_at(db: Path, log: Path, *args: str, rate_limit: float = 0) -> Iterator[str]:
    """Run `manage.py sandbox` as its own process on a free port; yield its base URL.

    `args` go to the command line as they are (e.g. `--api highlevel`); ``rate_limit`` is
    requests/s per category (0: off; the sandbox's own default is 25). The server logs every
    request, so it writes to a file: a pipe that nobody reads would fill up and block it.
    """
    port = free_port()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "sandbox",
                "--port",
                str(port),
                "--db",
                str(db),
                "--rate-limit",
                str(rate_limit),
                *args,
            ],
            cwd=REPO,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # Any answer (a 401 from the HighLevel flavour too) means it is serving.
                httpx.get(f"{url}/v1/auth/validate", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the standalone sandbox did not start:\n{log.read_text()}")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def standalone_sandbox(sandbox_db: Path, tmp_path: Path) -> Iterator[str]:
    """Run the standalone sandbox on this test's copy of the demo workspace."""
    with standalone_sandbox_at(sandbox_db, tmp_path / "sandbox.log") as url:
        yield url


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Run a real OpenID provider (tests/oidc/provider.mjs) whose client is the live dashboard."""
    from tests.oidc.harness import run_provider

    with run_provider(live_server.url, tmp_path_factory.mktemp("oidc")) as provider:
        yield provider
