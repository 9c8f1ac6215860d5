"""Models: tolerant parsing of documented and odd payloads, pickling, filters."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pydantic
import pytest

from contacts_ui.crm.models import (
    AuthInfo,
    Definitions,
    FieldValue,
    Filter,
    Page,
    Record,
    Relationship,
    ValueType,
)

from .conftest import page_payload, record_payload

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "api" / "lightfield-openapi.json"

DEFINITIONS = {
    "objectType": "contact",
    "fieldDefinitions": {
        "$name": {
            "id": "ad_1",
            "label": "Name",
            "description": None,
            "valueType": "FULL_NAME",
            "readOnly": False,
            "typeConfiguration": {},
        },
        "tier": {
            "label": "Tier",
            "description": "Customer tier",
            "valueType": "SINGLE_SELECT",
            "typeConfiguration": {
                "options": [
                    {"id": "opt_gold", "label": "Gold"},
                    {"id": "opt_silver", "label": "Silver", "description": None, "parentId": "x"},
                ]
            },
            "slug": "tier",
            "system": False,
        },
        "$email": {
            "label": "Email",
            "description": None,
            "valueType": "EMAIL",
            "typeConfiguration": {"multipleValues": True, "unique": True},
        },
        "summary": {
            "label": "Summary",
            "description": None,
            "valueType": "HOLOGRAM",
            "readOnly": True,
            "typeConfiguration": None,
        },
    },
    "relationshipDefinitions": {
        "$account": {
            "id": None,
            "label": "Account",
            "description": None,
            "cardinality": "HAS_MANY",
            "objectType": "account",
            "slug": "$account-contact",
        }
    },
}


def parse(**overrides: Any) -> Record:
    return Record.model_validate(record_payload(**overrides))


def test_value_type_has_every_member_of_the_specs_value_type_enum() -> None:
    spec = json.loads(SPEC.read_text())
    definitions = spec["components"]["schemas"]["ContactDefinitionsResponse"]
    field_schema = definitions["properties"]["fieldDefinitions"]["additionalProperties"]
    spec_enum = set(field_schema["properties"]["valueType"]["enum"])

    assert spec_enum - {member.value for member in ValueType} == set()


def test_a_documented_record_parses_into_typed_attributes() -> None:
    record = parse()

    assert record.id == "con_1"
    assert record.created_at == datetime(2026, 5, 1, 16, 0, tzinfo=UTC)
    assert record.updated_at == datetime(2026, 5, 2, 9, 12, tzinfo=UTC)
    assert record.updated_at_raw == "2026-05-02T09:12:00.000Z"
    assert record.http_link == "https://crm.lightfield.app/contacts/con_1"
    assert record.fields["$email"].known_type is ValueType.EMAIL
    assert record.value("$email") == ["alex@customer.com"]
    assert record.related_ids("$account") == ("acc_1",)


def test_an_unknown_value_type_is_kept_as_a_string_without_a_known_type() -> None:
    record = parse(fields={"x": {"valueType": "HOLOGRAM", "value": 3}})

    assert record.fields["x"].value_type == "HOLOGRAM"
    assert record.fields["x"].known_type is None
    assert record.value("x") == 3


def test_a_field_without_value_reads_as_unset() -> None:
    record = parse(fields={"$title": {"valueType": "TEXT"}})

    assert record.fields["$title"] == FieldValue(value_type="TEXT", value=None)
    assert record.value("$title", "—") == "—"


@pytest.mark.parametrize("entry", ["plain", 7, ["a"], None])
def test_a_field_entry_that_is_not_an_object_keeps_its_raw_value_as_unknown(entry: Any) -> None:
    record = parse(fields={"odd": entry})

    assert record.fields["odd"].value_type == "UNKNOWN"
    assert record.fields["odd"].value == entry


def test_a_field_entry_with_a_non_string_value_type_is_unknown() -> None:
    assert (
        parse(fields={"odd": {"valueType": 5, "value": "v"}}).fields["odd"].value_type == "UNKNOWN"
    )


def test_unknown_top_level_keys_are_ignored() -> None:
    record = parse(brandNewKey={"nested": True}, object="contact")

    assert record.id == "con_1"


def test_an_absent_external_id_is_none() -> None:
    payload = record_payload()
    del payload["externalId"]

    assert Record.model_validate(payload).external_id is None


@pytest.mark.parametrize("cardinality", ["HAS_ONE", "has_one", "Has_One"])
def test_cardinality_is_normalised_to_lowercase(cardinality: str) -> None:
    record = parse(
        relationships={"$owner": {"cardinality": cardinality, "objectType": "member", "values": []}}
    )

    assert record.relationships["$owner"].cardinality == "has_one"


def test_a_null_updated_at_is_none_and_so_is_its_raw_string() -> None:
    record = parse(updatedAt=None)

    assert (record.updated_at, record.updated_at_raw) == (None, None)


def test_an_unparseable_timestamp_becomes_none_but_keeps_the_raw_string() -> None:
    record = parse(createdAt="yesterday-ish", updatedAt="not a date")

    assert record.created_at is None
    assert record.updated_at is None
    assert record.updated_at_raw == "not a date"


def test_a_timestamp_without_offset_is_read_as_utc() -> None:
    assert parse(createdAt="2026-05-01T16:00:00").created_at == datetime(2026, 5, 1, 16, tzinfo=UTC)


def test_relationship_values_given_as_a_bare_string_become_a_one_tuple() -> None:
    record = parse(relationships={"$account": {"cardinality": "has_one", "values": "acc_9"}})

    assert record.related_ids("$account") == ("acc_9",)


def test_relationship_values_given_as_null_become_empty() -> None:
    record = parse(relationships={"$account": {"cardinality": "has_one", "values": None}})

    assert record.related_ids("$account") == ()


def test_null_fields_and_relationships_become_empty_mappings() -> None:
    record = parse(fields=None, relationships=None)

    assert (record.fields, record.relationships) == ({}, {})


def test_related_ids_of_an_absent_relationship_is_empty() -> None:
    assert parse().related_ids("$owner") == ()


def test_display_name_joins_a_full_name() -> None:
    assert parse().display_name == "Alex Rivera"


def test_display_name_uses_a_plain_string_name_as_accounts_have() -> None:
    record = parse(id="acc_1", fields={"$name": {"valueType": "TEXT", "value": "Acme Corp"}})

    assert record.display_name == "Acme Corp"


def test_display_name_falls_back_to_the_first_email_then_the_id() -> None:
    with_email = parse(fields={"$email": {"valueType": "EMAIL", "value": ["a@b.co", "c@d.co"]}})
    bare = parse(fields={})

    assert (with_email.display_name, bare.display_name) == ("a@b.co", "con_1")


def test_a_member_parses_with_the_same_record_model() -> None:
    member = Record.model_validate(
        {
            "id": "mem_1",
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": None,
            "httpLink": None,
            "fields": {
                "$email": {"valueType": "EMAIL", "value": "sam@org.com"},
                "$name": {
                    "valueType": "FULL_NAME",
                    "value": {"firstName": "Sam", "lastName": "Lee"},
                },
                "$profileImage": {"valueType": "URL", "value": None},
                "$role": {"valueType": "TEXT", "value": "admin"},
            },
            "relationships": {},
        }
    )

    assert (member.display_name, member.value("$role")) == ("Sam Lee", "admin")


def test_a_record_without_an_id_is_rejected() -> None:
    payload = record_payload()
    del payload["id"]

    with pytest.raises(pydantic.ValidationError):
        Record.model_validate(payload)


def test_definitions_parse_field_and_relationship_definitions() -> None:
    definitions = Definitions.model_validate(DEFINITIONS)

    tier = definitions.field_definitions["tier"]
    assert tier.known_type is ValueType.SINGLE_SELECT
    assert [o.label for o in tier.type_configuration.options] == ["Gold", "Silver"]
    assert tier.type_configuration.options[1].parent_id == "x"
    assert definitions.field_definitions["$email"].type_configuration.multiple_values is True
    assert definitions.relationship_definitions["$account"].cardinality == "has_many"
    assert definitions.relationship_definitions["$account"].slug == "$account-contact"


def test_a_definition_with_an_unknown_type_and_null_configuration_still_parses() -> None:
    summary = Definitions.model_validate(DEFINITIONS).field_definitions["summary"]

    assert (summary.known_type, summary.read_only) == (None, True)
    assert summary.type_configuration.options == ()


def test_option_label_looks_up_a_select_option_by_id() -> None:
    definitions = Definitions.model_validate(DEFINITIONS)

    assert definitions.option_label("tier", "opt_gold") == "Gold"
    assert definitions.option_label("tier", "opt_missing") is None
    assert definitions.option_label("nope", "opt_gold") is None


def test_a_page_parses_records_and_total_count() -> None:
    page = Page.model_validate(
        page_payload(record_payload("con_1"), record_payload("con_2"), total=9)
    )

    assert [r.id for r in page.data] == ["con_1", "con_2"]
    assert page.total_count == 9


def test_a_full_page_short_of_the_total_has_a_next_page() -> None:
    page = Page.model_validate(page_payload(record_payload(), total=5)).model_copy(
        update={"limit": 1, "offset": 0}
    )

    assert page.has_next is True


def test_a_short_page_is_the_last_page_whatever_the_total_says() -> None:
    page = Page.model_validate(page_payload(record_payload(), total=50)).model_copy(
        update={"limit": 25, "offset": 0}
    )

    assert page.has_next is False


def test_auth_info_parses_and_empty_scopes_mean_full_access() -> None:
    info = AuthInfo.model_validate(
        {"active": True, "tokenType": "api_key", "subjectType": "workspace", "scopes": []}
    )

    assert (info.token_type, info.subject_type, info.scopes) == ("api_key", "workspace", ())
    assert info.full_access is True


@pytest.mark.parametrize(
    "model",
    [
        Record.model_validate(record_payload()),
        Definitions.model_validate(DEFINITIONS),
        Page.model_validate(page_payload(record_payload())),
        Filter("$name", "startsWith", "Al"),
    ],
    ids=["record", "definitions", "page", "filter"],
)
def test_models_survive_a_pickle_round_trip(model: object) -> None:
    assert pickle.loads(pickle.dumps(model)) == model  # noqa: S301 - our own bytes


def test_models_are_frozen() -> None:
    with pytest.raises(pydantic.ValidationError):
        parse().id = "con_2"  # type: ignore[misc]


def test_models_accept_snake_case_names_too() -> None:
    relationship = Relationship(cardinality="HAS_MANY", object_type="account", values=("a",))

    assert relationship.is_many is True


def test_a_filter_becomes_key_bracket_operator() -> None:
    assert Filter("$name", "startsWith", "Al").to_query() == ("$name[startsWith]", "Al")


def test_a_negated_filter_puts_a_minus_before_the_operator() -> None:
    assert Filter("$name", "equal", "x", negate=True).to_query() == ("$name[-equal]", "x")


def test_an_unknown_filter_operator_is_rejected() -> None:
    with pytest.raises(ValueError, match="operator"):
        Filter("$name", "like", "x")  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["", "$name]&x[", "a[b"])
def test_a_filter_key_that_would_break_the_bracket_syntax_is_rejected(key: str) -> None:
    with pytest.raises(ValueError, match="key"):
        Filter(key, "equal", "x")
