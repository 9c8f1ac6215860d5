"""HighLevelClient writes: the PUT allow-list, tag/follower endpoints, and creates made once."""

from __future__ import annotations

import httpx
import pytest
import respx

from contacts_ui.crm.errors import (
    APITimeoutError,
    DuplicateContactError,
    UnprocessableEntityError,
)
from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel.mapping import tag_id

from .conftest import LOCATION, body_of, contact_payload

ID = "c0000000000000000001"
CONTACT = f"/contacts/{ID}"
UPDATED = httpx.Response(200, json={"succeded": True, "contact": contact_payload()})
CREATED = httpx.Response(201, json={"contact": contact_payload()})
FIELDS = {"$name": {"firstName": "Alex", "lastName": "Rivera"}, "$email": "alex@customer.com"}


def test_an_edit_sends_a_put_holding_just_the_changed_field(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.put(CONTACT).mock(return_value=UPDATED)

    record = client.update_contact(ID, fields={"$source": "trade show"})

    assert body_of(route) == {"source": "trade show"}
    assert record.id == ID


def test_the_put_body_never_carries_location_id_or_read_only_keys(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.put(CONTACT).mock(return_value=UPDATED)

    client.update_contact(
        ID,
        fields={
            "$address": {"street": "1 Main St", "street2": "Suite 2", "city": "Austin"},
            "$dateOfBirth": "1990-09-25T00:00:00+09:00",
            "$dnd": True,
            "cfSingle000000000007": "Customer",
            "cfCheck0000000000006": ["Analytics"],
            "cfDate00000000000010": "2026-03-01T23:30:00-08:00",
        },
    )

    body = body_of(route)
    assert "locationId" not in body
    assert body["address1"] == "1 Main St, Suite 2"
    assert body["postalCode"] == ""
    assert body["country"] == ""
    assert body["dateOfBirth"] == "1990-09-25"
    assert body["dnd"] is True
    assert body["customFields"] == [
        {"id": "cfSingle000000000007", "field_value": "Customer"},
        {"id": "cfCheck0000000000006", "field_value": ["Analytics"]},
        {"id": "cfDate00000000000010", "field_value": "2026-03-01"},
    ]


def test_the_custom_field_value_key_is_configurable(
    make_client: object, api: respx.MockRouter
) -> None:
    client = make_client(custom_value_key="fieldValue")  # type: ignore[operator]
    route = api.put(CONTACT).mock(return_value=UPDATED)

    client.update_contact(ID, fields={"cfText00000000000001": "CTO"})

    assert body_of(route)["customFields"] == [{"id": "cfText00000000000001", "fieldValue": "CTO"}]


@pytest.mark.parametrize("key", ["$dateAdded", "$type", "cfFile00000000000013", "$companyName"])
def test_read_only_fields_are_refused_before_anything_is_sent(
    client: HighLevelClient, api: respx.MockRouter, key: str
) -> None:
    route = api.put(CONTACT)

    with pytest.raises(UnprocessableEntityError) as caught:
        client.update_contact(ID, fields={key: "x"})

    assert caught.value.param == f"fields.{key}"
    assert not route.called


def test_adding_a_tag_uses_the_tag_endpoint_and_never_a_put(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    put = api.put(CONTACT)
    add = api.post(f"{CONTACT}/tags").mock(return_value=httpx.Response(201, json={"tags": []}))
    api.get(CONTACT).mock(return_value=httpx.Response(200, json={"contact": contact_payload()}))

    client.update_contact(ID, relationships={"$tags": {"add": [tag_id("hot lead")]}})

    assert body_of(add) == {"tags": ["hot lead"]}
    assert not put.called


def test_removing_a_tag_sends_a_delete_with_a_json_body(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    remove = api.delete(f"{CONTACT}/tags").mock(return_value=httpx.Response(200, json={"tags": []}))
    api.get(CONTACT).mock(return_value=httpx.Response(200, json={"contact": contact_payload()}))

    client.update_contact(ID, relationships={"$tags": {"remove": [tag_id("vip")]}})

    assert body_of(remove) == {"tags": ["vip"]}


def test_replacing_all_tags_becomes_removes_and_adds_against_the_contact(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    put = api.put(CONTACT)
    api.get(CONTACT).mock(return_value=httpx.Response(200, json={"contact": contact_payload()}))
    add = api.post(f"{CONTACT}/tags").mock(return_value=httpx.Response(201, json={"tags": []}))
    remove = api.delete(f"{CONTACT}/tags").mock(return_value=httpx.Response(200, json={"tags": []}))

    client.update_contact(ID, relationships={"$tags": {"replace": [tag_id("vip"), tag_id("new")]}})

    assert body_of(remove) == {"tags": ["hot lead"]}
    assert body_of(add) == {"tags": ["new"]}
    assert not put.called


def test_followers_use_their_endpoints(client: HighLevelClient, api: respx.MockRouter) -> None:
    add = api.post(f"{CONTACT}/followers").mock(return_value=httpx.Response(201, json={}))
    api.get(CONTACT).mock(return_value=httpx.Response(200, json={"contact": contact_payload()}))

    client.update_contact(ID, relationships={"$followers": {"add": ["user0000000000000003"]}})

    assert body_of(add) == {"followers": ["user0000000000000003"]}


def test_replacing_the_owner_is_a_put_of_assigned_to(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.put(CONTACT).mock(return_value=UPDATED)

    client.update_contact(ID, relationships={"$owner": {"replace": None}})

    assert body_of(route) == {"assignedTo": None}


def test_a_create_sends_location_id_in_the_body(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.post("/contacts/").mock(return_value=CREATED)

    record = client.create_contact(fields=FIELDS, idempotency_key="form-1")

    assert body_of(route) == {
        "firstName": "Alex",
        "lastName": "Rivera",
        "email": "alex@customer.com",
        "locationId": LOCATION,
    }
    assert record.id == ID


def test_a_lost_create_answer_is_checked_with_the_duplicate_lookup_and_not_resent(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    create = api.post("/contacts/").mock(side_effect=httpx.ReadTimeout("lost"))
    lookup = api.get("/contacts/search/duplicate").mock(
        return_value=httpx.Response(200, json={"contact": contact_payload()})
    )

    record = client.create_contact(fields=FIELDS, idempotency_key="form-1")

    assert record.id == ID
    assert create.call_count == 1
    assert lookup.call_count == 1
    assert lookup.calls[0].request.url.params["email"] == "alex@customer.com"


def test_a_lost_create_that_did_not_land_is_sent_exactly_once_more(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    create = api.post("/contacts/").mock(side_effect=[httpx.Response(502), CREATED])
    lookup = api.get("/contacts/search/duplicate").mock(
        return_value=httpx.Response(200, json={"contact": None})
    )

    record = client.create_contact(
        fields={**FIELDS, "$phone": "+14155550123"}, idempotency_key="form-1"
    )

    assert record.id == ID
    assert create.call_count == 2
    # Not found by email, so by phone too, before the second POST.
    assert [c.request.url.params.get("number") for c in lookup.calls] == [None, "+14155550123"]


def test_a_lost_create_without_email_or_phone_is_not_resent(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    create = api.post("/contacts/").mock(side_effect=httpx.ReadTimeout("lost"))

    with pytest.raises(APITimeoutError):
        client.create_contact(fields={"$name": {"firstName": "Ann"}}, idempotency_key="form-1")

    assert create.call_count == 1


def test_a_double_submitted_create_makes_one_contact(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    create = api.post("/contacts/").mock(return_value=CREATED)
    api.get(CONTACT).mock(return_value=httpx.Response(200, json={"contact": contact_payload()}))

    first = client.create_contact(fields=FIELDS, idempotency_key="form-1")
    second = client.create_contact(fields=FIELDS, idempotency_key="form-1")

    assert first.id == second.id == ID
    assert create.call_count == 1


def test_a_create_refused_as_a_duplicate_names_the_existing_contact(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    body = {
        "statusCode": 400,
        "message": "This location does not allow duplicated contacts.",
        "meta": {"contactName": "Alex Rivera", "contactId": ID, "matchingField": "email"},
    }
    api.post("/contacts/").mock(return_value=httpx.Response(400, json=body))

    with pytest.raises(DuplicateContactError) as caught:
        client.create_contact(fields=FIELDS)

    assert caught.value.existing_id == ID
    assert caught.value.param == "fields.$email"
