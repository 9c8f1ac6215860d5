"""The salesperson's day by keyboard: search, move through results, open, edit, create."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

ACTIVE_ROW = "document.activeElement.classList.contains('row-link')"


def _search(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.keyboard.press("/")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"q={text}"))
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.activeElement.id === 'results'")


def test_esc_leaves_the_search_box_and_keeps_what_was_typed(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.keyboard.press("/")
    page.keyboard.type("Zo")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") != "search"
    assert page.locator("#search").input_value() == "Zo"


def test_after_a_search_j_and_enter_open_the_first_result(page) -> None:  # type: ignore[no-untyped-def]
    _search(page, "Zo")
    page.keyboard.press("j")
    assert page.evaluate(ACTIVE_ROW)
    first = page.locator("table.records tbody a.row-link").first.inner_text()
    assert first.lower().startswith("zo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/con_"))
    assert page.get_by_role("heading", level=1).inner_text() == first


def test_after_a_search_k_moves_back_up_the_results(page) -> None:  # type: ignore[no-untyped-def]
    _search(page, "Zo")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = page.locator("table.records tbody a.row-link").first.inner_text()
    assert page.evaluate("document.activeElement.textContent") == first


def test_e_edits_the_open_contact_with_focus_on_its_first_field(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.locator("table.records tbody a.row-link").first.click()
    page.wait_for_url(re.compile(r"/contacts/con_[^/]+/(\?.*)?$"))
    page.keyboard.press("e")
    page.wait_for_url(re.compile(r"/edit/$"))
    page.wait_for_function("document.activeElement.name === 'fields.$name_firstName'")


def test_n_starts_a_new_contact_with_focus_on_its_first_field(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/contacts/new/$"))
    page.wait_for_function("document.activeElement.name === 'fields.$name_firstName'")


def test_the_shortcuts_dialog_lists_every_shortcut(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    text = dialog.inner_text()
    for shortcut in ("/", "Esc", "j", "k", "Enter", "[", "]", "e", "n", "l", "Ctrl", "?"):
        assert shortcut in text, shortcut
    assert "Edit the open contact" in text
    assert "New contact" in text


def test_an_error_summary_link_moves_the_keyboard_to_its_field(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    href = page.locator("table.records tbody a.row-link").first.get_attribute("href")
    contact_id = re.search(r"/contacts/(con_[^/]+)/", href).group(1)
    page.goto(f"/contacts/{contact_id}/edit/")
    page.get_by_label("Phone 1", exact=True).fill("12")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    page.get_by_label("Job title").focus()
    summary.get_by_role("link", name=re.compile(r"^Phone:")).click()
    assert page.evaluate("document.activeElement.name") == "fields.$phone"


def test_l_then_typing_links_an_account_to_the_open_contact(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.locator("table.records tbody a.row-link").first.click()
    page.wait_for_url(re.compile(r"/contacts/con_[^/]+/(\?.*)?$"))
    page.keyboard.press("l")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("A")
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator(".rel-outcome").wait_for()
    assert "Added" in page.locator(".rel-outcome").inner_text()


def test_opening_an_editor_selects_the_value_so_typing_replaces_it(page, crm) -> None:  # type: ignore[no-untyped-def]
    record = next(r for r in crm.list_contacts(limit=25).data if r.value("$title"))
    page.goto(f"/contacts/{record.id}/")
    page.get_by_role("link", name="Edit Job title").click()
    page.get_by_role("textbox", name="Job title").wait_for()
    page.wait_for_function("document.activeElement.selectionEnd > 0")
    page.keyboard.type("Buyer")
    page.keyboard.press("Enter")
    page.locator("#field-row-title .field-value", has_text="Buyer").wait_for()
    assert page.locator("#field-row-title .field-value").inner_text().strip() == "Buyer"
