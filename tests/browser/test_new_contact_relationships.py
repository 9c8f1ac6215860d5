"""The new-contact form's account and owner pickers in a real browser: by keyboard, by mouse,
without JavaScript, at desktop and phone sizes, axe clean; the owner that starts as you."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Locator, Page, expect

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from dashboard.config import AppSettings
from tests.browser.conftest import AXE_TAGS_22, axe_violations
from tests.integration.sso import HEADER_MODE, sso

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"desktop": {"width": 1366, "height": 850}, "phone": {"width": 390, "height": 844}}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
CONTACT_PAGE = re.compile(r"/contacts/con_[^/]+/$")


def _arrow_to(page: Page, box: Locator, record_id: str) -> None:
    """Press ↓ until the combobox's active option is the record with ``record_id``."""
    for _ in range(12):
        box.press("ArrowDown")
        active = box.get_attribute("aria-activedescendant")
        if active and page.locator(f"#{active}").get_attribute("data-id") == record_id:
            return
    raise AssertionError(f"{record_id} never became the active option")


def _account(crm: LightfieldClient, name: str) -> Record:
    (account,) = crm.find_related_by_name("account", name, limit=1)
    return account


def _member(crm: LightfieldClient, first_name: str) -> Record:
    return next(m for m in crm.list_members(limit=25).data if m.display_name.startswith(first_name))


def _created(crm: LightfieldClient, page: Page) -> Record:
    page.wait_for_url(CONTACT_PAGE)
    return crm.get_contact(re.search(r"/contacts/(con_[^/]+)/", page.url).group(1))  # type: ignore[union-attr]


def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_by_keyboard_a_person_picks_an_account_and_an_owner_then_enter_creates(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient
) -> None:
    account = _account(crm, "Cedar Logistics")
    grace = _member(crm, "Grace")
    page = new_page(viewport=SCREENS["desktop"])
    errors = _errors(page)
    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Kiri")
    page.get_by_label("Last name").fill("Te Kanawa")

    box = page.get_by_role("combobox", name="Account")
    box.focus()
    box.press_sequentially("Cedar", delay=30)
    listbox = page.get_by_role("listbox", name="Matching accounts")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_text("cedar-logistics.example")).to_be_visible()  # the detail
    _arrow_to(page, box, account.id)
    assert axe_violations(page, AXE_TAGS_22) == []  # with the list open
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value(account.display_name)
    expect(box).to_be_focused()
    assert page.url.endswith("/contacts/new/")  # choosing filled the form in; nothing sent
    expect(page.locator('input[name="relationships.$account"]')).to_have_value(account.id)

    owner = page.get_by_role("combobox", name="Owner")
    owner.focus()
    owner.press_sequentially("Gra", delay=30)
    owner_list = page.get_by_role("listbox", name="Matching members")
    expect(owner_list).to_be_visible()
    owner.press("Escape")  # closes the list, chooses nothing
    expect(owner_list).to_be_hidden()
    expect(page.locator('input[name="relationships.$owner"]')).to_have_value("")
    _arrow_to(page, owner, grace.id)
    owner.press("Enter")
    expect(owner).to_have_value(grace.display_name)

    # Enter in any other box saves the form (the pickers' Find buttons are not the default).
    page.get_by_label("Last name").press("Enter")
    contact = _created(crm, page)
    assert contact.related_ids("$account") == (account.id,)
    assert contact.related_ids("$owner") == (grace.id,)
    assert errors == []


