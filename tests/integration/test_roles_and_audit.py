"""Roles on every endpoint, and the audit trail of every kind of write (failed ones too)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.models import AuditEntry
from tests.integration.form_support import form_data, open_form
from tests.integration.sso import sso

pytestmark = pytest.mark.django_db

VIEWER = sso("vi@example.com", "sales-viewers")
EDITOR = sso("ed@example.com", "sales")
ADMIN = sso("it@example.com", "it-admins")
NOBODY = sso("no@example.com", "marketing")


@pytest.fixture
def contact_id(crm: LightfieldClient) -> str:
    return next(r.id for r in crm.list_contacts(offset=40).data if r.related_ids("$account"))


def _posts(sandbox_app: object) -> int:
    return sum(1 for method, _, _ in sandbox_app.request_log.entries if method == "POST")


# (method, url template, minimum role)
ENDPOINTS = [
    ("GET", "/contacts/", "viewer"),
    ("GET", "/contacts/{id}/", "viewer"),
    ("POST", "/contacts/columns/", "viewer"),
    ("GET", "/contacts/new/", "editor"),
    ("POST", "/contacts/new/", "editor"),
    ("GET", "/contacts/{id}/edit/", "editor"),
    ("POST", "/contacts/{id}/edit/", "editor"),
    ("POST", "/contacts/{id}/relationships/$account/", "editor"),
    ("GET", "/contacts/{id}/fields/$title/", "viewer"),
    ("GET", "/contacts/{id}/fields/$title/edit/", "editor"),
    ("POST", "/contacts/{id}/fields/$title/", "editor"),
    ("GET", "/contacts/{id}/relationships/$account/search/?q=A", "viewer"),
    ("GET", "/contacts/new/relationships/$account/search/?q=A", "editor"),
    ("POST", "/contacts/definitions/refresh/", "admin"),
    ("GET", "/audit/", "admin"),
]
RANK = {"none": 0, "viewer": 1, "editor": 2, "admin": 3}
PEOPLE = {"none": NOBODY, "viewer": VIEWER, "editor": EDITOR, "admin": ADMIN}


@pytest.mark.parametrize("person", list(PEOPLE))
@pytest.mark.parametrize(("method", "url", "minimum"), ENDPOINTS)
def test_every_endpoint_enforces_its_role(
    client: Client,
    header_mode: None,
    sandbox_app: object,
    contact_id: str,
    person: str,
    method: str,
    url: str,
    minimum: str,
) -> None:
    sandbox_app.request_log.reset()
    path = url.format(id=contact_id)
    send = client.get if method == "GET" else client.post
    response = send(path, headers=PEOPLE[person])
    if RANK[person] < RANK[minimum]:
        assert response.status_code == 403
        assert sandbox_app.request_log.entries == []
    else:
        assert response.status_code not in (401, 403)


def test_pages_hide_write_controls_from_viewers(
    client: Client, header_mode: None, contact_id: str
) -> None:
    viewer_page = client.get(f"/contacts/{contact_id}/", headers=VIEWER).content.decode()
    editor_page = client.get(f"/contacts/{contact_id}/", headers=EDITOR).content.decode()
    assert f'href="/contacts/{contact_id}/edit/' not in viewer_page
    assert f'href="/contacts/{contact_id}/edit/' in editor_page
    assert 'href="/contacts/new/"' not in client.get("/contacts/", headers=VIEWER).content.decode()


def test_a_viewers_edit_post_is_refused_with_no_upstream_write(
    client: Client, header_mode: None, sandbox_app: object, contact_id: str
) -> None:
    sandbox_app.request_log.reset()
    response = client.post(f"/contacts/{contact_id}/edit/", {"fields.$title": "X"}, headers=VIEWER)
    assert response.status_code == 403
    assert _posts(sandbox_app) == 0
    assert not AuditEntry.objects.exists()


def _edit_title(client: Client, contact_id: str, title: str, who: dict[str, str]) -> None:
    url = f"/contacts/{contact_id}/edit/"
    data = form_data(client.get(url, headers=who).content.decode())
    data["fields.$title"] = [title]
    response = client.post(url, data, headers=who)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_editors_edit_is_saved_and_audited_under_their_email(
    client: Client, header_mode: None, crm: LightfieldClient, contact_id: str
) -> None:
    before = crm.get_contact(contact_id).value("$title")
    _edit_title(client, contact_id, "Chief Happiness Officer", EDITOR)
    assert crm.get_contact(contact_id).value("$title") == "Chief Happiness Officer"

    entry = AuditEntry.objects.get()
    assert entry.username == "ed@example.com"
    assert entry.groups == ["sales"]
    assert entry.action == "update"
    assert entry.record_id == contact_id
    assert entry.changes == {"$title": {"before": before, "after": "Chief Happiness Officer"}}
    assert entry.result == "ok"
    assert entry.crm_status == 200
    assert entry.idempotency_key
    assert re.fullmatch(r"[0-9a-f]{32}", entry.request_id)

    audit_page = client.get("/audit/", headers=ADMIN).content.decode()
    assert "ed@example.com" in audit_page
    assert "Chief Happiness Officer" in audit_page


def test_the_contact_page_shows_its_history(
    client: Client, header_mode: None, contact_id: str
) -> None:
    _edit_title(client, contact_id, "Head of Delight", EDITOR)
    page = client.get(f"/contacts/{contact_id}/", headers=VIEWER).content.decode()
    history = page.split('id="history"', 1)[1]
    assert "ed@example.com" in history
    assert "Head of Delight" in history


def test_a_create_is_audited(client: Client, crm: LightfieldClient) -> None:
    data = open_form(client, "/contacts/new/")
    data["fields.$name.0"] = ["Audit"]
    data["fields.$name.1"] = ["Trail"]
    data["fields.$email"] = ["audit.trail@example.com"]
    response = client.post("/contacts/new/", data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="create")
    assert entry.result == "ok"
    assert entry.record_id.startswith("con_")
    assert entry.changes["$email"]["after"] == ["audit.trail@example.com"]


def test_a_failed_write_is_audited_with_the_crms_answer(
    client: Client, crm: LightfieldClient, contact_id: str
) -> None:
    data = open_form(client, "/contacts/new/")
    taken = crm.get_contact(contact_id).value("$email")[0]
    data["fields.$name.0"] = ["Dup"]
    data["fields.$email"] = [taken]
    data["create_anyway"] = ["1"]
    client.post("/contacts/new/", data)
    entry = AuditEntry.objects.get(action="create")
    assert entry.result == "failed"
    assert entry.crm_status == 422
    assert entry.error_code == "duplicate_value"


def test_a_relationship_operation_is_audited(
    client: Client, crm: LightfieldClient, contact_id: str
) -> None:
    account_id = crm.get_contact(contact_id).related_ids("$account")[0]
    client.post(
        f"/contacts/{contact_id}/relationships/$account/",
        {"op": "remove", "id": account_id},
    )
    entry = AuditEntry.objects.get(action="relationship")
    assert entry.relationships == {"$account": {"remove": [account_id]}}
    assert entry.result == "ok"


def test_the_audit_log_filters_and_exports_csv(
    client: Client, header_mode: None, contact_id: str
) -> None:
    _edit_title(client, contact_id, "VP Audits", EDITOR)
    page = client.get("/audit/", {"user": "nobody-here"}, headers=ADMIN).content.decode()
    assert "No changes recorded." in page
    export = client.get("/audit/", {"user": "ed@", "format": "csv"}, headers=ADMIN)
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["user"] for row in rows] == ["ed@example.com"]
    assert "VP Audits" in rows[0]["changes"]


def test_old_audit_entries_are_pruned_after_the_retention_period(contact_id: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from contacts_ui.services import audit

    actor = audit.Actor(user=None, username="x@example.com")
    old = audit.record(actor, "update", contact_id, audit.Change())
    audit.record(actor, "update", contact_id, audit.Change())
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=400))
    assert audit.prune() == 1
    assert AuditEntry.objects.count() == 1


def test_the_page_after_a_save_carries_the_saved_event_for_an_embedding_portal(
    client: Client, header_mode: None, contact_id: str
) -> None:
    _edit_title(client, contact_id, "Event Planner", EDITOR)
    marker = f'data-contact-event="contact-saved" data-contact-id="{contact_id}"'
    assert marker in client.get(f"/contacts/{contact_id}/", headers=EDITOR).content.decode()
    assert marker not in client.get(f"/contacts/{contact_id}/", headers=EDITOR).content.decode()
