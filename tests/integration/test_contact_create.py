"""Creating a contact at /contacts/new/: the generated form, the duplicate check, idempotency,
and what the person gets back when something goes wrong."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client, RequestFactory

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.views import edit
from sandbox.definitions import CONTACT
from tests.integration.form_support import (  # noqa: F401 — the `recorder` fixture
    FormData,
    Recorder,
    crm_error,
    dashboard_client,
    form_data,
    open_form,
    recorder_fixture,
)

pytestmark = pytest.mark.django_db

NEW = "/contacts/new/"


def _filled(client: Client, **values: str | list[str]) -> FormData:
    data = open_form(client, NEW)
    data.update(
        {name: value if isinstance(value, list) else [value] for name, value in values.items()}
    )
    return data


def _new_person(client: Client, email: str = "ada.new@example.com") -> FormData:
    return _filled(
        client,
        **{
            "fields.$name_firstName": "Ada",
            "fields.$name_lastName": "Lovelace",
            "fields.$email": email,
            "fields.$title": "Analyst",
        },
    )


def _total(crm: LightfieldClient) -> int:
    return crm.list_contacts(limit=1).total_count


def _existing_email(crm: LightfieldClient) -> tuple[str, str]:
    for record in crm.list_contacts(limit=25).data:
        emails = record.value("$email", [])
        if emails:
            return record.id, emails[0]
    raise AssertionError("no seeded contact has an email")


def test_the_new_contact_form_has_an_input_for_every_writable_field(
    client: Client, crm: LightfieldClient
) -> None:
    html = client.get(NEW).content.decode()
    for key, definition in CONTACT.fields.items():
        # Compound inputs are named fields.<key>_<part>; the rest fields.<key>.
        has_input = re.search(rf'name="fields\.{re.escape(key)}(_[A-Za-z0-9]+)?"', html) is not None
        # MARKDOWN is read-only in the contract, whatever its definition says.
        writable = not definition.read_only and definition.value_type != "MARKDOWN"
        assert has_input is writable, key


def test_the_new_contact_form_shows_read_only_fields_without_an_input(
    client: Client, crm: LightfieldClient
) -> None:
    html = client.get(NEW).content.decode()
    assert "AI summary" in html
    assert 'name="fields.$summary"' not in html
    assert 'name="fields.enrichment-score"' not in html


def test_creating_a_contact_opens_its_page_with_a_note_that_the_crm_may_enrich_it(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.post(NEW, _new_person(client))
    assert response.status_code == 302
    assert re.fullmatch(r"/contacts/con_[^/]+/", response["Location"])
    page = client.get(response["Location"]).content.decode()
    assert "Saved. The CRM may enrich this contact in a moment." in page
    assert "Ada Lovelace" in page
    assert "Analyst" in page


def test_the_create_request_carries_only_the_fields_that_were_filled_in(
    client: Client, recorder: Recorder
) -> None:
    client.post(NEW, _new_person(client))
    (body,) = recorder.bodies()
    assert body == {
        "fields": {
            "$name": {"firstName": "Ada", "lastName": "Lovelace"},
            "$email": ["ada.new@example.com"],
            "$title": "Analyst",
        }
    }


def test_a_no_javascript_double_submit_creates_one_contact(
    client: Client, crm: LightfieldClient
) -> None:
    before = _total(crm)
    data = _new_person(client)
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert _total(crm) == before + 1


def test_a_changed_resubmission_of_a_saved_form_says_the_changes_were_not_saved(
    client: Client, crm: LightfieldClient
) -> None:
    data = _new_person(client)
    first = client.post(NEW, data)
    client.get(first["Location"])  # read the first "Saved." note
    data["fields.$title"] = ["Changed after saving"]
    second = client.post(NEW, data)
    assert second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "your later changes were not saved" in page


def test_a_resubmitted_form_the_dashboard_forgot_is_replayed_by_the_crm_not_created_again(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    before = _total(crm)
    data = _new_person(client)
    data["create_anyway"] = ["1"]
    first = client.post(NEW, data)
    cache.clear()  # another worker, or a restart: only the CRM's idempotency remains
    second = client.post(NEW, data)
    assert first["Location"] == second["Location"]
    assert _total(crm) == before + 1
    keys = {r.headers["Idempotency-Key"] for r in recorder.writes()}
    assert keys == {data["idempotency_key"][0]}


def test_the_idempotency_key_is_issued_with_the_form_and_kept_through_a_failed_save(
    client: Client, crm: LightfieldClient
) -> None:
    data = _filled(client, **{"fields.$email": "not-an-email"})
    key = data["idempotency_key"][0]
    assert re.fullmatch(r"[0-9a-f-]{36}", key)
    again = form_data(client.post(NEW, data).content.decode())
    assert again["idempotency_key"] == [key]


def test_a_bad_email_comes_back_with_the_typed_value_a_message_and_no_upstream_write(
    client: Client, recorder: Recorder
) -> None:
    data = _filled(client, **{"fields.$email": "ada@@example", "fields.$title": "Analyst"})
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="ada@@example"' in html
    assert 'value="Analyst"' in html
    assert re.search(r'id="id_fields\.\$email_error">.*Enter a valid email address', html, re.S)
    assert recorder.writes() == []


def test_a_form_without_a_name_or_an_email_is_not_sent(client: Client, recorder: Recorder) -> None:
    data = _filled(client, **{"fields.$title": "Analyst"})
    response = client.post(NEW, data)
    assert "at least a name or an email address" in response.content.decode()
    assert recorder.writes() == []


def test_a_crm_400_with_a_param_lands_on_that_field(client: Client, recorder: Recorder) -> None:
    def refuse(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST":
            return crm_error(
                400,
                {
                    "type": "bad_request",
                    "code": "invalid_type",
                    "param": "fields.$title",
                    "message": "$title is too long for the CRM",
                },
            )
        return None

    recorder.override = refuse
    response = client.post(NEW, _new_person(client))
    html = response.content.decode()
    assert response.status_code == 200
    errors = re.search(
        r'<ul class="errorlist" id="id_fields\.\$title_error">(.*?)</ul>', html, re.S
    )
    assert errors is not None
    assert "$title is too long for the CRM" in errors.group(1)
    assert 'value="Analyst"' in html


def test_a_crm_error_on_part_of_an_address_lands_on_the_address_fieldset(
    client: Client, recorder: Recorder
) -> None:
    recorder.override = lambda r: (
        crm_error(
            422,
            {
                "type": "unprocessable_content",
                "param": "fields.$address.country",
                "message": "Unknown country",
            },
        )
        if r.method == "POST"
        else None
    )
    response = client.post(NEW, _new_person(client))
    assert re.search(
        r'id="id_fields\.\$address_error">.*Unknown country', response.content.decode(), re.S
    )


def test_an_email_another_contact_has_is_refused_by_the_crm_on_the_email_field(
    client: Client, crm: LightfieldClient
) -> None:
    _, email = _existing_email(crm)
    data = _new_person(client, email=email)
    data["create_anyway"] = ["1"]
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_fields\.\$email_error">.*already used', html, re.S)


@pytest.mark.parametrize(
    ("failure", "banner"),
    [
        (
            crm_error(
                429, {"type": "too_many_requests", "message": "slow down"}, {"Retry-After": "30"}
            ),
            "The CRM is busy right now",
        ),
        (
            crm_error(503, {"type": "service_unavailable", "message": "down"}),
            "The CRM had a problem answering",
        ),
        (httpx.ReadTimeout("slow"), "The CRM took too long to answer"),
    ],
    ids=["rate-limited", "unavailable", "timeout"],
)
def test_crm_trouble_keeps_everything_typed_and_shows_a_banner(
    client: Client, recorder: Recorder, failure: httpx.Response | Exception, banner: str
) -> None:
    def fail(request: httpx.Request) -> httpx.Response | None:
        if request.method != "POST":
            return None
        if isinstance(failure, Exception):
            raise failure
        return failure

    recorder.override = fail
    data = _new_person(client)
    response = client.post(NEW, data)
    html = response.content.decode()
    # Busy is 503 with Retry-After (come back later); CRM trouble is a bad gateway.
    busy = banner.startswith("The CRM is busy")
    assert response.status_code == (503 if busy else 502)
    assert ("Retry-After" in response.headers) is busy
    assert banner in html
    again = form_data(html)
    for name in ("fields.$name_firstName", "fields.$title", "idempotency_key"):
        assert again[name] == data[name]
    assert "ada.new@example.com" in again["fields.$email"]


def test_a_save_still_in_flight_says_so_and_keeps_the_same_key(
    client: Client, recorder: Recorder
) -> None:
    recorder.override = lambda r: (
        crm_error(409, {"type": "conflict", "message": "already in progress"})
        if r.method == "POST"
        else None
    )
    data = _new_person(client)
    response = client.post(NEW, data)
    assert response.status_code == 409
    assert "still in progress" in response.content.decode()
    assert form_data(response.content.decode())["idempotency_key"] == data["idempotency_key"]


def test_read_only_fields_are_never_sent_even_when_posted(
    client: Client, recorder: Recorder
) -> None:
    data = _new_person(client)
    data["fields.$summary"] = ["injected"]
    data["fields.enrichment-score"] = ["99"]
    client.post(NEW, data)
    (body,) = recorder.bodies()
    assert "$summary" not in body["fields"]
    assert "enrichment-score" not in body["fields"]


def test_saving_an_email_already_in_the_crm_offers_the_existing_contact_instead(
    client: Client, recorder: Recorder
) -> None:
    contact_id, email = _existing_email(dashboard_client())
    data = _new_person(client, email=email)
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is already in the CRM" in html
    assert f'href="/contacts/{contact_id}/"' in html
    assert recorder.writes() == []


def test_when_emails_need_not_be_unique_a_person_may_create_a_duplicate_anyway(
    client: Client, recorder: Recorder
) -> None:
    def emails_not_unique(request: httpx.Request) -> httpx.Response | None:
        if request.url.path != "/v1/contacts/definitions":
            return None
        definitions = json.loads(recorder.inner.handle_request(request).read())
        definitions["fieldDefinitions"]["$email"]["typeConfiguration"]["unique"] = False
        return httpx.Response(200, json=definitions)

    recorder.override = emails_not_unique
    _, email = _existing_email(dashboard_client())
    offer = client.post(NEW, _new_person(client, email=email)).content.decode()
    assert "create a new contact anyway" in offer
    data = form_data(offer)
    data["create_anyway"] = ["1"]
    client.post(NEW, data)
    assert len(recorder.writes()) == 1


def test_the_live_duplicate_check_returns_a_fragment_linking_the_existing_contact(
    client: Client, crm: LightfieldClient
) -> None:
    contact_id, email = _existing_email(crm)
    response = client.get(
        "/contacts/new/duplicates/", {"fields.$email": email}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "is already in the CRM" in html
    assert f'href="/contacts/{contact_id}/"' in html


def test_the_live_duplicate_check_says_nothing_for_a_new_email(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.get(
        "/contacts/new/duplicates/",
        {"fields.$email": "nobody.yet@example.com"},
        headers={"HX-Request": "true"},
    )
    assert "already in the CRM" not in response.content.decode()


def test_the_duplicate_check_without_javascript_opens_the_form_with_the_email_checked(
    client: Client, crm: LightfieldClient
) -> None:
    contact_id, email = _existing_email(crm)
    response = client.get("/contacts/new/duplicates/", {"email": email})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f'value="{email}"' in page
    assert f'href="/contacts/{contact_id}/"' in page


def test_the_markdown_preview_is_sanitised(client: Client, crm: LightfieldClient) -> None:
    response = client.post(
        "/contacts/preview/",
        {"field": "fields.notes", "fields.notes": "**hi** <script>alert(1)</script>"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<strong>hi</strong>" in html
    assert "<script>" not in html


def test_the_create_form_needs_a_signed_in_person(crm: LightfieldClient) -> None:
    request = RequestFactory().get(NEW)
    request.user = AnonymousUser()
    assert edit.contact_create(request).status_code == 401


def test_the_list_page_links_to_the_new_contact_form(client: Client, crm: LightfieldClient) -> None:
    assert 'href="/contacts/new/"' in client.get("/contacts/").content.decode()
