"""Browsing as a salesperson does: search, paging and Back, columns, keyboard, no JavaScript."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "#results p.summary"


def _total(page) -> int:  # type: ignore[no-untyped-def]
    text = page.locator(SUMMARY).inner_text()
    match = re.search(r"of ([\d,]+)", text)
    return int(match.group(1).replace(",", "")) if match else 0


def test_typing_in_search_narrows_the_list_and_puts_it_in_the_url(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    everyone = _total(page)
    page.locator("#search").fill("Zo")
    page.wait_for_url(re.compile(r"q=Zo"))
    page.wait_for_function(
        "total => !document.querySelector('#results p.summary').innerText.includes(total)",
        arg=f"of {everyone:,}",
    )
    assert 0 < _total(page) < everyone
    names = page.locator("table.records tbody a.row-link").all_inner_texts()
    assert names
    assert all(name.lower().startswith("zo") for name in names)


def test_paging_with_htmx_then_back_restores_the_previous_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    first_row = page.locator("table.records tbody a.row-link").first.inner_text()
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2$"))
    assert page.locator(SUMMARY).inner_text().startswith("26–50")
    page.go_back()
    page.wait_for_url(re.compile(r"/contacts/$"))
    page.wait_for_function(
        "document.querySelector('#results p.summary').innerText.startsWith('1–25')"
    )
    assert page.locator("table.records tbody a.row-link").first.inner_text() == first_row


def test_a_reload_of_a_pushed_url_shows_the_same_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.get_by_role("link", name="Page 3").click()
    page.wait_for_url(re.compile(r"page=3$"))
    page.reload()
    assert page.locator(SUMMARY).inner_text().startswith("51–75")


def test_a_chosen_column_set_survives_a_new_session(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto("/contacts/")
    page.locator("#columns-panel summary").click()
    page.locator("#columns-panel").get_by_label("Email", exact=True).uncheck()
    page.locator("#columns-panel").get_by_label("Lead score", exact=True).check()
    page.get_by_role("button", name="Save columns").click()
    page.wait_for_load_state()

    later = new_page()
    later.goto("/contacts/")
    headers = later.locator("table.records thead th").all_inner_texts()
    assert "LEAD SCORE" in [h.upper() for h in headers]
    assert "EMAIL" not in [h.upper() for h in headers]


def test_the_keyboard_moves_through_rows_and_opens_a_contact(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    second = page.locator("table.records tbody a.row-link").nth(1)
    assert page.evaluate("document.activeElement.textContent") == second.inner_text()
    page.keyboard.press("k")
    first = page.locator("table.records tbody a.row-link").first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/con_"))
    assert page.get_by_role("heading", level=1).inner_text() == first


def test_question_mark_shows_the_shortcuts(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.keyboard.press("?")
    assert page.get_by_role("dialog", name="Keyboard shortcuts").is_visible()


def test_every_page_works_with_javascript_off(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(java_script_enabled=False)
    page.goto("/contacts/")
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2$"))
    assert page.locator(SUMMARY).inner_text().startswith("26–50")

    page.locator("#search").fill("Zo")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=Zo"))
    names = page.locator("table.records tbody a.row-link").all_inner_texts()
    assert names
    assert all(n.lower().startswith("zo") for n in names)

    page.locator("#filters-panel summary").click()
    page.locator("#filters-panel").get_by_label("Newsletter").select_option("true")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"f.newsletter=true"))
    assert page.get_by_role("list", name="Active filters").is_visible()

    page.locator("table.records tbody a.row-link").first.click()
    page.wait_for_url(re.compile(r"/contacts/con_"))
    assert page.get_by_role("heading", name="Fields", exact=True).is_visible()


def test_axe_finds_no_violations_on_the_list(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.locator("#filters-panel summary").click()
    page.locator("#columns-panel summary").click()
    assert axe_violations(page) == []


def test_axe_finds_no_violations_on_the_contact_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.locator("table.records tbody a.row-link").nth(2).click()
    page.wait_for_url(re.compile(r"/contacts/con_"))
    assert axe_violations(page) == []
