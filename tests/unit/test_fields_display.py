"""Every value type is shown as one readable line; odd values degrade to text."""

from __future__ import annotations

import pytest

from contacts_ui.crm.models import FieldDefinition, ValueType
from contacts_ui.fields import EMPTY, REGISTRY, display_text


def _definition(value_type: str, **type_configuration: object) -> FieldDefinition:
    return FieldDefinition.model_validate(
        {
            "label": "x",
            "description": None,
            "valueType": value_type,
            "typeConfiguration": type_configuration,
        }
    )


def test_the_registry_has_an_entry_for_every_value_type() -> None:
    assert set(REGISTRY) == set(ValueType)


@pytest.mark.parametrize(
    ("value_type", "value", "expected"),
    [
        ("TEXT", "VP Sales", "VP Sales"),
        ("NUMBER", 1234567, "1,234,567"),
        ("NUMBER", 12.5, "12.5"),
        ("CHECKBOX", True, "Yes"),
        ("CHECKBOX", False, "No"),
        ("DATETIME", "2026-05-01T16:00:00.000Z", "2026-05-01 16:00 UTC"),
        ("EMAIL", ["a@example.com", "b@example.com"], "a@example.com, b@example.com"),
        ("TELEPHONE", ["+14155550100"], "+1 415-555-0100"),
        ("URL", "https://example.com", "https://example.com"),
        ("FULL_NAME", {"firstName": "Zoë", "lastName": "Müller"}, "Zoë Müller"),
        ("FULL_NAME", {"firstName": "山田", "lastName": None}, "山田"),
        (
            "ADDRESS",
            {"street": "1 Main St", "city": "Lyon", "postalCode": "69001", "country": "FR"},
            "1 Main St, Lyon, 69001, France",
        ),
        ("SOCIAL_HANDLE", "https://linkedin.com/in/zoe", "https://linkedin.com/in/zoe"),
        ("MARKDOWN", "**bold**", "**bold**"),
    ],
)
def test_each_value_type_reads_as_plain_text(value_type: str, value: object, expected: str) -> None:
    assert display_text(value_type, value) == expected


def test_a_currency_shows_its_code() -> None:
    assert display_text("CURRENCY", 2500, _definition("CURRENCY", currency="EUR")) == "2,500.00 EUR"


def test_a_single_select_shows_the_option_label_not_its_id() -> None:
    definition = _definition("SINGLE_SELECT", options=[{"id": "opt_1", "label": "Customer"}])
    assert display_text("SINGLE_SELECT", "opt_1", definition) == "Customer"


def test_a_multi_select_shows_every_label() -> None:
    definition = _definition(
        "MULTI_SELECT", options=[{"id": "opt_1", "label": "AI"}, {"id": "opt_2", "label": "Cloud"}]
    )
    assert display_text("MULTI_SELECT", ["opt_2", "opt_1"], definition) == "Cloud, AI"


def test_an_option_missing_from_the_definitions_falls_back_to_its_id() -> None:
    assert display_text("SINGLE_SELECT", "opt_gone", _definition("SINGLE_SELECT")) == "opt_gone"


@pytest.mark.parametrize("empty", [None, "", [], {}])
def test_empty_values_share_one_marker(empty: object) -> None:
    assert display_text("TEXT", empty) == EMPTY


def test_an_unknown_value_type_is_shown_as_text() -> None:
    assert display_text("HOLOGRAM", {"x": 1}) == "{'x': 1}"


def test_a_value_of_the_wrong_shape_degrades_to_text() -> None:
    assert display_text("ADDRESS", 42) == "42"
    assert display_text("DATETIME", "yesterday-ish") == "yesterday-ish"
    assert display_text("NUMBER", "lots") == "lots"
