"""The browser-test harness: Playwright driving Debian's chromium against a live dashboard."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; Django's async-safety guard would
# otherwise refuse the ORM calls the live server's fixtures make from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Launch one headless chromium for the session (CI must have it; locally it may skip)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run must apt-get install chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, crm) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Open a fresh browser page whose base URL is the live dashboard on the sandbox."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    outside_requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else outside_requests.append(request.url)
        ),
    )
    yield page
    context.close()
    assert not outside_requests, f"the page loaded from another host: {outside_requests}"


AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core (WCAG 2.x A and AA rules) on the page and return its violations."""
    # Evaluated through the DevTools protocol, which the page's strict CSP does not block; a
    # <script> tag would be (rightly) refused as inline script.
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return list(result)


@pytest.fixture
def new_page(browser, live_server, crm):  # type: ignore[no-untyped-def]
    """Open pages in fresh browser contexts (new cookies: a new session) on the live dashboard."""
    contexts = []

    def open_page(**context_options: object):  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url, **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
