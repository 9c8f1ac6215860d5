"""The dashboard in front of a Lightfield-compatible API reached over real HTTP.

This is the `CRM_BACKEND=lightfield LIGHTFIELD_BASE_URL=http://127.0.0.1:8001` set-up of the
README, with the standalone sandbox as the CRM.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.services import backend as services
from dashboard.config import AppSettings, AuthMode, CRMBackend
from tests.conftest import SANDBOX_KEY, install_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def http_crm(standalone_sandbox: str) -> Iterator[LightfieldClient]:
    app_settings = AppSettings(
        CRM_BACKEND=CRMBackend.LIGHTFIELD,
        LIGHTFIELD_BASE_URL=standalone_sandbox,
        LIGHTFIELD_API_KEY=SANDBOX_KEY,
        AUTH_MODE=AuthMode.DEV,
        SECRET_KEY="k",
    )
    yield from install_client(services.build_crm(app_settings))


def test_the_list_page_over_http_matches_the_embedded_sandbox(
    client: Client, http_crm: LightfieldClient, crm_embedded_first_page: list[str]
) -> None:
    html = client.get("/contacts/").content.decode()
    ids = re.findall(r'class="row-link" href="/contacts/(con_[^/"]+)/', html)
    assert ids == crm_embedded_first_page


def test_the_contact_page_over_http_shows_the_contact(
    client: Client, http_crm: LightfieldClient
) -> None:
    record = http_crm.list_contacts(limit=1, offset=30).data[0]
    response = client.get(f"/contacts/{record.id}/")
    assert response.status_code == 200
    assert record.http_link.encode() in response.content


@pytest.fixture
def crm_embedded_first_page(sandbox_app: object) -> list[str]:
    import httpx

    from tests.conftest import SANDBOX_URL

    with LightfieldClient(
        api_key=SANDBOX_KEY, base_url=SANDBOX_URL, transport=httpx.WSGITransport(app=sandbox_app)
    ) as embedded:
        return [record.id for record in embedded.list_contacts(limit=25).data]
