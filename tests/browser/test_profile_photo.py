"""The contact's photo in a real browser: allowed by the page's CSP, fixed in size (nothing moves
when it arrives), no sideways scrolling, axe clean; a link where it is not allowed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Page, Route, expect

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from tests.browser.conftest import AXE_TAGS_22, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"desktop": {"width": 1366, "height": 850}, "phone": {"width": 390, "height": 844}}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
AVATARS = "https://avatars.example"
# A one-pixel PNG: what the photo host answers.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# How far content moved (CLS units) since a moment (performance.now()) of the page's life.
LAYOUT_SHIFT_SINCE = """(since) => new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (entry.startTime >= since) total += entry.value;
    }).observe({type: "layout-shift", buffered: true});
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


@pytest.fixture
def photos_allowed() -> Iterator[None]:
    allowed = settings.DASHBOARD.model_copy(update={"PHOTO_ORIGINS": [AVATARS]})
    with override_settings(DASHBOARD=allowed):
        yield


def _with_photo(crm: LightfieldClient) -> Record:
    return next(
        r
        for r in crm.list_contacts(limit=25).data
        if r.value("$profilePhotoUrl") and r.value("$email") and r.value("$title")
    )


def _outside_requests(page: Page, base_url: str) -> list[str]:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(base_url) else outside.append(request.url),
    )
    return outside


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    return box


@pytest.mark.parametrize("screen", list(SCREENS))
def test_an_allowed_photo_arrives_without_moving_anything(  # type: ignore[no-untyped-def]
    new_page, live_server: Any, crm: LightfieldClient, photos_allowed: None, screen: str
) -> None:
    contact = _with_photo(crm)
    page = new_page(viewport=SCREENS[screen])
    outside = _outside_requests(page, live_server.url)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    # The photo host answers only when the test says so.
    held: list[Route] = []
    released = False

    def answer(route: Route) -> None:
        if released:
            route.fulfill(status=200, content_type="image/png", body=PNG)
        else:
            held.append(route)

    page.route(f"{AVATARS}/**", answer)
    with page.expect_request(lambda request: request.url.startswith(AVATARS)):
        page.goto(f"/contacts/{contact.id}/", wait_until="domcontentloaded")
    photo = page.get_by_role("img", name=f"Photo of {contact.display_name}")
    expect(photo).to_be_visible()
    assert photo.bounding_box()["width"] == 72  # type: ignore[index]
    before = {s: _box(page, s) for s in ("h1", "#field-row-name dd", "#field-row-email dd")}

    # The picture arrives: the box kept for it was already right, so nothing moves.
    arrival = page.evaluate("performance.now()")
    released = True
    for route in held:
        route.fulfill(status=200, content_type="image/png", body=PNG)
    page.wait_for_function(
        "() => { const i = document.querySelector('img.contact-photo');"
        " return i.complete && i.naturalWidth === 1; }"
    )
    assert {s: _box(page, s) for s in before} == before
    assert page.evaluate(LAYOUT_SHIFT_SINCE, arrival) == 0

    # The field's own picture, further down, loads (lazily) once it is near the view.
    field_photo = page.get_by_role("img", name="Profile photo")
    field_photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#field-row-profilePhotoUrl img.photo');"
        " return i.complete && i.naturalWidth === 1; }"
    )
    assert field_photo.bounding_box()["height"] == 96  # type: ignore[index]
    assert page.evaluate(LAYOUT_SHIFT_SINCE, arrival) == 0
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(page, AXE_TAGS_22) == []
    assert set(outside) == {contact.value("$profilePhotoUrl")}
    assert not [text for text in console if "Content Security Policy" in text]


def test_a_photo_from_an_origin_not_allowed_is_a_link_and_never_loaded(  # type: ignore[no-untyped-def]
    new_page, live_server: Any, crm: LightfieldClient
) -> None:
    contact = _with_photo(crm)
    page = new_page(viewport=SCREENS["phone"])
    outside = _outside_requests(page, live_server.url)
    page.goto(f"/contacts/{contact.id}/")

    row = page.locator("#field-row-profilePhotoUrl")
    link = row.locator(".field-value").get_by_role("link")
    expect(link).to_have_attribute("href", contact.value("$profilePhotoUrl"))
    assert page.locator("img").count() == 0
    # By keyboard: the link sits in the tab order just before the field's edit control.
    link.focus()
    page.keyboard.press("Tab")
    expect(row.get_by_role("link", name="Edit Profile photo")).to_be_focused()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(page, AXE_TAGS_22) == []
    assert outside == []
