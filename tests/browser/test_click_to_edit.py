"""Fixing one field in place on the contact page, by mouse and by keyboard, on two screens."""

from __future__ import annotations

import json

import pytest

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"desktop": {"width": 1366, "height": 850}, "phone": {"width": 390, "height": 844}}


def _contact_with_title(crm: LightfieldClient) -> Record:
    return next(r for r in crm.list_contacts(limit=25).data if r.value("$title"))


def _open_contact(new_page, record: Record, screen: str):  # type: ignore[no-untyped-def]
    page = new_page(viewport=SCREENS[screen])
    page.goto(f"/contacts/{record.id}/")
    # Survives only if the page is never reloaded.
    page.evaluate("window.__stillHere = true")
    return page


def _updates(sandbox_app: object, record: Record) -> list[tuple[str, str, str]]:
    return sandbox_app.request_log.matching("POST", f"/v1/contacts/{record.id}")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_enter_saves_a_new_job_title_in_place_with_one_update_of_the_title_alone(  # type: ignore[no-untyped-def]
    new_page, crm, sandbox_app, screen: str
) -> None:
    record = _contact_with_title(crm)
    page = _open_contact(new_page, record, screen)
    sandbox_app.request_log.reset()

    page.get_by_role("link", name="Edit Job title").click()
    box = page.get_by_role("textbox", name="Job title")
    box.wait_for()
    assert page.evaluate("document.activeElement.name") == "fields.$title"
    box.fill("Head of Counting")
    box.press("Enter")

    row = page.locator("#field-row-title")
    row.get_by_text("Head of Counting").wait_for()
    assert row.locator("form").count() == 0
    assert page.evaluate("window.__stillHere") is True
    assert len(_updates(sandbox_app, record)) == 1
    assert crm.get_contact(record.id).value("$title") == "Head of Counting"
    assert "Head of Counting" in page.locator("header.contact-head").inner_text()


def test_the_update_carries_only_the_title(new_page, crm, sandbox_app) -> None:  # type: ignore[no-untyped-def]
    from contacts_ui.models import AuditEntry

    record = _contact_with_title(crm)
    page = _open_contact(new_page, record, "desktop")
    page.get_by_role("link", name="Edit Job title").click()
    page.get_by_role("textbox", name="Job title").fill("Head of Counting")
    page.get_by_role("button", name="Save Job title").click()
    page.locator("#field-row-title").get_by_text("Head of Counting").wait_for()
    entry = AuditEntry.objects.get(record_id=record.id)
    assert list(entry.changes) == ["$title"]
    assert json.dumps(entry.changes["$title"]["after"]) == '"Head of Counting"'


@pytest.mark.parametrize("screen", list(SCREENS))
def test_esc_cancels_the_edit_and_sends_nothing(new_page, crm, sandbox_app, screen: str) -> None:  # type: ignore[no-untyped-def]
    record = _contact_with_title(crm)
    page = _open_contact(new_page, record, screen)
    sandbox_app.request_log.reset()
    page.get_by_role("link", name="Edit Job title").click()
    box = page.get_by_role("textbox", name="Job title")
    box.fill("Not saved")
    box.press("Escape")
    row = page.locator("#field-row-title")
    row.get_by_role("link", name="Edit Job title").wait_for()
    assert row.locator("form").count() == 0
    assert record.value("$title") in row.inner_text()
    assert _updates(sandbox_app, record) == []
    page.wait_for_function("document.activeElement.dataset.editField === 'title'")
    assert page.evaluate("window.__stillHere") is True


def test_a_field_is_edited_in_place_by_keyboard_alone(new_page, crm, sandbox_app) -> None:  # type: ignore[no-untyped-def]
    record = _contact_with_title(crm)
    page = _open_contact(new_page, record, "desktop")
    page.get_by_role("link", name="Edit Job title").focus()
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Job title").wait_for()
    page.keyboard.press("Control+a")
    page.keyboard.type("Chief Listener")
    page.keyboard.press("Enter")
    page.locator("#field-row-title").get_by_text("Chief Listener").wait_for()
    page.wait_for_function("document.activeElement.dataset.editField === 'title'")


def test_a_checkbox_edits_in_place_and_do_not_contact_then_reads_as_a_warning(  # type: ignore[no-untyped-def]
    new_page, crm
) -> None:
    record = next(
        r for r in crm.list_contacts(limit=50).data if r.value("$doNotContact") is not True
    )
    page = _open_contact(new_page, record, "desktop")
    page.get_by_role("link", name="Edit Do not contact").click()
    box = page.get_by_role("checkbox", name="Do not contact")
    box.check()
    box.press("Enter")
    page.locator("#field-row-doNotContact.warning").wait_for()
    assert page.evaluate("window.__stillHere") is True


def test_without_javascript_edit_job_title_opens_the_edit_page_on_that_field(  # type: ignore[no-untyped-def]
    new_page, crm
) -> None:
    record = _contact_with_title(crm)
    page = new_page(java_script_enabled=False)
    page.goto(f"/contacts/{record.id}/")
    page.get_by_role("link", name="Edit Job title").click()
    page.wait_for_url(f"**/contacts/{record.id}/edit/?focus=%24title#field-$title")
    assert page.get_by_role("textbox", name="Job title").get_attribute("autofocus") is not None
