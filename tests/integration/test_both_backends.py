"""The behaviours every CRM backend must keep, run once per backend (Lightfield, HighLevel).

Each run wires the dashboard to that backend's embedded sandbox through the real client and
a transport that records what was sent; the pages themselves do not know which CRM it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, override_settings

from contacts_ui.services.backend import get_crm
from dashboard.config import AppSettings
from tests.integration.form_support import form_data, open_form, recorder_fixture
from tests.integration.highlevel_support import hl_recorder, hl_seeded
from tests.integration.sso import HEADER_MODE, sso

# Fixtures used by name through request.getfixturevalue.
__all__ = ["hl_recorder", "hl_seeded", "recorder_fixture"]

pytestmark = pytest.mark.django_db


@dataclass
class Backend:
    """Say how one backend's sandbox is reached and how its writes look on the wire."""

    name: str
    # A plain text field every seeded contact has on this CRM's form.
    text_key: str
    # The field changes each write request carried, in the CRM's own spelling.
    sent_changes: Callable[[], list[dict[str, Any]]]
    # The CRM's own name for ``text_key`` inside a write body.
    wire_key: str


def _lightfield(request: pytest.FixtureRequest) -> Backend:
    recorder = request.getfixturevalue("recorder")

    def sent() -> list[dict[str, Any]]:
        return [body.get("fields", {}) for body in recorder.bodies()]

    return Backend("lightfield", "$title", sent, "$title")


def _highlevel(request: pytest.FixtureRequest) -> Backend:
    recorder = request.getfixturevalue("hl_recorder")

    def sent() -> list[dict[str, Any]]:
        return [s.body for s in recorder.sent if s.method in ("PUT", "POST") and s.body and
                not s.path.endswith("/search")]  # fmt: skip

    return Backend("highlevel", "$source", sent, "source")


@pytest.fixture(params=["lightfield", "highlevel"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Run the test once against each backend's embedded sandbox."""
    return _lightfield(request) if request.param == "lightfield" else _highlevel(request)


def _rows(html: str) -> list[str]:
    return re.findall(r'class="row-link" href="/contacts/([A-Za-z0-9_]+)/', html)


def test_page_two_of_the_list_shows_the_next_25_contacts(client: Client, backend: Backend) -> None:
    first = _rows(client.get("/contacts/").content.decode())
    html = client.get("/contacts/?page=2").content.decode()

    assert re.search(r'<p class="summary"[^>]*>26–50 of ', html)
    assert len(_rows(html)) == 25
    assert not set(first) & set(_rows(html))


def test_the_contact_page_shows_the_contact_with_its_fields(
    client: Client, backend: Backend
) -> None:
    contact = get_crm().list_contacts(limit=1).data[0]

    html = client.get(f"/contacts/{contact.id}/").content.decode()

    assert contact.display_name in html
    definitions = get_crm().definitions("contacts")
    for definition in definitions.field_definitions.values():
        assert f"<dt>{definition.label}" in html, definition.label


def test_an_edit_sends_only_the_changed_field(client: Client, backend: Backend) -> None:
    contact = get_crm().list_contacts(limit=1).data[0]
    data = open_form(client, f"/contacts/{contact.id}/edit/")
    data[f"fields.{backend.text_key}"] = ["Changed by the both-backends test"]

    response = client.post(f"/contacts/{contact.id}/edit/", data)

    assert response.status_code == 302
    assert backend.sent_changes() == [{backend.wire_key: "Changed by the both-backends test"}]
    assert get_crm().get_contact(contact.id).value(backend.text_key) == (
        "Changed by the both-backends test"
    )


def test_an_edit_in_place_sends_only_that_field(client: Client, backend: Backend) -> None:
    contact = get_crm().list_contacts(limit=1).data[0]
    hx = {"HX-Request": "true"}
    editor = client.get(f"/contacts/{contact.id}/fields/{backend.text_key}/edit/", headers=hx)
    data = form_data(editor.content.decode())
    data[f"fields.{backend.text_key}"] = ["Changed in place"]

    response = client.post(f"/contacts/{contact.id}/fields/{backend.text_key}/", data, headers=hx)

    assert "Changed in place" in response.content.decode()
    assert backend.sent_changes() == [{backend.wire_key: "Changed in place"}]


def _new_contact(client: Client) -> dict[str, list[str]]:
    data = open_form(client, "/contacts/new/")
    data["fields.$name_firstName"] = ["Ada"]
    data["fields.$name_lastName"] = ["Owned"]
    data["fields.$email"] = ["ada.owned@example.com"]
    return data


def test_the_new_contact_form_offers_the_relationships_the_crm_has(
    client: Client, backend: Backend
) -> None:
    html = client.get("/contacts/new/").content.decode()
    relationships = get_crm().definitions("contacts").relationship_definitions
    assert ('id="pick-account"' in html) is ("$account" in relationships)
    assert 'id="pick-owner"' in html  # Lightfield's $owner, HighLevel's assignedTo


def test_a_new_contacts_owner_starts_as_the_member_with_the_signed_in_email_and_is_saved(
    backend: Backend,
) -> None:
    member = get_crm().members()[2]
    email = member.value("$email")
    email = email[0] if isinstance(email, list) else email
    client = Client(headers=sso(email.upper(), "sales"))
    with override_settings(DASHBOARD=AppSettings(**HEADER_MODE)):
        data = _new_contact(client)
        assert data["relationships.$owner"] == [member.id]
        response = client.post("/contacts/new/", data)

    assert response.status_code == 302
    contact = get_crm().get_contact(response["Location"].split("/")[2])
    assert contact.related_ids("$owner") == (member.id,)


def test_a_new_contact_without_an_owner_is_sent_without_one(
    client: Client, backend: Backend
) -> None:
    data = _new_contact(client)
    assert data["relationships.$owner"] == [""]  # the demo user is no member

    response = client.post("/contacts/new/", data)

    assert response.status_code == 302
    assert get_crm().get_contact(response["Location"].split("/")[2]).related_ids("$owner") == ()
