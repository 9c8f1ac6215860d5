"""Creating and editing contacts in a real browser: every widget, keyboard, warnings, axe."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

CONTACT_PAGE = re.compile(r"/contacts/con_[^/]+/$")


def _paris_page(new_page, live_server):  # type: ignore[no-untyped-def]
    """Open a page whose browser lives in Paris, with the zone cookie the server reads."""
    page = new_page(timezone_id="Europe/Paris")
    page.context.add_cookies([{"name": "tz", "value": "Europe/Paris", "url": live_server.url}])
    return page


def _first_contact_id(page) -> str:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    href = page.locator("table.records tbody a.row-link").first.get_attribute("href")
    return re.search(r"/contacts/(con_[^/]+)/", href).group(1)


def test_a_person_fills_every_widget_type_creates_the_contact_and_sees_the_values(  # type: ignore[no-untyped-def]
    new_page, live_server
) -> None:
    page = _paris_page(new_page, live_server)
    page.goto("/contacts/new/")

    # FULL_NAME: a fieldset of two labelled parts.
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Ødegaard")
    # EMAIL (multi-value rows) with "Add another".
    page.get_by_label("Email 1", exact=True).fill("zoe.odegaard@example.org")
    page.get_by_role("group", name="Email").get_by_role("button", name="Add another").click()
    page.get_by_label("Email 2", exact=True).fill("zoe@home.example")
    # TELEPHONE, normalised on save.
    page.get_by_label("Phone 1", exact=True).fill("+44 20 7946 0958 ext. 12")
    # TEXT
    page.get_by_label("Job title").fill("Head of Research")
    # ADDRESS with a country choice and a coordinate.
    page.get_by_label("Street", exact=True).fill("12 Rue de la Paix")
    page.get_by_label("City").fill("Paris")
    page.get_by_label("Postal code").fill("75002")
    page.get_by_label("Country", exact=True).select_option("FR")
    page.get_by_label("Latitude (optional)").fill("48.8686")
    # SOCIAL_HANDLE: a handle for one, a URL for the other.
    page.get_by_label("LinkedIn").fill("@zoe-odegaard")
    page.get_by_label("X (Twitter)").fill("https://x.com/zoe_o")
    # URL
    page.get_by_label("Profile photo").fill("https://avatars.example/zoe.jpg")
    # CHECKBOX
    page.get_by_label("Do not contact").check()
    # SINGLE_SELECT by option label.
    page.get_by_label("Lifecycle stage").select_option(label="Customer")
    # MULTI_SELECT tick boxes.
    page.get_by_label("Security").check()
    page.get_by_label("Analytics").check()
    # CURRENCY (the code is shown beside it) and NUMBER.
    page.get_by_label("Deal size").fill("12500.5")
    page.get_by_label("Lead score").fill("88")
    page.get_by_label("Newsletter").check()
    # DATETIME in the viewer's zone.
    page.get_by_label("Last contacted").fill("2026-03-16T14:30")
    # MARKDOWN is read-only in the contract: the form shows it and offers no input.
    assert page.get_by_label("Notes").count() == 0
    page.get_by_label("Personal website").fill("https://zoe.example")

    page.get_by_role("button", name="Create contact").click()
    page.wait_for_url(CONTACT_PAGE)

    text = page.locator("main").inner_text()
    assert "Saved. The CRM may enrich this contact in a moment." in text
    for shown in [
        "Zoë Ødegaard",
        "zoe.odegaard@example.org",
        "zoe@home.example",
        "+44 20 7946 0958",
        "Head of Research",
        "12 Rue de la Paix",
        "France",
        "@zoe-odegaard",
        "@zoe_o",
        "Customer",
        "Security",
        "Analytics",
        "12,500.50 EUR",
        "88",
        "2026-03-16 14:30 CET",
        "zoe.example",
    ]:
        assert shown in text, shown
    assert page.locator("dd .check.yes").count() == 1  # Newsletter
    assert page.locator("#field-row-doNotContact.warning").count() == 1  # reads as a warning
    assert page.get_by_role("link", name=re.compile(r"^\+44 20 7946 0958")).get_attribute(
        "href"
    ) == ("tel:+442079460958;ext=12")
    assert page.get_by_role("link", name="@zoe-odegaard").get_attribute("href") == (
        "https://linkedin.com/in/zoe-odegaard"
    )


def test_the_create_form_has_no_axe_violations(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/new/")
    assert axe_violations(page) == []


def test_the_edit_form_has_no_axe_violations(page) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    page.goto(f"/contacts/{contact_id}/edit/")
    assert axe_violations(page) == []


def test_the_edit_form_with_errors_has_no_axe_violations(page) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    page.goto(f"/contacts/{contact_id}/edit/")
    page.get_by_label("Phone 1", exact=True).fill("12")
    page.get_by_role("button", name="Save changes").click()
    page.locator(".error-summary").wait_for()
    assert axe_violations(page) == []


def test_after_a_failed_save_focus_is_on_the_first_field_with_an_error(page) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    page.goto(f"/contacts/{contact_id}/edit/")
    page.get_by_label("Phone 1", exact=True).fill("12")
    page.get_by_role("button", name="Save changes").click()
    page.locator(".error-summary").wait_for()
    assert page.evaluate("document.activeElement.name") == "fields.$phone"
    assert page.get_by_label("Phone 1", exact=True).input_value() == "12"


def test_leaving_a_changed_form_asks_first(page) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    page.goto(f"/contacts/{contact_id}/edit/")
    page.get_by_label("Job title").fill("Changed my mind")
    dialogs: list[str] = []

    def stay(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit/")


def test_leaving_an_unchanged_form_does_not_ask(page) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    page.goto(f"/contacts/{contact_id}/edit/")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(CONTACT_PAGE)
    assert dialogs == []


def test_ctrl_enter_saves_the_form_from_a_textarea(page, crm) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    # A multi-line job title is edited in a textarea (MARKDOWN, once one, is read-only now).
    crm.update_contact(contact_id, fields={"$title": "Head of\nResearch"})
    page.goto(f"/contacts/{contact_id}/edit/")
    title = page.get_by_label("Job title")
    assert title.evaluate("element => element.tagName") == "TEXTAREA"
    title.fill("Saved by\nkeyboard")
    title.press("Control+Enter")
    page.wait_for_url(CONTACT_PAGE)
    assert "Saved by" in page.locator("main").inner_text()
    assert crm.get_contact(contact_id).value("$title") == "Saved by\nkeyboard"


def test_enter_in_a_text_field_saves_the_form(page) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    page.goto(f"/contacts/{contact_id}/edit/")
    page.get_by_label("Job title").fill("Saved by Enter")
    page.get_by_label("Job title").press("Enter")
    page.wait_for_url(CONTACT_PAGE)
    assert "Saved by Enter" in page.locator("main").inner_text()


def test_a_row_can_be_removed_from_a_multi_value_field(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/new/")
    page.get_by_label("Email 1", exact=True).fill("one@example.com")
    emails = page.get_by_role("group", name="Email")
    emails.get_by_role("button", name="Add another").click()
    page.get_by_label("Email 2", exact=True).fill("two@example.com")
    emails.get_by_role("button", name="Remove email 1").click()
    assert page.get_by_label("Email 1", exact=True).input_value() == "two@example.com"
    assert (
        page.get_by_label("Email 2", exact=True).count() == 0
        or page.get_by_label("Email 2", exact=True).input_value() == ""
    )


def test_a_long_option_list_can_be_filtered(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/new/")
    page.get_by_label("Filter Interests options").fill("sec")
    assert page.get_by_label("Security").is_visible()
    assert not page.get_by_label("Analytics").is_visible()


def test_typing_an_email_already_in_the_crm_says_so_with_a_link(page) -> None:  # type: ignore[no-untyped-def]
    contact_id = _first_contact_id(page)
    page.goto(f"/contacts/{contact_id}/")
    email = page.locator('dd a[href^="mailto:"]').first.inner_text()
    page.goto("/contacts/new/")
    page.get_by_label("Email 1", exact=True).fill(email)
    warning = page.locator("#duplicate-check")
    warning.get_by_text("is already in the CRM").wait_for()
    assert warning.locator(f'a[href="/contacts/{contact_id}/"]').count() == 1
