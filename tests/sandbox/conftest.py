"""Fixtures for the sandbox's own tests: no Django, no network, no real waiting."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.app import SandboxApp, make_app
from sandbox.config import SandboxConfig
from tests.sandbox.helpers import FakeClock, FakeSleep, client_for


@pytest.fixture
def clock() -> FakeClock:
    """Return the fake clock every sandbox built by `build_sandbox` uses."""
    return FakeClock()


@pytest.fixture
def sleep(clock: FakeClock) -> FakeSleep:
    """Return the fake sleep every sandbox built by `build_sandbox` uses."""
    return FakeSleep(clock)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed the demo workspace once per run; tests work on copies of the file."""
    path = tmp_path_factory.mktemp("sandbox-template") / "sandbox.sqlite3"
    make_app(SandboxConfig(db_path=path, rate_limit=None)).close()
    return path


@pytest.fixture
def db_path(seeded_db: Path, tmp_path: Path) -> Path:
    """Give the test its own copy of the seeded database."""
    path = tmp_path / "sandbox.sqlite3"
    shutil.copy(seeded_db, path)
    return path


@pytest.fixture
def build_sandbox(
    db_path: Path, clock: FakeClock, sleep: FakeSleep
) -> Iterator[Callable[..., SandboxApp]]:
    """Build sandbox apps on the test's database; rate limiting is off unless asked for."""
    apps: list[SandboxApp] = []

    def build(**overrides: Any) -> SandboxApp:
        options: dict[str, Any] = {
            "db_path": db_path,
            "rate_limit": None,
            "clock": clock,
            "sleep": sleep,
        }
        app = make_app(SandboxConfig(**(options | overrides)))
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def app(build_sandbox: Callable[..., SandboxApp]) -> SandboxApp:
    """Return a well-behaved sandbox on a private copy of the demo workspace."""
    return build_sandbox()


@pytest.fixture
def client(app: SandboxApp) -> Iterator[httpx.Client]:
    """Return a client for `app`, authenticated and versioned."""
    with client_for(app) as http:
        yield http


@pytest.fixture(scope="session")
def shared_app(seeded_db: Path) -> Iterator[SandboxApp]:
    """Return one sandbox shared by read-only tests (never write through it)."""
    app = make_app(SandboxConfig(db_path=seeded_db, rate_limit=None))
    yield app
    app.close()


@pytest.fixture
def reader(shared_app: SandboxApp) -> Iterator[httpx.Client]:
    """Return a client for the shared, read-only sandbox."""
    with client_for(shared_app) as http:
        yield http
