"""The dashboard's pages on HighLevel: the embedded HighLevel sandbox through the real client."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel.mapping import name_of_tag
from contacts_ui.crm.models import Record
from contacts_ui.services.definitions import get_definitions
from tests.integration.form_support import open_form
from tests.integration.highlevel_support import HighLevelRecorder
from tests.integration.test_relationships import Form, forms, page_of, post

pytestmark = pytest.mark.django_db

NEW = "/contacts/new/"


def _rows(html: str) -> list[str]:
    return re.findall(r'class="row-link" href="/contacts/([A-Za-z0-9]+)/', html)


def _summary(html: str) -> str:
    match = re.search(r'<p class="summary"[^>]*>([^<]+)</p>', html)
    assert match, "the page has no summary line"
    return match.group(1)


def _contact_with_tags(crm: HighLevelClient) -> Record:
    for record in crm.list_contacts(limit=50).data:
        if record.related_ids("$tags") and record.value("$email"):
            return record
    raise AssertionError("the seed has no tagged contact")


def test_page_two_of_the_list_shows_contacts_26_to_50(
    client: Client, hl_recorder: HighLevelRecorder
) -> None:
    first = _rows(client.get("/contacts/").content.decode())
    html = client.get("/contacts/?page=2").content.decode()

    assert _summary(html).startswith("26–50 of ")
    assert len(_rows(html)) == 25
    assert not set(first) & set(_rows(html))
    searches = hl_recorder.calls("POST", "/contacts/search")
    assert searches[-1].body["page"] == 2
    assert searches[-1].body["pageLimit"] == 25


def test_the_list_searches_free_text_with_highlevel_query(
    client: Client, hl_recorder: HighLevelRecorder
) -> None:
    html = client.get("/contacts/", {"q": "ana"}).content.decode()

    assert hl_recorder.calls("POST", "/contacts/search")[-1].body["query"] == "ana"
    assert "HighLevel" in html


def test_a_page_past_the_result_window_redirects_to_the_last_reachable_page(
    client: Client, hl_recorder: HighLevelRecorder
) -> None:
    response = client.get("/contacts/", {"page": "401"})

    assert response.status_code == 302
    assert response["Location"].endswith("page=400")


def test_the_contact_page_shows_every_field_with_its_label(
    client: Client, hl_crm: HighLevelClient
) -> None:
    contact = _contact_with_tags(hl_crm)
    html = page_of(client, contact)

    for definition in get_definitions("contacts").field_definitions.values():
        assert f"<dt>{definition.label}" in html, definition.label
    for tag in contact.related_ids("$tags"):
        assert name_of_tag(tag) in html


def test_an_edit_of_one_field_sends_a_put_holding_just_that_field(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    contact = _contact_with_tags(hl_crm)
    data = open_form(client, f"/contacts/{contact.id}/edit/")
    data["fields.$source"] = ["trade show berlin"]
    hl_recorder.clear()

    response = client.post(f"/contacts/{contact.id}/edit/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    puts = hl_recorder.calls("PUT")
    assert [p.body for p in puts] == [{"source": "trade show berlin"}]
    assert hl_crm.get_contact(contact.id).value("$source") == "trade show berlin"


def test_a_tag_added_in_the_relationships_panel_goes_through_the_tag_endpoint(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    contact = _contact_with_tags(hl_crm)
    linked = set(contact.related_ids("$tags"))
    tag = next(t for t in hl_crm.search_related("tag", "w", limit=50) if t.id not in linked)
    add = _add_form(client, contact, "$tags")
    hl_recorder.clear()

    response = post(client, add, id=tag.id)

    assert response.status_code == 303
    tag_calls = hl_recorder.calls("POST", f"/contacts/{contact.id}/tags")
    assert [c.body for c in tag_calls] == [{"tags": [tag.display_name]}]
    assert not hl_recorder.calls("PUT")
    assert tag.id in hl_crm.get_contact(contact.id).related_ids("$tags")


def _add_form(client: Client, contact: Record, key: str) -> Form:
    for form in forms(page_of(client, contact)):
        if ("op", "add") in form.fields and key in form.action:
            return form
    raise AssertionError(f"no add form for {key}")


def test_a_double_submitted_create_makes_one_contact_after_one_duplicate_lookup(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    before = hl_crm.list_contacts(limit=1).total_count
    data = open_form(client, NEW)
    data.update(
        {
            "fields.$name_firstName": ["Ada"],
            "fields.$name_lastName": ["Lovelace"],
            "fields.$email": ["ada.highlevel@example.com"],
        }
    )
    hl_recorder.clear()

    first = client.post(NEW, data)
    second = client.post(NEW, data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert len(hl_recorder.calls("POST", "/contacts/")) == 1
    assert len(hl_recorder.calls("GET", "/contacts/search/duplicate")) == 1
    assert hl_crm.list_contacts(limit=1).total_count == before + 1


def test_a_new_contact_with_a_taken_email_is_offered_the_existing_one(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    existing = _contact_with_tags(hl_crm)
    data = open_form(client, NEW)
    data.update({"fields.$name_firstName": ["Twin"], "fields.$email": [existing.value("$email")]})

    response = client.post(NEW, data)

    assert response.status_code == 200
    assert f"/contacts/{existing.id}/" in response.content.decode()
    assert not hl_recorder.calls("POST", "/contacts/")


def test_choosing_an_owner_in_the_panel_is_a_put_of_assigned_to(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    contact = _contact_with_tags(hl_crm)
    owner = next(m for m in hl_crm.members() if m.id not in contact.related_ids("$owner"))
    picker = next(
        f
        for f in forms(page_of(client, contact))
        if ("op", "replace") in f.fields and "$owner" in f.action
    )
    hl_recorder.clear()

    post(client, picker, id=owner.id)

    assert [p.body for p in hl_recorder.calls("PUT")] == [{"assignedTo": owner.id}]
    assert hl_crm.get_contact(contact.id).related_ids("$owner") == (owner.id,)


def test_removing_a_tag_in_the_panel_sends_a_delete_to_the_tag_endpoint(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    contact = _contact_with_tags(hl_crm)
    tag = contact.related_ids("$tags")[0]
    remove = next(
        f
        for f in forms(page_of(client, contact))
        if ("op", "remove") in f.fields and "$tags" in f.action and ("id", tag) in f.fields
    )
    hl_recorder.clear()

    post(client, remove)

    deletes = hl_recorder.calls("DELETE", f"/contacts/{contact.id}/tags")
    assert [d.body for d in deletes] == [{"tags": [name_of_tag(tag)]}]
    assert tag not in hl_crm.get_contact(contact.id).related_ids("$tags")


def test_the_duplicate_check_finds_the_contact_holding_an_email(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    existing = _contact_with_tags(hl_crm)

    html = client.get(
        "/contacts/new/duplicates/",
        {"email": existing.value("$email")},
        headers={"HX-Request": "true"},
    ).content.decode()

    assert f"/contacts/{existing.id}/" in html
    assert len(hl_recorder.calls("GET", "/contacts/search/duplicate")) == 1


def test_the_list_sorts_where_highlevel_can(client: Client, hl_recorder: HighLevelRecorder) -> None:
    client.get("/contacts/", {"sort": "-$dateAdded"})

    body = hl_recorder.calls("POST", "/contacts/search")[-1].body
    assert body["sort"] == [{"field": "dateAdded", "direction": "desc"}]


def test_a_create_highlevel_refuses_for_a_taken_phone_offers_the_existing_contact(
    client: Client, hl_crm: HighLevelClient, hl_recorder: HighLevelRecorder
) -> None:
    existing = next(r for r in hl_crm.list_contacts(limit=50).data if r.value("$phone"))
    data = open_form(client, NEW)
    data.update(
        {
            "fields.$name_firstName": ["Phone"],
            "fields.$name_lastName": ["Twin"],
            "fields.$email": ["phone.twin@example.com"],
            "fields.$phone": [existing.value("$phone")],
        }
    )

    response = client.post(NEW, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"/contacts/{existing.id}/" in html
    assert f"{existing.value('$phone')} is already in the CRM" in html
    assert len(hl_recorder.calls("POST", "/contacts/")) == 1
