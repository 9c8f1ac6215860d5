"""Editing a contact at /contacts/<id>/edit/: only changed fields are sent, clearing sends null,
and a change someone else made meanwhile is never overwritten silently."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from django.test import Client
from django.utils.html import escape

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, no_sleep
from tests.integration.form_support import (  # noqa: F401 — the `recorder` fixture
    FormData,
    Recorder,
    dashboard_client,
    form_data,
    open_form,
    recorder_fixture,
)

pytestmark = pytest.mark.django_db


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


def _contact(crm: LightfieldClient, **wanted: bool) -> Record:
    """Return a seeded contact that has (or lacks) values for the given keys."""
    for offset in range(0, 200, 25):
        for record in crm.list_contacts(limit=25, offset=offset).data:
            if all((record.value(key) is not None) is has for key, has in wanted.items()):
                return record
    raise AssertionError(f"no seeded contact matches {wanted}")


def _edit_url(contact_id: str) -> str:
    return f"/contacts/{contact_id}/edit/"


def _set(data: FormData, name: str, *values: str) -> FormData:
    data[name] = list(values)
    return data


def test_the_edit_form_is_prefilled_from_the_record(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm, **{"$title": True, "$name": True})
    data = open_form(client, _edit_url(record.id))
    assert data["fields.$title"] == [record.value("$title")]
    assert data["fields.$name_firstName"] == [record.value("$name")["firstName"] or ""]
    assert data["updated_at"] == [record.updated_at_raw]


def test_editing_the_title_sends_only_the_title_with_an_idempotency_key(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = _set(open_form(client, _edit_url(record.id)), "fields.$title", "Chief Counting Officer")
    response = client.post(_edit_url(record.id), data)
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{record.id}/"
    (write,) = recorder.writes()
    assert write.url.path == f"/v1/contacts/{record.id}"
    assert recorder.bodies() == [{"fields": {"$title": "Chief Counting Officer"}}]
    assert write.headers["Idempotency-Key"].startswith(data["idempotency_key"][0])


def test_the_contact_page_shows_the_saved_value_without_reading_the_crm_again(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = _set(open_form(client, _edit_url(record.id)), "fields.$title", "Head of Tea")
    client.post(_edit_url(record.id), data)
    recorder.requests.clear()
    page = client.get(f"/contacts/{record.id}/").content.decode()
    assert "Head of Tea" in page
    assert "Saved." in page
    assert not [r for r in recorder.requests if r.url.path == f"/v1/contacts/{record.id}"]


def test_an_untouched_form_sends_nothing(client: Client, recorder: Recorder) -> None:
    record = _contact(dashboard_client(), **{"$phone": True, "last-contacted": True, "notes": True})
    response = client.post(_edit_url(record.id), open_form(client, _edit_url(record.id)))
    assert response.status_code == 302
    assert recorder.writes() == []
    assert "nothing was sent" in client.get(response["Location"]).content.decode()


def test_clearing_a_field_sends_null(client: Client, recorder: Recorder) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = _set(open_form(client, _edit_url(record.id)), "fields.$title", "")
    client.post(_edit_url(record.id), data)
    assert recorder.bodies() == [{"fields": {"$title": None}}]
    assert dashboard_client().get_contact(record.id).value("$title") is None


def test_clearing_every_email_sends_null(client: Client, recorder: Recorder) -> None:
    record = _contact(dashboard_client(), **{"$email": True})
    data = _set(open_form(client, _edit_url(record.id)), "fields.$email", "")
    client.post(_edit_url(record.id), data)
    assert recorder.bodies() == [{"fields": {"$email": None}}]


def test_adding_a_phone_keeps_a_local_number_the_crm_already_had(
    client: Client, recorder: Recorder
) -> None:
    record = next(
        r
        for r in dashboard_client().list_contacts(limit=25).data
        if any("+" not in p for p in r.value("$phone", []))
    )
    phones = record.value("$phone")
    data = open_form(client, _edit_url(record.id))
    data["fields.$phone"] = [*[p for p in data["fields.$phone"] if p], "+44 20 7946 0958 x12"]
    response = client.post(_edit_url(record.id), data)
    assert response.status_code == 302
    assert recorder.bodies() == [{"fields": {"$phone": [*phones, "+442079460958;ext=12"]}}]


def test_a_phone_number_is_saved_as_e164_in_the_default_region(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), **{"$phone": False})
    data = _set(open_form(client, _edit_url(record.id)), "fields.$phone", "(415) 555-0100 ext. 7")
    client.post(_edit_url(record.id), data)
    assert recorder.bodies() == [{"fields": {"$phone": ["+14155550100;ext=7"]}}]


def test_an_invalid_value_comes_back_with_a_message_and_no_write(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = _set(open_form(client, _edit_url(record.id)), "fields.lead-score", "12.345")
    response = client.post(_edit_url(record.id), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_fields\.lead-score_error">.*decimal places', html, re.S)
    assert 'value="12.345"' in html
    assert f"<h1>Edit {escape(record.display_name)}</h1>" in html
    assert "autofocus" in re.search(r'<input[^>]*name="fields\.lead-score"[^>]*>', html).group(0)
    assert recorder.writes() == []


def test_the_same_save_submitted_twice_carries_the_same_key(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = _set(open_form(client, _edit_url(record.id)), "fields.$title", "Twice")
    client.post(_edit_url(record.id), data)
    client.post(_edit_url(record.id), data)
    keys = [r.headers["Idempotency-Key"] for r in recorder.writes()]
    assert len(keys) == 2
    assert keys[0] == keys[1]


def test_a_different_save_from_the_same_form_gets_its_own_key(
    client: Client, recorder: Recorder
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = open_form(client, _edit_url(record.id))
    client.post(_edit_url(record.id), _set(dict(data), "fields.$title", "First"))
    # Back, then another change from the same page: it must not replay the first save.
    client.post(_edit_url(record.id), _set(dict(data), "fields.lead-score", "42"))
    first, second = (r.headers["Idempotency-Key"] for r in recorder.writes())
    assert first != second
    saved = dashboard_client().get_contact(record.id)
    assert (saved.value("$title"), saved.value("lead-score")) == ("First", 42)


def test_a_change_made_elsewhere_to_the_same_field_is_not_overwritten(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = open_form(client, _edit_url(record.id))
    someone_else.update_contact(record.id, fields={"$title": "Their title"})
    response = client.post(_edit_url(record.id), _set(data, "fields.$title", "My title"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed a field you changed" in html
    section = re.search(r'<section class="conflicts".*?</section>', html, re.S).group(0)
    assert re.search(
        r'value="theirs"[^>]*> Keep their value <span class="value">Their title', section
    )
    assert re.search(r'value="mine"[^>]*> Use yours <span class="value">My title', section)
    assert recorder.writes() == []
    assert dashboard_client().get_contact(record.id).value("$title") == "Their title"


def test_choosing_their_value_in_a_conflict_keeps_it(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = open_form(client, _edit_url(record.id))
    someone_else.update_contact(record.id, fields={"$title": "Their title"})
    conflict = form_data(
        client.post(_edit_url(record.id), _set(data, "fields.$title", "My title")).content.decode()
    )
    conflict["resolve.$title"] = ["theirs"]
    response = client.post(_edit_url(record.id), conflict)
    assert response.status_code == 302
    assert dashboard_client().get_contact(record.id).value("$title") == "Their title"
    assert all("$title" not in body.get("fields", {}) for body in recorder.bodies())


def test_choosing_my_value_in_a_conflict_saves_it(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = open_form(client, _edit_url(record.id))
    someone_else.update_contact(record.id, fields={"$title": "Their title"})
    conflict = form_data(
        client.post(_edit_url(record.id), _set(data, "fields.$title", "My title")).content.decode()
    )
    conflict["resolve.$title"] = ["mine"]
    client.post(_edit_url(record.id), conflict)
    assert recorder.bodies() == [{"fields": {"$title": "My title"}}]


def test_a_conflict_must_be_settled_before_anything_is_saved(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = open_form(client, _edit_url(record.id))
    someone_else.update_contact(record.id, fields={"$title": "Their title"})
    conflict = form_data(
        client.post(_edit_url(record.id), _set(data, "fields.$title", "My title")).content.decode()
    )
    response = client.post(_edit_url(record.id), conflict)
    assert response.status_code == 200
    assert "choose which value to keep" in response.content.decode()
    assert recorder.writes() == []


def test_a_change_made_elsewhere_to_another_field_survives_and_mine_is_saved(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = open_form(client, _edit_url(record.id))
    someone_else.update_contact(record.id, fields={"$title": "Their title"})
    response = client.post(_edit_url(record.id), _set(data, "fields.lead-score", "77"))
    assert response.status_code == 302
    assert recorder.bodies() == [{"fields": {"lead-score": 77}}]
    saved = dashboard_client().get_contact(record.id)
    assert saved.value("$title") == "Their title"
    assert saved.value("lead-score") == 77


def test_the_conflict_form_takes_in_their_changes_to_fields_i_did_not_touch(
    client: Client, recorder: Recorder, someone_else: LightfieldClient
) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = open_form(client, _edit_url(record.id))
    someone_else.update_contact(record.id, fields={"$title": "Their title", "lead-score": 5})
    conflict = form_data(
        client.post(_edit_url(record.id), _set(data, "fields.$title", "My title")).content.decode()
    )
    assert conflict["fields.lead-score"] == ["5"]
    conflict["resolve.$title"] = ["mine"]
    client.post(_edit_url(record.id), conflict)
    assert recorder.bodies() == [{"fields": {"$title": "My title"}}]


def test_a_tampered_snapshot_is_not_trusted(client: Client, recorder: Recorder) -> None:
    record = _contact(dashboard_client(), **{"$title": True})
    data = _set(open_form(client, _edit_url(record.id)), "fields.$title", "Mine")
    data["snapshot"] = ["forged"]
    response = client.post(_edit_url(record.id), data)
    assert response.status_code == 200
    assert "could not tell which values it showed you" in response.content.decode()
    assert recorder.writes() == []


def test_editing_a_contact_that_does_not_exist_is_a_404(
    client: Client, crm: LightfieldClient
) -> None:
    assert client.get(_edit_url("con_doesnotexist")).status_code == 404


def test_the_contact_page_links_to_its_edit_form(client: Client, crm: LightfieldClient) -> None:
    record = _contact(crm)
    assert (
        f'href="/contacts/{record.id}/edit/"'
        in client.get(f"/contacts/{record.id}/").content.decode()
    )
