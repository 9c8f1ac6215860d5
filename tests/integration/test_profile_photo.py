"""The contact page shows a contact's photo where PHOTO_ORIGINS allows it, and a link elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings

from contacts_ui.crm.highlevel.client import HighLevelClient
from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from contacts_ui.services.backend import get_crm
from tests.integration.highlevel_support import hl_crm, hl_recorder, hl_seeded

# Fixtures used by name.
__all__ = ["hl_crm", "hl_recorder", "hl_seeded"]

pytestmark = pytest.mark.django_db

AVATARS = "https://avatars.example"


@pytest.fixture
def photos_allowed() -> Iterator[None]:
    allowed = settings.DASHBOARD.model_copy(update={"PHOTO_ORIGINS": [AVATARS]})
    with override_settings(DASHBOARD=allowed):
        yield


def _with_photo(crm: LightfieldClient) -> Record:
    return next(r for r in crm.list_contacts(limit=25).data if r.value("$profilePhotoUrl"))


def _img_src_of(response: object) -> str:
    policy = response["Content-Security-Policy"]  # type: ignore[index]
    return re.search(r"img-src ([^;]*)", policy).group(1)  # type: ignore[union-attr]


def test_by_default_a_photo_is_a_link_and_the_page_loads_no_image_from_elsewhere(
    client: Client, crm: LightfieldClient
) -> None:
    contact = _with_photo(crm)
    response = client.get(f"/contacts/{contact.id}/")
    html = response.content.decode()
    assert f'<a href="{contact.value("$profilePhotoUrl")}"' in html
    assert "<img" not in html
    assert _img_src_of(response) == "'self' data:"


def test_an_allowed_photo_shows_in_the_header_and_in_its_field(
    client: Client, crm: LightfieldClient, photos_allowed: None
) -> None:
    contact = _with_photo(crm)
    url = contact.value("$profilePhotoUrl")
    html = client.get(f"/contacts/{contact.id}/").content.decode()
    header = re.search(r'<header class="contact-head".*?</header>', html, re.S).group(0)  # type: ignore[union-attr]
    assert (
        f'<img class="contact-photo" src="{url}" alt="Photo of {contact.display_name}" '
        'width="72" height="72" loading="lazy" decoding="async" referrerpolicy="no-referrer">'
    ) in header
    row = re.search(r'id="field-row-profilePhotoUrl".*?</dd>', html, re.S).group(0)  # type: ignore[union-attr]
    assert f'<img class="photo" src="{url}" alt="Profile photo" width="96" height="96"' in row


def test_only_the_contact_page_allows_images_from_the_photo_origins(
    client: Client, crm: LightfieldClient, photos_allowed: None
) -> None:
    contact = _with_photo(crm)
    assert _img_src_of(client.get(f"/contacts/{contact.id}/")) == f"'self' data: {AVATARS}"
    assert _img_src_of(client.get("/contacts/")) == "'self' data:"
    assert _img_src_of(client.get(f"/contacts/{contact.id}/edit/")) == "'self' data:"


def test_a_contact_without_a_photo_has_no_picture_in_its_header(
    client: Client, crm: LightfieldClient, photos_allowed: None
) -> None:
    contact = next(r for r in crm.list_contacts(limit=25).data if not r.value("$profilePhotoUrl"))
    html = client.get(f"/contacts/{contact.id}/").content.decode()
    assert "<img" not in html


def test_a_photo_set_in_place_comes_back_as_a_picture_in_its_row_and_the_header(
    client: Client, crm: LightfieldClient, photos_allowed: None
) -> None:
    contact = next(r for r in crm.list_contacts(limit=25).data if not r.value("$profilePhotoUrl"))
    hx = {"HX-Request": "true"}
    url = f"/contacts/{contact.id}/fields/$profilePhotoUrl/"
    editor = client.get(url + "edit/", headers=hx).content.decode()
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', editor)
    data = dict(hidden)
    data["fields.$profilePhotoUrl"] = f"{AVATARS}/new.png"
    html = client.post(url, data, headers=hx).content.decode()
    assert f'<img class="photo" src="{AVATARS}/new.png"' in html
    assert f'<img class="contact-photo" src="{AVATARS}/new.png"' in html  # the header, out of band


def test_a_highlevel_contact_page_has_no_photo_and_renders(
    client: Client, hl_crm: HighLevelClient, photos_allowed: None
) -> None:
    contact = get_crm().list_contacts(limit=1).data[0]
    response = client.get(f"/contacts/{contact.id}/")
    assert response.status_code == 200
    assert "<img" not in response.content.decode()
