"""Fixtures: the dashboard on the embedded HighLevel sandbox, through the real HighLevel client.

Every request the client sends is recorded (method, path, query and JSON body), so tests can
say exactly what reached HighLevel.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from contacts_ui.crm.highlevel import HighLevelClient
from sandbox import highlevel
from tests.conftest import SANDBOX_URL, install_client, no_sleep


@dataclass
class Sent:
    """Keep one request the client sent: method, path, query and JSON body."""

    method: str
    path: str
    params: dict[str, str]
    body: Any


@dataclass
class HighLevelRecorder:
    """Pass requests to the sandbox and remember each one."""

    inner: httpx.BaseTransport
    sent: list[Sent] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        body = json.loads(content) if content else None
        self.sent.append(Sent(request.method, request.url.path, dict(request.url.params), body))
        return self.inner.handle_request(request)

    def calls(self, method: str, path: str | None = None) -> list[Sent]:
        """Return the requests with this method (and path, when given)."""
        return [s for s in self.sent if s.method == method and path in (None, s.path)]

    def clear(self) -> None:
        """Forget what was sent so far."""
        self.sent.clear()


@pytest.fixture(scope="session")
def hl_seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed the demo location once per run; tests copy the file so their writes stay private."""
    path = tmp_path_factory.mktemp("hl-seed") / "highlevel.sqlite3"
    highlevel.make_app(highlevel.HighLevelSandboxConfig(db_path=path, rate_limit=None)).close()
    return path


@pytest.fixture
def hl_recorder(hl_seeded: Path, tmp_path: Path) -> Iterator[HighLevelRecorder]:
    """Wire the dashboard to a private HighLevel sandbox through a recording transport."""
    db = tmp_path / "highlevel.sqlite3"
    shutil.copy(hl_seeded, db)
    app = highlevel.make_app(highlevel.HighLevelSandboxConfig(db_path=db, rate_limit=None))
    recorder = HighLevelRecorder(httpx.WSGITransport(app=app))
    client = HighLevelClient(
        token=highlevel.DEFAULT_API_KEY,
        location_id=highlevel.DEFAULT_LOCATION_ID,
        base_url=SANDBOX_URL,
        transport=httpx.MockTransport(recorder.handle),
        sleep=no_sleep,
    )
    for _ in install_client(client):  # type: ignore[arg-type]
        yield recorder
    app.close()


@pytest.fixture
def hl_crm(hl_recorder: HighLevelRecorder) -> HighLevelClient:
    """Return the HighLevel client the dashboard is using."""
    from contacts_ui.services.backend import get_crm

    crm = get_crm()
    assert isinstance(crm, HighLevelClient)
    return crm
