"""Every screen size: no sideways scrolling, cards on phones, fields beside the side column on
wide screens, and no axe-core violations (WCAG 2.2 AA, target size included)."""

from __future__ import annotations

import pytest

from contacts_ui.crm.lightfield.client import LightfieldClient
from tests.browser.conftest import AXE_TAGS_22, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"desktop": {"width": 1366, "height": 850}, "phone": {"width": 390, "height": 844}}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _contact_id(crm: LightfieldClient) -> str:
    """Return a contact with a title, an account and an email: the fullest header."""
    return next(
        r.id
        for r in crm.list_contacts(limit=50).data
        if r.value("$title") and r.value("$email") and r.related_ids("$account")
    )


def _pages(crm: LightfieldClient) -> dict[str, str]:
    contact_id = _contact_id(crm)
    return {
        "list": "/contacts/",
        "contact": f"/contacts/{contact_id}/",
        "edit": f"/contacts/{contact_id}/edit/",
    }


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("which", ["list", "contact", "edit"])
def test_the_page_does_not_scroll_sideways(new_page, crm, screen: str, which: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS[screen])
    page.goto(_pages(crm)[which])
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("which", ["list", "contact"])
def test_a_900_pixel_wide_frame_does_not_scroll_sideways(new_page, crm, which: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport={"width": 900, "height": 700})
    page.goto(_pages(crm)[which])
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("which", ["list", "contact", "edit"])
def test_the_page_has_no_wcag_2_2_aa_violations(new_page, crm, screen: str, which: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS[screen])
    page.goto(_pages(crm)[which])
    assert axe_violations(page, AXE_TAGS_22) == []


def test_an_open_field_editor_has_no_wcag_2_2_aa_violations(new_page, crm) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS["phone"])
    page.goto(_pages(crm)["contact"])
    page.get_by_role("link", name="Edit Address").click()
    page.get_by_role("group", name="Address").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(page, AXE_TAGS_22) == []


def test_on_a_phone_each_contact_in_the_list_is_a_card(new_page, crm) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS["phone"])
    page.goto("/contacts/")
    first = page.locator("table.records tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    assert page.locator("table.records thead").bounding_box()["height"] <= 1
    cell = first.locator("td[data-label]").first
    label = cell.get_attribute("data-label")
    before = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label in before


def test_on_a_phone_the_contact_page_puts_each_label_above_its_value(new_page, crm) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS["phone"])
    page.goto(_pages(crm)["contact"])
    label = page.locator("#field-row-title dt").bounding_box()
    value = page.locator("#field-row-title dd").bounding_box()
    assert label["y"] + label["height"] <= value["y"] + 1
    assert abs(label["x"] - value["x"]) < 2


def test_on_a_wide_screen_the_fields_sit_beside_relationships_and_history(new_page, crm) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS["desktop"])
    page.goto(_pages(crm)["contact"])
    fields = page.locator(".contact-main").bounding_box()
    side = page.locator(".contact-side").bounding_box()
    assert side["x"] >= fields["x"] + fields["width"]
    assert side["y"] < fields["y"] + 50


def test_values_wrap_between_words_not_between_letters(new_page, crm) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS["phone"])
    page.goto(_pages(crm)["contact"])
    wrap = page.locator("#field-row-title dd").evaluate("dd => getComputedStyle(dd).overflowWrap")
    assert wrap == "break-word"


def test_the_contact_header_offers_call_mail_and_copy(new_page, crm) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS["phone"])
    contact_id = _contact_id(crm)
    record = crm.get_contact(contact_id)
    page.goto(f"/contacts/{contact_id}/")
    head = page.locator("header.contact-head")
    assert record.value("$title") in head.inner_text()
    mail = head.get_by_role("link", name=f"Email {record.display_name}")
    assert mail.get_attribute("href").startswith("mailto:")
    assert head.get_by_role("button", name="Copy email").is_visible()
