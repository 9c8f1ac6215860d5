"""Fixtures for the HighLevel sandbox: seed once per run, copy the database per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.highlevel import HighLevelSandboxApp, HighLevelSandboxConfig, make_app
from tests.sandbox.helpers import FakeClock, FakeSleep
from tests.sandbox.highlevel.helpers import client_for


@pytest.fixture(scope="session")
def hl_seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed the demo location once per run; tests work on copies of the file."""
    path = tmp_path_factory.mktemp("highlevel-template") / "highlevel.sqlite3"
    make_app(HighLevelSandboxConfig(db_path=path, rate_limit=None)).close()
    return path


@pytest.fixture
def hl_db(hl_seeded_db: Path, tmp_path: Path) -> Path:
    """Give the test its own copy of the seeded database."""
    path = tmp_path / "highlevel.sqlite3"
    shutil.copy(hl_seeded_db, path)
    return path


@pytest.fixture
def build_hl(
    hl_db: Path, clock: FakeClock, sleep: FakeSleep
) -> Iterator[Callable[..., HighLevelSandboxApp]]:
    """Build HighLevel sandboxes on the test's database; rate limiting is off unless asked for."""
    apps: list[HighLevelSandboxApp] = []

    def build(**overrides: Any) -> HighLevelSandboxApp:
        options: dict[str, Any] = {
            "db_path": hl_db,
            "rate_limit": None,
            "clock": clock,
            "sleep": sleep,
        }
        app = make_app(HighLevelSandboxConfig(**(options | overrides)))
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def hl_app(build_hl: Callable[..., HighLevelSandboxApp]) -> HighLevelSandboxApp:
    """Return a well-behaved HighLevel sandbox on a private copy of the demo location."""
    return build_hl()


@pytest.fixture
def hl(hl_app: HighLevelSandboxApp) -> Iterator[httpx.Client]:
    """Return a client for `hl_app` with the demo token and the Version header."""
    with client_for(hl_app) as http:
        yield http


@pytest.fixture(scope="session")
def hl_shared(hl_seeded_db: Path) -> Iterator[HighLevelSandboxApp]:
    """Return one sandbox shared by read-only tests (never write through it)."""
    app = make_app(HighLevelSandboxConfig(db_path=hl_seeded_db, rate_limit=None))
    yield app
    app.close()


@pytest.fixture
def hl_reader(hl_shared: HighLevelSandboxApp) -> Iterator[httpx.Client]:
    """Return a client for the shared, read-only sandbox."""
    with client_for(hl_shared) as http:
        yield http
