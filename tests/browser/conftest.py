"""The browser-test harness: Playwright driving Debian's chromium against a live dashboard."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

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
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Point pytest-playwright at Debian's chromium (CI must have it; locally it may skip)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run must apt-get install chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture
def browser_context_args(
    browser_context_args: dict[str, Any], live_server: Any, crm: Any
) -> dict[str, Any]:
    """Open every browser context on the live dashboard, itself on the sandbox."""
    return {**browser_context_args, "base_url": live_server.url}


def _same_host_only(page: Page, base_url: str, outside: list[str]) -> None:
    page.set_default_timeout(15_000)
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(base_url) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )


@pytest.fixture
def page(context: BrowserContext, live_server: Any) -> Iterator[Page]:
    """Open a page on the live dashboard that fails the test if it loads from another host."""
    outside_requests: list[str] = []
    page = context.new_page()
    _same_host_only(page, live_server.url, outside_requests)
    yield page
    assert not outside_requests, f"the page loaded from another host: {outside_requests}"


AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# WCAG 2.2 AA adds, among others, target size (24 by 24 px) for pointer targets.
AXE_TAGS_22 = [*AXE_TAGS, "wcag22aa"]


def axe_violations(page, tags: list[str] | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core (WCAG 2.x A and AA rules by default) on the page; return its violations."""
    # Evaluated through the DevTools protocol, which the page's strict CSP does not block; a
    # <script> tag would be (rightly) refused as inline script.
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""",
        tags or AXE_TAGS,
    )
    return list(result)


@pytest.fixture
def new_page(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """Open pages in fresh browser contexts (new cookies: a new session) on the live dashboard."""

    def open_page(**context_options: Any) -> Page:
        # pytest-playwright's new_context adds browser_context_args (the base URL) itself.
        context = new_context(**context_options)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    return open_page