def test_by_mouse_on_a_phone_a_person_picks_an_account_without_sideways_scrolling(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient
) -> None:
    account = _account(crm, "Cedar Logistics")
    page = new_page(viewport=SCREENS["phone"])
    errors = _errors(page)
    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Ngozi")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    box = page.get_by_role("combobox", name="Account")
    box.click()
    box.press_sequentially("Ced", delay=30)
    option = page.get_by_role("option", name=re.compile(r"^Cedar Logistics"))
    expect(option.first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(page, AXE_TAGS_22) == []
    page.locator(f'[role="option"][data-id="{account.id}"]').click()
    expect(box).to_have_value(account.display_name)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.get_by_role("button", name="Create contact").click()
    assert _created(crm, page).related_ids("$account") == (account.id,)
    assert errors == []


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_matches_find_lists_fit_the_screen_and_have_no_axe_violations(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient, screen: str
) -> None:
    page = new_page(viewport=SCREENS[screen])
    page.goto("/contacts/new/")
    page.get_by_role("combobox", name="Account").fill("Cedar")
    page.get_by_role("button", name="Find account").click()
    first = page.get_by_role("button", name=re.compile(r"^Choose Cedar"))
    expect(first.first).to_be_focused()  # the keyboard lands on the first match
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(page, AXE_TAGS_22) == []


@pytest.mark.parametrize("screen", list(SCREENS))
def test_without_javascript_find_lists_matches_choose_fills_in_and_enter_creates(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient, screen: str
) -> None:
    account = _account(crm, "Cedar Logistics")
    page = new_page(java_script_enabled=False, viewport=SCREENS[screen])
    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Aroha")
    page.get_by_label("Job title").fill("Buyer")
    page.get_by_label("Account", exact=True).fill("Cedar")
    page.get_by_role("button", name="Find account").click()

    choose = page.get_by_role("button", name=f"Choose {account.display_name}", exact=True)
    expect(choose).to_be_visible()
    expect(page.get_by_text("cedar-logistics.example")).to_be_visible()
    expect(page.get_by_label("Job title")).to_have_value("Buyer")  # nothing typed is lost
    expect(page.get_by_text("was not saved")).to_have_count(0)
    choose.click()

    expect(page.get_by_label("Account", exact=True)).to_have_value(account.display_name)
    expect(page.get_by_label("First name")).to_have_value("Aroha")
    page.get_by_label("First name").press("Enter")
    contact = _created(crm, page)
    assert contact.related_ids("$account") == (account.id,)
    assert contact.value("$title") == "Buyer"


def test_a_failed_save_keeps_the_chosen_account(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient
) -> None:
    account = _account(crm, "Cedar Logistics")
    page = new_page(viewport=SCREENS["desktop"])
    page.goto("/contacts/new/")
    page.get_by_label("Job title").fill("Buyer")  # no name, no email: refused
    box = page.get_by_role("combobox", name="Account")
    box.focus()
    box.press_sequentially("Cedar", delay=30)
    _arrow_to(page, box, account.id)
    box.press("Enter")
    page.get_by_role("button", name="Create contact").click()

    expect(page.get_by_text("The contact was not saved.")).to_be_visible()
    expect(page.get_by_role("combobox", name="Account")).to_have_value(account.display_name)
    page.get_by_label("First name").fill("Tane")
    page.get_by_role("button", name="Create contact").click()
    assert _created(crm, page).related_ids("$account") == (account.id,)


@pytest.fixture
def signed_in_as_alex(crm: LightfieldClient) -> Iterator[dict[str, str]]:
    with override_settings(DASHBOARD=AppSettings(**HEADER_MODE)):
        yield sso("alex.rivera@lightfield-demo.example", "sales")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_owner_starts_as_the_signed_in_member_and_can_be_changed(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient, signed_in_as_alex: dict[str, str], screen: str
) -> None:
    alex, omar = _member(crm, "Alex"), _member(crm, "Omar")
    page: Page = new_page(viewport=SCREENS[screen], extra_http_headers=signed_in_as_alex)
    page.goto("/contacts/new/")
    owner = page.get_by_role("combobox", name="Owner")
    expect(owner).to_have_value(alex.display_name)
    expect(page.get_by_text("Set to you")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(page, AXE_TAGS_22) == []

    owner.fill("")
    owner.press_sequentially("Omar", delay=30)
    expect(page.get_by_role("listbox", name="Matching members")).to_be_visible()
    _arrow_to(page, owner, omar.id)
    owner.press("Enter")
    page.get_by_label("First name").fill("Mere")
    page.get_by_role("button", name="Create contact").click()
    assert _created(crm, page).related_ids("$owner") == (omar.id,)


def test_the_default_owner_is_saved_when_left_alone(  # type: ignore[no-untyped-def]
    new_page, crm: LightfieldClient, signed_in_as_alex: dict[str, str]
) -> None:
    alex = _member(crm, "Alex")
    page: Page = new_page(extra_http_headers=signed_in_as_alex)
    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Hemi")
    page.get_by_role("button", name="Create contact").click()
    contact = _created(crm, page)
    assert contact.related_ids("$owner") == (alex.id,)
    owners: Any = page.locator("section.relationship").filter(has_text="Owner")
    expect(owners.locator("ul.linked")).to_contain_text(alex.display_name)
