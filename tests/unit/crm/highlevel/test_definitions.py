"""HighLevel definitions: fixed properties with $ keys, and every custom field dataType mapped."""

from __future__ import annotations

import httpx
import pytest
import respx

from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel.definitions import CUSTOM_VALUE_TYPES
from contacts_ui.crm.models import ValueType

from .conftest import (
    CUSTOM_FIELDS,
    CUSTOM_FIELDS_PATH,
    LOCATION_PATH,
    LOCATION_PAYLOAD,
    contact_payload,
)

EXPECTED = {
    "cfText00000000000001": ("TEXT", False),
    "cfLarge0000000000002": ("TEXT", False),
    "cfNumber000000000003": ("NUMBER", False),
    "cfPhone0000000000004": ("TELEPHONE", False),
    "cfMoney0000000000005": ("CURRENCY", False),
    "cfCheck0000000000006": ("MULTI_SELECT", False),
    "cfSingle000000000007": ("SINGLE_SELECT", False),
    "cfRadio0000000000008": ("SINGLE_SELECT", False),
    "cfMulti0000000000009": ("MULTI_SELECT", False),
    "cfDate00000000000010": ("DATETIME", False),
    "cfEmail0000000000011": ("EMAIL", False),
    "cfList00000000000012": ("TEXT", True),
    "cfFile00000000000013": ("URL", True),
}


def test_custom_fields_are_read_for_contacts_with_the_location_in_the_path(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    client.definitions("contacts")

    call = next(c for c in api.calls if c.request.url.path == CUSTOM_FIELDS_PATH)
    assert call.request.url.params["model"] == "contact"


@pytest.mark.parametrize(("field_id", "expected"), sorted(EXPECTED.items()))
def test_every_custom_data_type_maps_to_a_value_type(
    client: HighLevelClient, api: respx.MockRouter, field_id: str, expected: tuple[str, bool]
) -> None:
    definition = client.definitions().field_definitions[field_id]

    assert (definition.value_type, definition.read_only) == expected
    assert definition.system is False


def test_the_data_types_in_the_fixture_cover_every_documented_one() -> None:
    assert {f["dataType"] for f in CUSTOM_FIELDS} == set(CUSTOM_VALUE_TYPES) - {"MONETARY"}


def test_options_are_the_texts_highlevel_stores(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    options = client.definitions().field_definitions["cfCheck0000000000006"].type_configuration

    assert [(o.id, o.label) for o in options.options] == [
        ("Analytics", "Analytics"),
        ("Security", "Security"),
    ]


def test_money_fields_carry_the_configured_currency(
    make_client: object, api: respx.MockRouter
) -> None:
    client = make_client(currency="EUR")  # type: ignore[operator]

    definition = client.definitions().field_definitions["cfMoney0000000000005"]

    assert definition.type_configuration.currency == "EUR"


def test_an_unknown_data_type_is_shown_read_only(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    odd = [{"id": "cfOdd000000000000099", "name": "Signature", "dataType": "SIGNATURE"}]
    api.get(CUSTOM_FIELDS_PATH).mock(return_value=httpx.Response(200, json={"customFields": odd}))

    definition = client.definitions().field_definitions["cfOdd000000000000099"]

    assert definition.read_only
    assert definition.known_type is None


def test_the_fixed_properties_use_lightfield_style_keys(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    definitions = client.definitions()
    fields = definitions.field_definitions

    assert fields["$name"].value_type == ValueType.FULL_NAME
    assert fields["$email"].value_type == ValueType.EMAIL
    assert not fields["$email"].type_configuration.multiple_values
    assert fields["$additionalEmails"].read_only
    assert fields["$dnd"].label == "Do not contact"
    assert "Europe/Berlin" in {o.id for o in fields["$timezone"].type_configuration.options}
    assert fields["$dateAdded"].read_only
    relationships = definitions.relationship_definitions
    assert (relationships["$owner"].cardinality, relationships["$owner"].object_type) == (
        "has_one",
        "member",
    )
    assert relationships["$followers"].object_type == "member"
    assert relationships["$tags"].object_type == "tag"


def test_custom_values_are_joined_to_their_definitions_by_id(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    values = [
        {"id": "cfNumber000000000003", "value": "42"},
        {"id": "cfMoney0000000000005", "value": 1999.5},
        {"id": "cfCheck0000000000006", "value": '["Analytics","Security"]'},
        {"id": "cfDate00000000000010", "value": "2026-03-01"},
        {"id": "cfList00000000000012", "value": {"LinkedIn": "in/alex"}},
        {"id": "cfFile00000000000013", "value": {"u1": {"url": "https://f.example/nda.pdf"}}},
        {"id": "cfGone000000000000077", "value": "kept"},
    ]
    api.get("/contacts/c1").mock(
        return_value=httpx.Response(
            200, json={"contact": contact_payload("c1", customFields=values)}
        )
    )

    record = client.get_contact("c1")

    assert record.value("cfNumber000000000003") == 42
    assert record.value("cfMoney0000000000005") == 1999.5
    assert record.value("cfCheck0000000000006") == ["Analytics", "Security"]
    assert record.value("cfDate00000000000010") == "2026-03-01T12:00:00+00:00"
    assert record.value("cfList00000000000012") == "LinkedIn: in/alex"
    assert record.value("cfFile00000000000013") == ["https://f.example/nda.pdf"]
    assert record.fields["cfGone000000000000077"].known_type is None


def test_email_and_phone_are_unique_where_the_location_refuses_duplicates(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    fields = client.definitions().field_definitions

    assert fields["$email"].type_configuration.unique
    assert fields["$phone"].type_configuration.unique


def test_a_location_that_allows_duplicates_promises_nothing(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    allowing = {**LOCATION_PAYLOAD, "settings": {"allowDuplicateContact": True}}
    api.get(LOCATION_PATH).mock(return_value=httpx.Response(200, json={"location": allowing}))

    assert not client.definitions().field_definitions["$email"].type_configuration.unique


def test_a_token_that_cannot_read_the_location_still_gets_definitions(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    api.get(LOCATION_PATH).mock(return_value=httpx.Response(403, json={"statusCode": 403}))

    assert not client.definitions().field_definitions["$email"].type_configuration.unique
