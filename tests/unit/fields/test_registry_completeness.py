"""The registry has a form side for every value type the API knows; unknown ones stay read-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contacts_ui.crm.models import ValueType
from contacts_ui.fields import REGISTRY, entry_for

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "api" / "lightfield-openapi.json"
# The contract marks MARKDOWN read-only ("do not send"); HTML has no writer at all.
READ_ONLY_TYPES = {"HTML", "MARKDOWN"}


def _spec_value_types() -> set[str]:
    spec = json.loads(SPEC.read_text())
    definitions = spec["components"]["schemas"]["ContactDefinitionsResponse"]
    field_schema = definitions["properties"]["fieldDefinitions"]["additionalProperties"]
    return set(field_schema["properties"]["valueType"]["enum"])


def test_every_value_type_in_the_api_spec_has_a_registry_entry() -> None:
    assert _spec_value_types() - {member.value for member in REGISTRY} == set()


@pytest.mark.parametrize("value_type", sorted(_spec_value_types() - READ_ONLY_TYPES))
def test_every_writable_value_type_has_a_form_field_and_both_converters(value_type: str) -> None:
    entry = REGISTRY[ValueType(value_type)]
    assert entry.writable
    assert entry.form_field is not None
    assert entry.to_api is not None
    assert entry.from_api is not None
    assert entry.renderer is not None


def test_html_is_shown_but_never_written() -> None:
    entry = REGISTRY[ValueType.HTML]
    assert entry.read_only
    assert not entry.writable
    assert entry.to_api is None


def test_markdown_is_shown_but_never_written() -> None:
    entry = REGISTRY[ValueType.MARKDOWN]
    assert entry.read_only
    assert not entry.writable


def test_an_unknown_value_type_is_read_only_and_never_written() -> None:
    entry = entry_for("HOLOGRAM")
    assert entry.read_only
    assert not entry.writable
    assert entry.form_field is None
