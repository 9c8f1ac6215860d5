"""The list shows at once and names its related accounts with one deferred request."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_without_javascript(browser, live_server, crm) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_pending_names_are_filled_in_after_the_page_loads(page) -> None:  # type: ignore[no-untyped-def]
    names_requests: list[str] = []
    page.on(
        "request", lambda r: names_requests.append(r.url) if "/contacts/names/" in r.url else None
    )
    page.goto("/contacts/?page=11")
    table = page.locator("table.records")
    # The page arrived with ids marked pending; one request later they are names.
    page.wait_for_function(
        "() => !document.querySelector('table.records .name-pending')", timeout=15_000
    )
    assert "(name pending)" not in table.inner_text()
    assert not re.search(r"\bacc_\w+", table.inner_text())
    assert len(names_requests) == 1
    assert page.url.endswith("/contacts/?page=11")  # the names request never touches history


def test_without_javascript_ids_stay_readable(page_without_javascript) -> None:  # type: ignore[no-untyped-def]
    page = page_without_javascript
    response = page.goto("/contacts/?page=12")
    assert response is not None
    assert response.status == 200
    text = page.locator("table.records").inner_text()
    assert re.search(r"acc_\w+ \(name pending\)", text)
