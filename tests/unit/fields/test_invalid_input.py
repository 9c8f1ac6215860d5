"""Input a value type cannot take is a field error with a message, before anything is sent.

CHECKBOX is the one type without invalid input: any posted value is ticked or not.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from contacts_ui.crm.models import FieldDefinition
from contacts_ui.fields import REGISTRY
from contacts_ui.fields.formfields import FormContext
from tests.unit.fields.support import clean_input, definition

PARIS = FormContext(tz=ZoneInfo("Europe/Paris"), region="US")
OPTIONS = [{"id": "opt_a", "label": "A"}, {"id": "opt_b", "label": "B"}]

CASES: list[tuple[str, FieldDefinition, dict[str, list[str]], str]] = [
    ("text-null-character", definition("TEXT"), {"f": ["a\x00b"]}, "Null characters"),
    ("markdown-null-character", definition("MARKDOWN"), {"f": ["a\x00b"]}, "Null characters"),
    ("number-not-a-number", definition("NUMBER"), {"f": ["twelve"]}, "Enter a number"),
    ("number-three-decimals", definition("NUMBER"), {"f": ["1.234"]}, "decimal places"),
    ("number-too-large", definition("NUMBER"), {"f": ["1e20"]}, "less than or equal"),
    (
        "currency-three-decimals",
        definition("CURRENCY", currency="EUR"),
        {"f": ["9.999"]},
        "decimal places",
    ),
    ("datetime-words", definition("DATETIME"), {"f": ["yesterday"]}, "Enter a date and time"),
    (
        "datetime-month-13",
        definition("DATETIME"),
        {"f": ["2026-13-01T10:00"]},
        "Enter a date and time",
    ),
    (
        "datetime-skipped-by-dst",
        definition("DATETIME"),
        {"f": ["2026-03-29T02:30"]},
        "does not exist in Europe/Paris",
    ),
    (
        "email-in-a-list",
        definition("EMAIL", multipleValues=True),
        {"f": ["ok@example.com", "bad@"]},
        "“bad@”",
    ),
    ("email-single", definition("EMAIL"), {"f": ["no-at-sign"]}, "valid email"),
    (
        "phone-too-short",
        definition("TELEPHONE", multipleValues=True),
        {"f": ["12"]},
        "not a valid phone number",
    ),
    (
        "phone-unknown-country",
        definition("TELEPHONE"),
        {"f": ["+999 1234 5678"]},
        "not a valid phone number",
    ),
    ("url-not-http", definition("URL"), {"f": ["ftp://example.com/file"]}, "valid URL"),
    ("url-in-a-list", definition("URL", multipleValues=True), {"f": ["not a url"]}, "valid URL"),
    (
        "address-unknown-country",
        definition("ADDRESS"),
        {"f_city": ["Lyon"], "f_country": ["XX"]},
        "valid choice",
    ),
    (
        "address-latitude-out-of-range",
        definition("ADDRESS"),
        {"f_latitude": ["91"]},
        "less than or equal to 90",
    ),
    (
        "full-name-too-long",
        definition("FULL_NAME"),
        {"f_firstName": ["x" * 201]},
        "at most 200 characters",
    ),
    (
        "social-wrong-site",
        definition("SOCIAL_HANDLE", handleService="LINKEDIN"),
        {"f": ["https://twitter.com/ada"]},
        "not a LinkedIn profile URL",
    ),
    (
        "social-not-a-handle",
        definition("SOCIAL_HANDLE", handleService="TWITTER"),
        {"f": ["ada lovelace!"]},
        "handle such as @ada",
    ),
    (
        "single-select-unknown-option",
        definition("SINGLE_SELECT", options=OPTIONS),
        {"f": ["opt_zzz"]},
        "valid choice",
    ),
    (
        "multi-select-unknown-option",
        definition("MULTI_SELECT", options=OPTIONS),
        {"f": ["opt_a", "opt_zzz"]},
        "valid choice",
    ),
]


@pytest.mark.parametrize(
    ("field_definition", "posted", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_invalid_input_is_a_field_error_with_a_message(
    field_definition: FieldDefinition, posted: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        clean_input(field_definition, posted, PARIS)
    assert any(message in text for text in raised.value.messages), raised.value.messages


def test_every_writable_value_type_but_checkbox_has_an_invalid_input_case() -> None:
    covered = {case[1].value_type for case in CASES}
    writable = {t.value for t, entry in REGISTRY.items() if entry.writable}
    assert writable - covered == {"CHECKBOX"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("@ada", "https://x.com/ada"),
        ("ada", "https://x.com/ada"),
        ("https://twitter.com/ada", "https://twitter.com/ada"),
    ],
)
def test_a_social_handle_or_a_profile_url_is_sent_as_a_profile_url(
    typed: str, expected: Any
) -> None:
    assert (
        clean_input(definition("SOCIAL_HANDLE", handleService="TWITTER"), {"f": [typed]}, PARIS)
        == expected
    )


@pytest.mark.parametrize(
    ("region", "typed", "expected"),
    [
        ("US", "(415) 555-0100", "+14155550100"),
        ("DE", "030 901820", "+4930901820"),
        ("US", "+44 20 7946 0958 ext. 12", "+442079460958;ext=12"),
        ("US", "+1 415 555 0100 x7", "+14155550100;ext=7"),
    ],
)
def test_a_phone_number_is_normalised_to_e164_with_its_extension(
    region: str, typed: str, expected: str
) -> None:
    ctx = FormContext(region=region)
    cleaned = clean_input(definition("TELEPHONE", multipleValues=True), {"f": [typed]}, ctx)
    assert cleaned == [expected]


def test_a_datetime_is_read_in_the_viewers_time_zone() -> None:
    cleaned = clean_input(definition("DATETIME"), {"f": ["2026-07-01T14:30"]}, PARIS)
    assert cleaned.isoformat() == "2026-07-01T14:30:00+02:00"
