"""Helpers for the form-side registry tests: definitions and a browser stand-in."""

from __future__ import annotations

from typing import Any

from contacts_ui.crm.models import Definitions, FieldDefinition
from contacts_ui.fields import REGISTRY
from contacts_ui.fields.formfields import FormContext
from contacts_ui.fields.widgets import raw_value


def definition(value_type: str, label: str = "Field", **type_configuration: Any) -> FieldDefinition:
    """Build a field definition as the definitions endpoint would describe it."""
    return FieldDefinition.model_validate(
        {
            "label": label,
            "description": None,
            "valueType": value_type,
            "typeConfiguration": type_configuration,
        }
    )


def definitions(fields: dict[str, FieldDefinition]) -> Definitions:
    """Build contact definitions holding ``fields`` (key -> definition), in that order."""
    return Definitions.model_validate(
        {
            "objectType": "contact",
            "fieldDefinitions": {k: f.model_dump(by_alias=True) for k, f in fields.items()},
            "relationshipDefinitions": {},
        }
    )


def round_trip(field_definition: FieldDefinition, api_value: Any, ctx: FormContext) -> Any:
    """Read a value from the API into the form, submit it untouched, clean it, write it back."""
    entry = REGISTRY[field_definition.known_type]  # type: ignore[index]
    assert entry.form_field is not None
    assert entry.from_api is not None
    assert entry.to_api is not None
    field = entry.form_field(field_definition, ctx)
    initial = entry.from_api(api_value, field_definition, ctx)
    posted = field.widget.data_for("f", initial)
    cleaned = field.clean(raw_value(field.widget, posted, "f"))
    return entry.to_api(cleaned, field_definition)


def clean_input(
    field_definition: FieldDefinition, posted: dict[str, list[str]], ctx: FormContext
) -> Any:
    """Clean what a browser posted for a fresh (create) field named ``f``."""
    entry = REGISTRY[field_definition.known_type]  # type: ignore[index]
    assert entry.form_field
    field = entry.form_field(field_definition, ctx)
    return field.clean(raw_value(field.widget, posted, "f"))
