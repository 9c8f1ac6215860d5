"""The form compares with what a browser really posts, and never lets a stored value block it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contacts_ui.crm.models import FieldDefinition
from contacts_ui.fields.formfields import STORED_VALUE_NOTE, FormContext, fit_to_stored
from contacts_ui.fields.registry import entry_for
from contacts_ui.fields.widgets import TEXTAREA, as_posted


@pytest.mark.parametrize(
    ("text", "input_type", "posted"),
    [
        ("a\nb", "text", "ab"),
        ("a\r\nb\nc\rd", TEXTAREA, "a\r\nb\r\nc\r\nd"),
        (" ada@example.com \n", "email", "ada@example.com"),
        ("1e400x", "number", ""),
        ("a\nb", "hidden", "a\r\nb"),
    ],
)
def test_a_browser_posts_a_value_as_html_sanitises_and_encodes_it(
    text: str, input_type: str, posted: str
) -> None:
    assert as_posted(text, input_type) == posted


def _field(value_type: str, value: object, **config: object):  # type: ignore[no-untyped-def]
    definition = FieldDefinition.model_validate(
        {"label": "F", "valueType": value_type, "typeConfiguration": config}
    )
    field = entry_for(value_type).form_field(definition, FormContext())  # type: ignore[misc]
    fit_to_stored(field, value)
    return field


def test_a_multi_line_text_value_gets_a_textarea() -> None:
    assert _field("TEXT", "one\ntwo").widget.__class__.__name__ == "Textarea"


def test_a_stored_email_that_is_not_one_gets_a_plain_input_and_a_note() -> None:
    field = _field("EMAIL", "not-an-email")
    assert field.widget.input_type == "text"
    assert str(STORED_VALUE_NOTE) in field.help_text


def test_a_stored_number_beyond_the_inputs_max_loses_the_max_and_gets_a_note() -> None:
    field = _field("NUMBER", Decimal(2**60))
    assert "max" not in field.widget.attrs
    assert field.widget.input_type == "text"
    assert str(STORED_VALUE_NOTE) in field.help_text


def test_a_stored_value_the_input_accepts_keeps_its_constraints() -> None:
    field = _field("NUMBER", Decimal("12.5"))
    assert field.widget.input_type == "number"
    assert str(STORED_VALUE_NOTE) not in field.help_text


def test_a_stored_item_a_row_would_refuse_turns_the_rows_into_text() -> None:
    field = _field("EMAIL", ["ada@example.com", "nope"], multipleValues=True)
    assert field.widget.input_type == "text"


def test_a_latitude_out_of_range_relaxes_only_the_address_parts() -> None:
    field = _field("ADDRESS", {"city": "X", "latitude": 200.0})
    latitude = field.widget.widgets[-2]
    assert "max" not in latitude.attrs
    assert str(STORED_VALUE_NOTE) in field.help_text
