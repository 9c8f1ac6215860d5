"""Create and update: body shape, per-type validation and normalisation of field values."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import FakeClock, create_contact, first_id


def option_id(http: httpx.Client, collection: str, key: str, label: str) -> str:
    definitions = http.get(f"/v1/{collection}/definitions").json()["fieldDefinitions"]
    options = definitions[key]["typeConfiguration"]["options"]
    return str(next(option["id"] for option in options if option["label"] == label))


def bad_request(response: httpx.Response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body.get("code"), body.get("param")


# -- create ------------------------------------------------------------------------------------


def test_create_returns_the_full_record_with_every_defined_field(client: httpx.Client) -> None:
    record = create_contact(client, **{"$name": {"firstName": "Ada", "lastName": "Lovelace"}})
    definitions = client.get("/v1/contacts/definitions").json()
    assert record["id"].startswith("con_")
    assert set(record["fields"]) == set(definitions["fieldDefinitions"])
    assert record["fields"]["$name"] == {
        "valueType": "FULL_NAME",
        "value": {"firstName": "Ada", "lastName": "Lovelace"},
    }
    assert record["fields"]["$title"] == {"valueType": "TEXT", "value": None}


def test_create_with_empty_fields_is_allowed(client: httpx.Client) -> None:
    assert client.post("/v1/contacts", json={"fields": {}}).status_code == 200


def test_create_stamps_created_and_updated_at_from_the_clock(client: httpx.Client) -> None:
    record = create_contact(client)
    assert record["createdAt"] == record["updatedAt"] == "2026-06-01T00:00:00.000Z"


def test_created_contact_can_be_retrieved(client: httpx.Client) -> None:
    record = create_contact(client, **{"$title": "CTO"})
    assert client.get(f"/v1/contacts/{record['id']}").json() == record


def test_created_contact_comes_first_in_the_list(client: httpx.Client) -> None:
    record = create_contact(client)
    body = client.get("/v1/contacts", params={"limit": 1}).json()
    assert body["data"][0]["id"] == record["id"]
    assert body["totalCount"] == 2144


def test_create_requires_fields(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={})
    assert bad_request(response) == (400, "parameter_missing", "fields")


def test_create_rejects_an_unknown_top_level_key(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={"fields": {}, "externalId": "x-1"})
    assert bad_request(response) == (400, "unknown_parameter", "externalId")


def test_writing_a_markdown_field_is_rejected_as_read_only(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={"fields": {"notes": "**bold**"}})
    assert bad_request(response) == (400, "read_only_field", "fields.notes")


def test_create_rejects_fields_that_are_not_an_object(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={"fields": ["$name"]})
    assert bad_request(response) == (400, "invalid_type", "fields")


def test_create_rejects_an_unknown_field(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={"fields": {"favourite-colour": "blue"}})
    assert bad_request(response) == (400, "unknown_field", "fields.favourite-colour")


@pytest.mark.parametrize("key", ["$summary", "enrichment-score"])
def test_writing_a_read_only_field_is_rejected(client: httpx.Client, key: str) -> None:
    response = client.post("/v1/contacts", json={"fields": {key: "x"}})
    assert bad_request(response) == (400, "read_only_field", f"fields.{key}")


def test_account_create_requires_a_name(client: httpx.Client) -> None:
    response = client.post("/v1/accounts", json={"fields": {"$website": ["https://a.example"]}})
    assert bad_request(response) == (400, "parameter_missing", "fields.$name")


def test_account_name_cannot_be_null(client: httpx.Client) -> None:
    response = client.post("/v1/accounts", json={"fields": {"$name": None}})
    assert bad_request(response) == (400, "invalid_type", "fields.$name")


def test_account_selects_accept_option_labels(client: httpx.Client) -> None:
    response = client.post(
        "/v1/accounts",
        json={"fields": {"$name": "Labelled", "$headcount": "11-50", "$industry": ["fintech"]}},
    )
    fields = response.json()["fields"]
    assert fields["$headcount"]["value"] == option_id(client, "accounts", "$headcount", "11-50")
    assert fields["$industry"]["value"] == [option_id(client, "accounts", "$industry", "Fintech")]


def test_contact_selects_accept_only_option_ids(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={"fields": {"lifecycle-stage": "Lead"}})
    assert bad_request(response) == (400, "invalid_type", "fields.lifecycle-stage")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"fields": {"$stage": "Discovery"}, "relationships": {"$account": "ACC"}}, "fields.$name"),
        ({"fields": {"$name": "Deal"}, "relationships": {"$account": "ACC"}}, "fields.$stage"),
        ({"fields": {"$name": "Deal", "$stage": "Discovery"}}, "relationships"),
        (
            {"fields": {"$name": "Deal", "$stage": "Discovery"}, "relationships": {}},
            "relationships.$account",
        ),
    ],
)
def test_opportunity_create_requires_name_stage_and_account(
    client: httpx.Client, body: dict[str, Any], param: str
) -> None:
    account = first_id(client, "accounts")
    if "relationships" in body and "$account" in body["relationships"]:
        body["relationships"]["$account"] = account
    response = client.post("/v1/opportunities", json=body)
    assert bad_request(response) == (400, "parameter_missing", param)


def test_opportunity_create_links_the_account(client: httpx.Client) -> None:
    account = first_id(client, "accounts")
    response = client.post(
        "/v1/opportunities",
        json={
            "fields": {"$name": "Expansion", "$stage": "Proposal", "$amount": 125000},
            "relationships": {"$account": account},
        },
    )
    record = response.json()
    assert record["fields"]["$stage"]["value"] == option_id(
        client, "opportunities", "$stage", "Proposal"
    )
    assert record["relationships"]["$account"] == {
        "cardinality": "has_one",
        "objectType": "account",
        "values": [account],
    }


# -- per-type validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("$title", 42),
        ("lead-score", "12"),
        ("lead-score", True),
        ("lead-score", 1.234),
        ("lead-score", 2**53),
        ("deal-size", 10.005),
        ("newsletter", "true"),
        ("newsletter", 1),
        ("last-contacted", "2026-03-16T12:00:00"),
        ("last-contacted", "2026-03-16"),
        ("last-contacted", "next Tuesday"),
        ("$email", "ada@example.com"),
        ("$email", ["not-an-email"]),
        ("$email", ["ada@example"]),
        ("$phone", "+14155550123"),
        ("$phone", ["+1 555"]),
        ("$phone", ["call me"]),
        ("website", "ftp://files.example"),
        ("website", "www.example.com"),
        ("website", ["https://a.example"]),
        ("$address", "Friedrichstraße 12, Berlin"),
        ("$address", {"city": "Berlin", "planet": "Earth"}),
        ("$address", {"country": "Germany"}),
        ("$address", {"latitude": 123.0}),
        ("$name", "Ada Lovelace"),
        ("$name", {"firstName": "Ada", "middleName": "King"}),
        ("$name", {"firstName": 7}),
        ("$linkedIn", "not a handle!"),
        ("$linkedIn", ["https://linkedin.com/in/ada"]),
        ("lifecycle-stage", "opt_unknown"),
        ("interests", "opt_x"),
        ("interests", ["opt_unknown"]),
    ],
)
def test_a_value_of_the_wrong_type_is_rejected_with_its_param(
    client: httpx.Client, key: str, value: Any
) -> None:
    response = client.post("/v1/contacts", json={"fields": {key: value}})
    assert bad_request(response) == (400, "invalid_type", f"fields.{key}")


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("$title", "Head of Ops", "Head of Ops"),
        ("lead-score", 42.5, 42.5),
        ("lead-score", 7.0, 7),
        ("deal-size", -19.99, -19.99),
        ("newsletter", False, False),
        ("last-contacted", "2026-03-16T12:00:00+01:00", "2026-03-16T11:00:00.000Z"),
        ("last-contacted", "2026-03-16T12:00:00.5Z", "2026-03-16T12:00:00.500Z"),
        ("$email", ["Ada@Example.COM", "ada@example.com"], ["Ada@example.com"]),
        ("$email", [], None),
        ("website", " https://ada.example/ ", "https://ada.example/"),
        ("$twitter", "@ada", "https://x.com/ada"),
        ("$linkedIn", "ada-lovelace", "https://linkedin.com/in/ada-lovelace"),
        ("$linkedIn", "https://www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        (
            "$address",
            {"city": "Berlin", "country": "de"},
            {
                "street": None,
                "street2": None,
                "city": "Berlin",
                "state": None,
                "postalCode": None,
                "country": "DE",
                "latitude": None,
                "longitude": None,
            },
        ),
        ("$address", {"city": "  "}, None),
        ("$name", {"firstName": " Ada "}, {"firstName": "Ada", "lastName": None}),
        ("$name", {}, None),
    ],
)
def test_a_valid_value_is_stored_normalised(
    client: httpx.Client, key: str, value: Any, stored: Any
) -> None:
    record = create_contact(client, **{key: value})
    assert record["fields"][key]["value"] == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+1 415 555 0123", "+14155550123"),
        ("(415) 555-0123", "+14155550123"),
        ("415.555.0123 x100", "+14155550123;ext=100"),
        ("+1 415 555 0123 ext:100", "+14155550123;ext=100"),
        ("415-555-0123 #7", "+14155550123;ext=7"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+49 30 12345678", "+493012345678"),
        ("555 0123", "5550123"),
        ("030 1234567", "0301234567"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(
    client: httpx.Client, typed: str, stored: str
) -> None:
    record = create_contact(client, **{"$phone": [typed]})
    assert record["fields"]["$phone"]["value"] == [stored]


def test_a_plus_number_must_be_valid_e164(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={"fields": {"$phone": ["+44 20 7946"]}})
    assert bad_request(response) == (400, "invalid_type", "fields.$phone")


def test_multi_select_keeps_each_option_once(client: httpx.Client) -> None:
    analytics = option_id(client, "contacts", "interests", "Analytics")
    record = create_contact(client, interests=[analytics, analytics])
    assert record["fields"]["interests"]["value"] == [analytics]


def test_email_must_be_unique_across_contacts(client: httpx.Client) -> None:
    create_contact(client, **{"$email": ["taken@unique.example"]})
    response = client.post("/v1/contacts", json={"fields": {"$email": ["TAKEN@unique.example"]}})
    assert response.status_code == 422
    assert response.json() | {"message": ""} == {
        "type": "unprocessable_content",
        "message": "",
        "code": "duplicate_value",
        "param": "fields.$email",
    }


def test_a_contact_may_keep_its_own_email_on_update(client: httpx.Client) -> None:
    record = create_contact(client, **{"$email": ["mine@unique.example"]})
    response = client.post(
        f"/v1/contacts/{record['id']}",
        json={"fields": {"$email": ["mine@unique.example", "also@unique.example"]}},
    )
    assert response.status_code == 200


def test_a_released_email_can_be_used_again(client: httpx.Client) -> None:
    record = create_contact(client, **{"$email": ["moving@unique.example"]})
    client.post(f"/v1/contacts/{record['id']}", json={"fields": {"$email": None}})
    assert (
        client.post(
            "/v1/contacts", json={"fields": {"$email": ["moving@unique.example"]}}
        ).status_code
        == 200
    )


# -- update ------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_it_names(client: httpx.Client) -> None:
    record = create_contact(client, **{"$title": "CTO", "lead-score": 10})
    updated = client.post(
        f"/v1/contacts/{record['id']}", json={"fields": {"lead-score": 99}}
    ).json()
    assert updated["fields"]["$title"]["value"] == "CTO"
    assert updated["fields"]["lead-score"]["value"] == 99


def test_update_with_null_clears_a_field(client: httpx.Client) -> None:
    record = create_contact(client, **{"$title": "CTO"})
    updated = client.post(f"/v1/contacts/{record['id']}", json={"fields": {"$title": None}})
    assert updated.json()["fields"]["$title"] == {"valueType": "TEXT", "value": None}


def test_update_replaces_a_whole_address(client: httpx.Client) -> None:
    record = create_contact(client, **{"$address": {"street": "Main St 1", "city": "Austin"}})
    updated = client.post(
        f"/v1/contacts/{record['id']}", json={"fields": {"$address": {"city": "Dallas"}}}
    ).json()
    assert updated["fields"]["$address"]["value"]["street"] is None


def test_update_advances_updated_at_and_keeps_created_at(
    client: httpx.Client, clock: FakeClock
) -> None:
    record = create_contact(client)
    clock.advance(90)
    updated = client.post(f"/v1/contacts/{record['id']}", json={"fields": {}}).json()
    assert updated["createdAt"] == record["createdAt"]
    assert updated["updatedAt"] == "2026-06-01T00:01:30.000Z"


def test_updated_at_advances_even_when_the_clock_stands_still(client: httpx.Client) -> None:
    record = create_contact(client)
    first = client.post(f"/v1/contacts/{record['id']}", json={"fields": {}}).json()
    second = client.post(f"/v1/contacts/{record['id']}", json={"fields": {}}).json()
    assert record["updatedAt"] < first["updatedAt"] < second["updatedAt"]


def test_update_body_may_omit_fields(client: httpx.Client) -> None:
    record = create_contact(client)
    assert client.post(f"/v1/contacts/{record['id']}", json={}).status_code == 200


def test_update_rejects_a_read_only_field(client: httpx.Client) -> None:
    record = create_contact(client)
    response = client.post(
        f"/v1/contacts/{record['id']}", json={"fields": {"$summary": "Nice person"}}
    )
    assert bad_request(response) == (400, "read_only_field", "fields.$summary")


def test_a_rejected_update_changes_nothing(client: httpx.Client) -> None:
    record = create_contact(client, **{"$title": "CTO"})
    client.post(
        f"/v1/contacts/{record['id']}",
        json={"fields": {"$title": "CEO", "lead-score": "high"}},
    )
    assert client.get(f"/v1/contacts/{record['id']}").json() == record


def test_account_update_rejects_the_read_only_status(client: httpx.Client) -> None:
    account = first_id(client, "accounts")
    response = client.post(
        f"/v1/accounts/{account}", json={"fields": {"$accountStatus": "Prospect"}}
    )
    assert bad_request(response) == (400, "read_only_field", "fields.$accountStatus")
