"""When the CRM fails during an htmx request, the page says so in a banner instead of freezing.

htmx 2 does not swap a 5xx answer, so these run in a real browser: the dashboard is switched to
a sandbox with the fault knob error_rate=1 after the page has loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.port import CRM
from contacts_ui.services import backend as services
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, no_sleep

pytestmark = pytest.mark.django_db(transaction=True)
BANNER = "#crm-banner [role=alert]"
FAILURE = "The CRM had a problem answering. Try again in a moment."


@pytest.fixture
def fail_crm(make_sandbox: Callable[..., object]) -> Iterator[Callable[[], None]]:
    """Return a switch that makes every later CRM request fail (500/503, no retries)."""
    failing = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=make_sandbox(error_rate=1.0)),
        max_retries=0,
        sleep=no_sleep,
    )
    previous: list[CRM | None] = []

    def switch() -> None:
        previous.append(services.use_crm(failing))
        cache.clear()

    yield switch
    if previous:
        services.use_crm(previous[0])
    failing.close()


def test_a_search_that_fails_shows_a_banner_and_keeps_the_address(
    page: Page, fail_crm: Callable[[], None]
) -> None:
    page.goto("/contacts/")
    fail_crm()
    page.locator("#search").fill("Zo")
    expect(page.locator(BANNER)).to_contain_text(FAILURE)
    assert "q=Zo" not in page.url
    expect(page.locator("table.records")).to_be_visible()


def test_a_page_turn_that_fails_shows_a_banner_with_a_retry_link(
    page: Page, fail_crm: Callable[[], None]
) -> None:
    page.goto("/contacts/")
    fail_crm()
    page.get_by_role("link", name="Next ›").click()
    expect(page.locator(BANNER)).to_contain_text(FAILURE)
    expect(page.locator(BANNER).get_by_role("link", name="Try again")).to_have_attribute(
        "href", "/contacts/"
    )


def test_a_panel_action_that_fails_shows_a_banner_and_leaves_the_panel(
    page: Page, crm: LightfieldClient, fail_crm: Callable[[], None]
) -> None:
    contact = next(r for r in crm.list_contacts(limit=25).data if r.related_ids("$account"))
    page.goto(f"/contacts/{contact.id}/")
    remove = page.get_by_role("button", name=re.compile(r"^Remove .* from Accounts$")).first
    fail_crm()
    remove.click()
    expect(page.locator(BANNER)).to_contain_text("The CRM")
    expect(page.locator("#relationships")).to_be_visible()
