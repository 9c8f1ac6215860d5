"""A CRM that answers too slowly: the page gives up within the read deadline and says so.

Both embedded sandboxes take a latency knob, and their sleeps move a fake clock (only once
the test turns the slowness on); the transport below turns an answer that came later than
the attempt's read timeout into the ReadTimeout a socket would raise. Nothing waits for real.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from django.test import Client

from contacts_ui.crm.calls import READ_DEADLINE, READ_TIMEOUT
from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.port import CRM
from contacts_ui.services import related
from sandbox import highlevel
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, FakeClock, install_client
from tests.integration.highlevel_support import hl_seeded

__all__ = ["hl_seeded"]

pytestmark = pytest.mark.django_db

LATENCY = 10.0
TOO_SLOW = "The CRM took too long to answer."
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/contacts/"}


@dataclass
class SlowCRM(httpx.BaseTransport):
    """Pass requests to a sandbox; an answer later than the read timeout is a ReadTimeout."""

    clock: FakeClock = field(default_factory=FakeClock)
    slow: bool = False
    inner: httpx.BaseTransport | None = None
    # (method, path, read timeout) of each attempt made while slow.
    attempts: list[tuple[str, str, float]] = field(default_factory=list)

    def sandbox_sleep(self, seconds: float) -> None:
        """Be the sandbox's sleep: its latency costs time only once the CRM is slow."""
        if self.slow:
            self.clock.sleep(seconds)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert self.inner is not None
        started = self.clock()
        allowed: float = request.extensions["timeout"]["read"]
        if self.slow:
            self.attempts.append((request.method, request.url.path, allowed))
        response = self.inner.handle_request(request)
        if self.clock() - started > allowed:
            # The client stopped listening when its timeout ran out, not when the CRM answered.
            self.clock.now = started + allowed
            raise httpx.ReadTimeout("no answer within the read timeout", request=request)
        return response


def _lightfield(request: pytest.FixtureRequest, slow: SlowCRM) -> CRM:
    make_sandbox: Callable[..., object] = request.getfixturevalue("make_sandbox")
    app = make_sandbox(latency=LATENCY, sleep=slow.sandbox_sleep)
    slow.inner = httpx.WSGITransport(app=app)  # type: ignore[arg-type]
    return LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=slow,
        sleep=slow.clock.sleep,
        monotonic=slow.clock,
        random=lambda: 0.0,
    )


def _highlevel(request: pytest.FixtureRequest, slow: SlowCRM, tmp_path: Path) -> CRM:
    db = tmp_path / "highlevel.sqlite3"
    shutil.copy(request.getfixturevalue("hl_seeded"), db)
    config = highlevel.HighLevelSandboxConfig(
        db_path=db, rate_limit=None, latency=LATENCY, sleep=slow.sandbox_sleep
    )
    app = highlevel.make_app(config)
    request.addfinalizer(app.close)
    slow.inner = httpx.WSGITransport(app=app)
    return HighLevelClient(
        token=highlevel.DEFAULT_API_KEY,
        location_id=highlevel.DEFAULT_LOCATION_ID,
        base_url=SANDBOX_URL,
        transport=slow,
        sleep=slow.clock.sleep,
        monotonic=slow.clock,
        random=lambda: 0.0,
    )


@pytest.fixture(params=["lightfield", "highlevel"])
def slow_crm(request: pytest.FixtureRequest, tmp_path: Path, client: Client) -> Iterator[SlowCRM]:
    """Wire the dashboard to a sandbox, show the list once, then make the CRM slow."""
    slow = SlowCRM()
    if request.param == "lightfield":
        crm = _lightfield(request, slow)
    else:
        crm = _highlevel(request, slow, tmp_path)
    for _ in install_client(crm):  # type: ignore[arg-type]
        # Definitions, members and names are known: the next page needs only its list call.
        assert client.get("/contacts/").status_code == 200
        related.settle()
        slow.slow = True
        yield slow


def test_a_page_turn_against_a_slow_crm_shows_the_banner_within_the_deadline(
    client: Client, slow_crm: SlowCRM
) -> None:
    response = client.get("/contacts/?page=2", headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#crm-banner"
    assert TOO_SLOW in response.content.decode()
    # The list call (a search POST on HighLevel) was tried twice with short attempts, and the
    # whole page cost the person no more than the read deadline.
    assert len(slow_crm.attempts) == 2
    assert len({(method, path) for method, path, _ in slow_crm.attempts}) == 1
    assert all(timeout <= READ_TIMEOUT.read for *_, timeout in slow_crm.attempts)
    assert slow_crm.clock.now <= READ_DEADLINE


def test_a_full_page_against_a_slow_crm_says_the_crm_was_too_slow(
    client: Client, slow_crm: SlowCRM
) -> None:
    response = client.get("/contacts/?page=3")

    assert response.status_code == 502
    assert TOO_SLOW in response.content.decode()
    assert slow_crm.clock.now <= READ_DEADLINE
