"""The sandbox's hostile fixture set (`manage.py sandbox --hostile`) browses without harm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.test import Client, override_settings

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.web.links import record_url
from sandbox.app import make_app
from sandbox.config import SandboxConfig
from sandbox.hostile import hostile_workspace
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, install_client, no_sleep
from tests.integration.hostile_support import foreign_markup, post_form, read_form

pytestmark = pytest.mark.django_db
HOSTILE_CONTACTS = [
    record.id for record in hostile_workspace().records if record.object_type == "contact"
]
LINKABLE = [i for i in HOSTILE_CONTACTS if record_url("contacts:detail", i)]


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Seed one sandbox with the demo workspace and the hostile set, for the whole module."""
    path = Path(tmp_path_factory.mktemp("hostile")) / "sandbox.sqlite3"
    app = make_app(SandboxConfig(db_path=path, rate_limit=None, hostile=True))
    yield app
    app.close()


@pytest.fixture
def crm(hostile_app: Any) -> Iterator[LightfieldClient]:
    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=hostile_app),
        sleep=no_sleep,
    )
    yield from install_client(client)


def test_every_hostile_contact_has_a_page_or_is_listed_without_a_link() -> None:
    assert len(LINKABLE) == len(HOSTILE_CONTACTS)


def test_the_list_page_leads_with_the_hostile_contacts_and_stays_ours(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.get("/contacts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert foreign_markup(html) == []
    assert "Edge datetimes" in html


@pytest.mark.parametrize("contact_id", LINKABLE)
def test_a_hostile_contact_page_renders_only_our_markup(
    client: Client, crm: LightfieldClient, contact_id: str
) -> None:
    response = client.get(record_url("contacts:detail", contact_id))
    assert response.status_code == 200
    assert foreign_markup(response.content.decode()) == []


@pytest.mark.parametrize("contact_id", LINKABLE)
def test_a_hostile_contact_edit_form_posted_back_untouched_writes_nothing(
    client: Client, crm: LightfieldClient, hostile_app: Any, contact_id: str
) -> None:
    url = record_url("contacts:edit", contact_id)
    assert url is not None
    form = read_form(client.get(url).content.decode())
    assert form.blocked == []
    writes_before = len(hostile_app.request_log.matching(method="POST"))

    response = post_form(client, url, form)
    assert response.status_code == 302
    assert len(hostile_app.request_log.matching(method="POST")) == writes_before


def test_a_hostile_photo_url_is_no_picture_and_no_link_even_with_photos_allowed(
    client: Client, crm: LightfieldClient
) -> None:
    allowed = settings.DASHBOARD.model_copy(update={"PHOTO_ORIGINS": ["https://avatars.example"]})
    with override_settings(DASHBOARD=allowed):
        url = record_url("contacts:detail", "con_hostile.link-schemes")
        html = client.get(url).content.decode()
    assert "Profile photo" in html
    assert "<img" not in html
    assert 'href="\x01' not in html
    assert "javascript:alert(&#x27;photo&#x27;)" in html  # shown as text
