"""The contact page's kept parts (fields, relationships, history) never show what they should not.

The page keeps its field sections and its relationships panel as rendered HTML per process, and
the contact's history in the shared cache: these tests look for the ways that could go wrong.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from tests.integration.form_support import form_data
from tests.integration.sso import sso

pytestmark = pytest.mark.django_db

VIEWER = sso("vi@example.com", "sales-viewers")
EDITOR = sso("ed@example.com", "sales")


@pytest.fixture
def contact_id(crm: LightfieldClient) -> str:
    return next(r.id for r in crm.list_contacts(offset=40).data if r.related_ids("$account"))


def _page(client: Client, contact_id: str, who: dict[str, str]) -> str:
    response = client.get(f"/contacts/{contact_id}/", headers=who)
    assert response.status_code == 200
    return response.content.decode()


def test_kept_fields_and_panel_follow_the_role_of_whoever_looks(
    client: Client, header_mode: None, contact_id: str
) -> None:
    pages = [_page(client, contact_id, who) for who in (VIEWER, EDITOR, VIEWER, EDITOR)]
    for page, can_edit in zip(pages, (False, True, False, True), strict=True):
        assert ('Edit<span class="visually-hidden"> Job title</span>' in page) is can_edit
        assert ('<button type="submit" class="remove">' in page) is can_edit


def _panel_tokens(page: str) -> tuple[set[str], set[str]]:
    panel = page.split('id="relationships"', 1)[1].split('id="history"', 1)[0]
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', panel))
    keys = set(re.findall(r'name="action_key" value="([^"]+)"', panel))
    return tokens, keys


def test_the_kept_panel_carries_each_requests_own_csrf_token_and_form_key(
    header_mode: None, crm: LightfieldClient, contact_id: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    first, second = (_page(client, contact_id, EDITOR) for _ in range(2))
    (first_tokens, first_keys), (second_tokens, second_keys) = (
        _panel_tokens(first),
        _panel_tokens(second),
    )
    assert len(first_tokens) == len(second_tokens) == 1
    assert len(first_keys) == len(second_keys) == 1
    assert first_keys != second_keys  # a fresh form key per rendering, as before

    # The second page's panel came from kept HTML: its token must still be accepted.
    account_id = crm.get_contact(contact_id).related_ids("$account")[0]
    form = second.split('class="inline"', 1)[1].split("</form>", 1)[0]
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert data["id"] == account_id
    assert data["csrfmiddlewaretoken"] in second_tokens
    response = client.post(f"/contacts/{contact_id}/relationships/$account/", data, headers=EDITOR)
    assert response.status_code == 303, response.content.decode()[:500]
    assert account_id not in crm.get_contact(contact_id).related_ids("$account")
    # ...and the page after the change shows it: the panel was not served from the old HTML.
    after = _page(client, contact_id, EDITOR)
    assert "Undo" in after


def test_a_kept_history_shows_a_change_made_after_it_was_kept(
    client: Client, header_mode: None, contact_id: str
) -> None:
    before = _page(client, contact_id, VIEWER).split('id="history"', 1)[1]
    assert "Head of Delight" not in before
    url = f"/contacts/{contact_id}/edit/"
    data = form_data(client.get(url, headers=EDITOR).content.decode())
    data["fields.$title"] = ["Head of Delight"]
    assert client.post(url, data, headers=EDITOR).status_code == 302
    after = _page(client, contact_id, VIEWER)
    assert "Head of Delight" in after.split('id="history"', 1)[1]
    assert "Head of Delight" in after.split('id="history"', 1)[0]  # the field shows it too
