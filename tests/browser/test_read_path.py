"""A person opens the list, goes to page 2 and opens a contact."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_pages_to_page_two_and_opens_a_contact(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    summary = page.locator("p.summary")
    assert re.match(r"1–25 of [\d,]+", summary.inner_text())
    assert page.locator("table.records tbody tr").count() == 25

    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"/contacts/\?page=2$"))
    assert summary.inner_text().startswith("26–50 of ")

    first = page.locator("table.records tbody tr th a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/contacts/con_[^/]+/(\?.*)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.get_by_role("heading", name="Fields", exact=True).is_visible()
