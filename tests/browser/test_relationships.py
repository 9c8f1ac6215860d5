"""The relationships panel in a real browser: the typeahead by keyboard, remove, undo, owner."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _contact_with_owner(crm: LightfieldClient) -> Record:
    return next(
        r
        for r in crm.list_contacts(limit=25, offset=50).data
        if r.related_ids("$owner") and r.related_ids("$account")
    )


def _arrow_to(page: Page, box: Locator, record_id: str) -> None:
    """Press ↓ until the combobox's active option is the record with ``record_id``."""
    for _ in range(12):
        box.press("ArrowDown")
        active = box.get_attribute("aria-activedescendant")
        if active and page.locator(f"#{active}").get_attribute("data-id") == record_id:
            return
    raise AssertionError(f"{record_id} never became the active option")


def _section(page: Page, label: str) -> Locator:
    return page.locator("section.relationship").filter(
        has=page.get_by_role("heading", name=label, exact=True)
    )


def test_a_person_links_an_account_by_keyboard_removes_it_undoes_and_changes_the_owner(
    page: Page, crm: LightfieldClient
) -> None:
    contact = _contact_with_owner(crm)
    linked = set(contact.related_ids("$account"))
    account = next(a for a in crm.list_accounts(limit=25, offset=30).data if a.id not in linked)
    owner = contact.related_ids("$owner")[0]
    member = next(m for m in crm.list_members(limit=25).data if m.id != owner)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.goto(f"/contacts/{contact.id}/")
    # Survives only if every step below swaps the panel in place (htmx), never reloading.
    page.evaluate("window.sameDocument = true")
    accounts = _section(page, "Accounts").locator("ul.linked")

    # Add an account through the typeahead, by keyboard only.
    box = page.get_by_role("combobox", name="Add account")
    box.focus()
    box.press_sequentially(account.display_name[:6], delay=30)
    listbox = page.get_by_role("listbox", name="Matching accounts").first
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_be_visible()
    _arrow_to(page, box, account.id)
    assert axe_violations(page) == []  # the panel with the picker open
    box.press("Enter")
    expect(accounts).to_contain_text(account.display_name)
    expect(page.get_by_text(f"Added {account.display_name} to Accounts.")).to_be_focused()
    assert account.id in crm.get_contact(contact.id).related_ids("$account")

    # Remove it again.
    page.get_by_role("button", name=f"Remove {account.display_name} from Accounts").click()
    expect(accounts).not_to_contain_text(account.display_name)
    assert account.id not in crm.get_contact(contact.id).related_ids("$account")

    # Undo the remove: the account is back.
    page.get_by_role("button", name="Undo").click()
    expect(accounts).to_contain_text(account.display_name)
    assert account.id in crm.get_contact(contact.id).related_ids("$account")

    # Escape closes the list without choosing anything.
    owner_box = page.get_by_role("combobox", name="Change owner")
    owner_box.focus()
    owner_box.press_sequentially(member.display_name.split()[0], delay=30)
    owner_list = page.get_by_role("listbox", name="Matching members")
    expect(owner_list).to_be_visible()
    owner_box.press("Escape")
    expect(owner_list).to_be_hidden()
    expect(owner_box).to_be_focused()

    # Replace the owner (has_one): choosing a member replaces the one there was.
    owner_box.press("ArrowDown")
    expect(owner_list).to_be_visible()
    _arrow_to(page, owner_box, member.id)
    owner_box.press("Enter")
    expect(_section(page, "Owner").locator("ul.linked")).to_contain_text(member.display_name)
    assert crm.get_contact(contact.id).related_ids("$owner") == (member.id,)
    assert axe_violations(page) == []
    assert page.evaluate("window.sameDocument") is True
    assert errors == []  # no CSP refusals, no script errors


def test_replace_all_previews_the_new_set_and_asks_before_replacing(
    page: Page, crm: LightfieldClient
) -> None:
    contact = _contact_with_owner(crm)
    old = set(contact.related_ids("$account"))
    account = next(a for a in crm.list_accounts(limit=25, offset=120).data if a.id not in old)
    page.goto(f"/contacts/{contact.id}/")
    section = _section(page, "Accounts")

    section.get_by_text("Replace all accounts…").click()
    for checkbox in (
        section.get_by_role("group", name="Accounts to keep or link").get_by_role("checkbox").all()
    ):
        checkbox.uncheck()
    box = section.get_by_role("combobox", name="Find another account")
    box.focus()
    box.press_sequentially(account.display_name[:6], delay=30)
    expect(section.get_by_role("listbox")).to_be_visible()
    _arrow_to(page, box, account.id)
    box.press("Enter")
    expect(section.get_by_role("checkbox", name=account.display_name)).to_be_checked()
    assert axe_violations(page) == []
    section.get_by_role("button", name="Preview").click()

    confirm = page.get_by_role("button", name="Confirm: replace accounts")
    expect(confirm).to_be_focused()
    expect(page.get_by_text("Accounts after the change: 1")).to_be_visible()
    assert set(crm.get_contact(contact.id).related_ids("$account")) == old  # nothing sent yet
    assert axe_violations(page) == []
    confirm.click()

    expect(
        page.get_by_role("status").filter(has_text=re.compile("Accounts: added"))
    ).to_be_visible()
    assert crm.get_contact(contact.id).related_ids("$account") == (account.id,)


def test_without_javascript_a_person_searches_adds_and_undoes_with_plain_forms(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient
) -> None:
    page = new_page(java_script_enabled=False)
    contact = _contact_with_owner(crm)
    linked = set(contact.related_ids("$account"))
    account = next(a for a in crm.list_accounts(limit=25, offset=140).data if a.id not in linked)
    page.goto(f"/contacts/{contact.id}/")
    section = _section(page, "Accounts")

    section.get_by_label("Add account").fill(account.display_name)
    section.get_by_role("button", name="Add", exact=True).click()
    section.get_by_role("button", name=f"Add {account.display_name}", exact=True).click()

    expect(section.locator("ul.linked")).to_contain_text(account.display_name)
    expect(page.get_by_text(f"Added {account.display_name} to Accounts.")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(section.locator("ul.linked")).not_to_contain_text(account.display_name)
    assert account.id not in crm.get_contact(contact.id).related_ids("$account")
