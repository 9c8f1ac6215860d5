"""Editing one field in place on the contact page: the single-field editor and its save."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from contacts_ui.models import AuditEntry
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, no_sleep
from tests.integration.form_support import (  # noqa: F401 — the `recorder` fixture
    FormData,
    Recorder,
    crm_error,
    dashboard_client,
    form_data,
    recorder_fixture,
)
from tests.integration.sso import sso

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
VIEWER = sso("vi@example.com", "sales-viewers")


@pytest.fixture
def someone_else(sandbox_app: object) -> Iterator[LightfieldClient]:
    """Another dashboard user's client: it writes to the same sandbox, bypassing this one."""
    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=sandbox_app),  # type: ignore[arg-type]
        sleep=no_sleep,
    )
    yield client
    client.close()


def _contact(crm: LightfieldClient, *keys: str) -> Record:
    """Return a seeded contact that has values for all of ``keys``."""
    for offset in range(0, 200, 25):
        for record in crm.list_contacts(limit=25, offset=offset).data:
            if all(record.value(key) is not None for key in keys):
                return record
    raise AssertionError(f"no seeded contact has {keys}")


def _editor_url(contact_id: str, key: str) -> str:
    return f"/contacts/{contact_id}/fields/{key}/edit/"


def _field_url(contact_id: str, key: str) -> str:
    return f"/contacts/{contact_id}/fields/{key}/"


def _open_editor(client: Client, contact_id: str, key: str) -> FormData:
    """Open a field's editor as htmx does and return what it would post untouched."""
    response = client.get(_editor_url(contact_id, key), headers=HX)
    assert response.status_code == 200, response.status_code
    return form_data(response.content.decode())


def _save_title(client: Client, contact_id: str, title: str) -> httpx.Response:
    data = _open_editor(client, contact_id, "$title")
    data["fields.$title"] = [title]
    return client.post(_field_url(contact_id, "$title"), data, headers=HX)


def _posts(sandbox_app: object) -> int:
    return sum(1 for method, _, _ in sandbox_app.request_log.entries if method == "POST")


def test_the_editor_holds_only_the_chosen_field(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm, "$title")
    data = _open_editor(client, record.id, "$title")
    assert [name for name in data if name.startswith("fields.")] == ["fields.$title"]
    assert data["fields.$title"] == [record.value("$title")]


def test_the_editor_focuses_its_input(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm, "$title")
    html = client.get(_editor_url(record.id, "$title"), headers=HX).content.decode()
    assert re.search(r'<input[^>]*name="fields\.\$title"[^>]*autofocus', html)


def test_saving_the_title_in_place_sends_only_the_title(client: Client, recorder: Recorder) -> None:
    record = _contact(dashboard_client(), "$title", "$email")
    _save_title(client, record.id, "Head of Counting")
    assert [write.url.path for write in recorder.writes()] == [f"/v1/contacts/{record.id}"]
    assert recorder.bodies() == [{"fields": {"$title": "Head of Counting"}}]


def test_the_save_carries_the_editors_idempotency_key_and_a_payload_digest(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), "$title")
    data = _open_editor(client, record.id, "$title")
    data["fields.$title"] = ["Head of Counting"]
    client.post(_field_url(record.id, "$title"), data, headers=HX)
    (write,) = recorder.writes()
    key = write.headers["Idempotency-Key"]
    assert re.fullmatch(rf"{data['idempotency_key'][0]}-[0-9a-f]{{16}}", key)


def test_the_answer_is_the_fields_new_display_with_its_edit_control(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm, "$title")
    html = _save_title(client, record.id, "Head of Counting").content.decode()
    assert '<div class="field-row' in html
    assert "Head of Counting" in html
    assert 'Edit<span class="visually-hidden"> Job title</span>' in html
    assert "<form" not in html


def test_saving_in_place_writes_an_audit_entry(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm, "$title")
    _save_title(client, record.id, "Head of Counting")
    entry = AuditEntry.objects.get(record_id=record.id)
    assert entry.changes == {
        "$title": {"before": record.value("$title"), "after": "Head of Counting"}
    }


def test_an_unchanged_field_sends_nothing(client: Client, recorder: Recorder) -> None:
    record = _contact(dashboard_client(), "$title")
    data = _open_editor(client, record.id, "$title")
    response = client.post(_field_url(record.id, "$title"), data, headers=HX)
    assert response.status_code == 200
    assert recorder.writes() == []


def test_a_title_someone_else_changed_since_the_page_was_shown_is_not_overwritten(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), "$title")
    data = _open_editor(client, record.id, "$title")
    someone_else.update_contact(record.id, fields={"$title": "Their title"})
    data["fields.$title"] = ["My title"]
    html = client.post(_field_url(record.id, "$title"), data, headers=HX).content.decode()
    assert "Someone else changed this field" in html
    assert re.search(r'value="theirs"[^>]*> Keep theirs <span class="value">Their title', html)
    assert recorder.writes() == []


def test_a_change_someone_else_made_to_another_field_does_not_block_the_save(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), "$title")
    data = _open_editor(client, record.id, "$title")
    someone_else.update_contact(record.id, fields={"lead-score": 7})
    data["fields.$title"] = ["My title"]
    client.post(_field_url(record.id, "$title"), data, headers=HX)
    assert recorder.bodies() == [{"fields": {"$title": "My title"}}]
    assert dashboard_client().get_contact(record.id).value("lead-score") == 7


