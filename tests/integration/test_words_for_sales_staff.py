"""Words for sales staff: the audit log speaks in labels, names and formatted values, and a
do-not-contact flag reads as a warning."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from contacts_ui.services import writes
from contacts_ui.services.audit import Actor

pytestmark = pytest.mark.django_db

ME = Actor(user=None, username="ann@example.com")


def _contact(crm: LightfieldClient) -> Record:
    return next(r for r in crm.list_contacts(limit=25).data if r.value("$title"))


def _audit_page(client: Client) -> str:
    return client.get("/audit/").content.decode()


def test_the_audit_log_names_the_field_by_its_label(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm)
    writes.update_contact(ME, record.id, {"$title": "Boss"}, None, "k1", before={"$title": "Old"})
    html = _audit_page(client)
    assert "Job title: <del>Old</del> → <ins>Boss</ins>" in html
    assert "$title" not in html


def test_the_audit_log_names_the_contact_rather_than_its_id(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm)
    writes.update_contact(ME, record.id, {"$title": "Boss"}, None, "k1")
    html = _audit_page(client)
    assert f'<a href="/contacts/{record.id}/">{record.display_name}</a>' in html


def test_the_audit_log_formats_values_as_the_contact_page_does(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm)
    writes.update_contact(
        ME, record.id, {"$doNotContact": True}, None, "k1", before={"$doNotContact": False}
    )
    html = _audit_page(client)
    assert "Do not contact: <del>No</del> → <ins>Yes</ins>" in html
    assert "True" not in html


def test_the_audit_log_shows_a_full_name_without_python_syntax(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm)
    name = {"firstName": "Zoë", "lastName": "Ødegaard"}
    writes.update_contact(ME, record.id, {"$name": name}, None, "k1")
    html = _audit_page(client)
    assert "<ins>Zoë Ødegaard</ins>" in html
    assert "firstName" not in html


def test_the_audit_log_names_a_linked_account(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm)
    account = crm.list_accounts(limit=1).data[0]
    writes.update_relationships(ME, record.id, "$account", {"add": [account.id]}, "k1")
    html = _audit_page(client)
    assert f"Accounts: linked {account.display_name}</div>" in html


def test_do_not_contact_reads_as_a_warning_on_the_contact_page(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm)
    crm.update_contact(record.id, fields={"$doNotContact": True})
    html = client.get(f"/contacts/{record.id}/?refresh=1").content.decode()
    assert '<div class="field-row warning" id="field-row-doNotContact">' in html
    assert re.search(r'class="banner banner-warning warning-fact">.*?Do not contact</p>', html)


def test_a_cleared_do_not_contact_is_no_warning(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm)
    crm.update_contact(record.id, fields={"$doNotContact": False})
    html = client.get(f"/contacts/{record.id}/?refresh=1").content.decode()
    assert "warning-fact" not in html
