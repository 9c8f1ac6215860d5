"""This process's cache layer hands out the objects it keeps: nothing may change them."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient

pytestmark = pytest.mark.django_db


def test_what_the_dashboard_keeps_per_process_is_never_changed_by_its_readers(
    client: Client, crm: LightfieldClient
) -> None:
    """The local layer hands out its objects, not copies: a reader that changed one would change
    it for every later request. Pages read the same values twice and must see them unchanged."""
    contact_id = crm.list_contacts(limit=1).data[0].id
    for url in ("/contacts/?page=2", f"/contacts/{contact_id}/", "/contacts/?page=2"):
        assert client.get(url).status_code == 200
    local = caches["local"]
    before = {key: repr(value) for key, (value, _expiry) in local._entries.items()}
    assert before, "the pages kept nothing in this process's layer"
    for url in ("/contacts/?page=2", f"/contacts/{contact_id}/", "/contacts/?q=a"):
        assert client.get(url).status_code == 200
    after = {key: repr(value) for key, (value, _expiry) in local._entries.items()}
    assert {key: after[key] for key in before if key in after} == {
        key: before[key] for key in before if key in after
    }