def test_choosing_my_value_in_an_in_place_conflict_saves_it(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), "$title")
    data = _open_editor(client, record.id, "$title")
    someone_else.update_contact(record.id, fields={"$title": "Their title"})
    data["fields.$title"] = ["My title"]
    conflict = client.post(_field_url(record.id, "$title"), data, headers=HX)
    again = form_data(conflict.content.decode())
    again["resolve.$title"] = ["mine"]
    client.post(_field_url(record.id, "$title"), again, headers=HX)
    assert recorder.bodies() == [{"fields": {"$title": "My title"}}]


def test_a_crm_field_error_shows_in_the_editor_and_keeps_the_typed_value(
    client: Client, recorder: Recorder
) -> None:
    recorder.override = lambda request: (
        crm_error(
            400,
            {
                "type": "bad_request",
                "code": "invalid_type",
                "param": "fields.$title",
                "message": "$title is too long for the CRM",
            },
        )
        if request.method == "POST"
        else None
    )
    record = _contact(dashboard_client(), "$title")
    html = _save_title(client, record.id, "A very long title").content.decode()
    assert "The CRM did not accept this: $title is too long for the CRM" in html
    assert 'value="A very long title"' in html


def test_a_busy_crm_shows_in_the_editor_and_keeps_the_typed_value(
    client: Client, recorder: Recorder
) -> None:
    recorder.override = lambda request: (
        crm_error(
            429,
            {"type": "rate_limit_error", "message": "Slow down"},
            {"Retry-After": "30"},
        )
        if request.method == "POST"
        else None
    )
    record = _contact(dashboard_client(), "$title")
    response = _save_title(client, record.id, "Head of Counting")
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps it in
    assert "The CRM is busy right now" in html
    assert 'value="Head of Counting"' in html


def test_a_crm_that_is_down_shows_in_the_editor_and_keeps_the_typed_value(
    client: Client, recorder: Recorder
) -> None:
    recorder.override = lambda request: (
        httpx.Response(503, json={"error": {"type": "api_error", "message": "Down"}})
        if request.method == "POST"
        else None
    )
    record = _contact(dashboard_client(), "$title")
    html = _save_title(client, record.id, "Head of Counting").content.decode()
    assert 'role="alert"' in html
    assert 'value="Head of Counting"' in html


def test_the_full_name_edits_in_place_as_one_compound_value(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), "$name")
    data = _open_editor(client, record.id, "$name")
    data["fields.$name_firstName"] = ["Zoë"]
    data["fields.$name_lastName"] = ["Ødegaard"]
    client.post(_field_url(record.id, "$name"), data, headers=HX)
    assert recorder.bodies() == [
        {"fields": {"$name": {"firstName": "Zoë", "lastName": "Ødegaard"}}}
    ]


def test_the_emails_edit_in_place_as_a_list(client: Client, recorder: Recorder) -> None:
    record = _contact(dashboard_client(), "$email")
    data = _open_editor(client, record.id, "$email")
    data["fields.$email"] = ["first@example.org", "second@example.org"]
    client.post(_field_url(record.id, "$email"), data, headers=HX)
    assert recorder.bodies() == [
        {"fields": {"$email": ["first@example.org", "second@example.org"]}}
    ]


def test_a_read_only_field_has_no_editor(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm)
    assert client.get(_editor_url(record.id, "$summary"), headers=HX).status_code == 404


def test_cancelling_returns_the_fields_display(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm, "$title")
    html = client.get(_field_url(record.id, "$title"), headers=HX).content.decode()
    assert '<div class="field-row' in html
    assert "<form" not in html


def test_a_viewer_is_refused_the_editor_before_any_crm_call(
    client: Client, header_mode: None, sandbox_app: object
) -> None:
    record = _contact(dashboard_client(), "$title")
    sandbox_app.request_log.reset()
    response = client.get(_editor_url(record.id, "$title"), headers={**HX, **VIEWER})
    assert response.status_code == 403
    assert sandbox_app.request_log.entries == []


def test_a_viewers_in_place_save_is_refused_before_any_crm_call(
    client: Client, header_mode: None, sandbox_app: object
) -> None:
    record = _contact(dashboard_client(), "$title")
    sandbox_app.request_log.reset()
    response = client.post(
        _field_url(record.id, "$title"), {"fields.$title": "X"}, headers={**HX, **VIEWER}
    )
    assert response.status_code == 403
    assert sandbox_app.request_log.entries == []


def test_a_viewer_sees_no_edit_controls_on_the_contact_page(
    client: Client, header_mode: None
) -> None:
    record = _contact(dashboard_client(), "$title")
    html = client.get(f"/contacts/{record.id}/", headers=VIEWER).content.decode()
    assert "data-edit-field" not in html
    assert "/fields/" not in html


def test_the_edit_control_is_a_link_to_the_edit_page_at_that_field(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm, "$title")
    html = client.get(f"/contacts/{record.id}/").content.decode()
    link = re.search(r'<a class="edit-field" href="([^"]+title)" hx-get="([^"]+)"', html)
    assert link.group(1) == f"/contacts/{record.id}/edit/?focus=%24title#field-$title"
    assert link.group(2) == f"/contacts/{record.id}/fields/$title/edit/"


def test_without_htmx_the_editor_address_leads_to_the_edit_page_at_that_field(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm, "$title")
    response = client.get(_editor_url(record.id, "$title"))
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{record.id}/edit/?focus=%24title#field-$title"


def test_the_edit_page_focuses_the_field_named_in_the_link(
    client: Client, crm: LightfieldClient
) -> None:
    record = _contact(crm, "$title")
    html = client.get(f"/contacts/{record.id}/edit/?focus=$title").content.decode()
    assert re.search(r'<div id="field-\$title" class="form-field', html)
    assert re.search(r'<input[^>]*name="fields\.\$title"[^>]*autofocus', html)
    assert len(re.findall(r"\bautofocus\b", html)) == 1
