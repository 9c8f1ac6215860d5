"""Every value type survives the trip API → form → API unchanged (Hypothesis).

Each strategy draws values the API can return for its type; the form shows the value, a browser
posts it back untouched, the field cleans it and the converter writes it: the result must be the
value we started from.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contacts_ui.fields.compound import country_choices
from contacts_ui.fields.display import parse_datetime
from contacts_ui.fields.formfields import (
    MAX_SAFE_INTEGER,
    FormContext,
)
from contacts_ui.fields.social import SERVICES
from tests.unit.fields.support import definition, round_trip

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
contexts = st.builds(
    FormContext,
    tz=st.sampled_from(ZONES).map(ZoneInfo),
    region=st.sampled_from(["US", "DE", "GB", "JP", "BR"]),
)

single_line = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
multi_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
    min_size=1,
    max_size=200,
).filter(str.strip)
numbers = st.one_of(
    st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    st.decimals(min_value=-(10**13), max_value=10**13, places=2).map(float),
)
_label = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
_domain = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label, min_size=1, max_size=2),
    st.text(string.ascii_lowercase, min_size=2, max_size=6),
)
_local = st.from_regex(r"[A-Za-z0-9_+\-]{1,12}(\.[A-Za-z0-9_+\-]{1,8})?", fullmatch=True)
emails = st.builds(lambda local, domain: f"{local}@{domain}", _local, _domain)
urls = st.builds(
    lambda domain, path: f"https://{domain}/{'/'.join(path)}".rstrip("/"),
    _domain,
    st.lists(
        st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=8), max_size=3
    ),
)


def _phone(region: str, kind: int, extension: str | None) -> str | None:
    number = phonenumbers.example_number_for_type(region, kind)
    if number is None:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={extension}" if extension else e164


phones = st.builds(
    _phone,
    st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    st.sampled_from([phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]),
    st.none() | st.text(string.digits, min_size=1, max_size=5),
).filter(bool)


def _unique(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, min_size=1, max_size=3, unique_by=str.casefold)


def _check(field_definition: Any, value: Any, ctx: FormContext) -> None:
    assert round_trip(field_definition, value, ctx) == value


@given(st.none() | single_line, contexts)
def test_text_round_trips(value: str | None, ctx: FormContext) -> None:
    _check(definition("TEXT"), value, ctx)


@given(st.none() | multi_line, contexts)
def test_markdown_round_trips(value: str | None, ctx: FormContext) -> None:
    _check(definition("MARKDOWN"), value, ctx)


@given(st.none() | numbers, contexts)
def test_number_round_trips(value: float | None, ctx: FormContext) -> None:
    _check(definition("NUMBER"), value, ctx)


@given(st.none() | numbers, st.sampled_from(["EUR", "USD", "JPY"]), contexts)
def test_currency_round_trips(value: float | None, code: str, ctx: FormContext) -> None:
    _check(definition("CURRENCY", currency=code), value, ctx)


@given(st.booleans(), contexts)
def test_checkbox_round_trips(value: bool, ctx: FormContext) -> None:
    _check(definition("CHECKBOX"), value, ctx)


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0, tzinfo=UTC)
    ),
    contexts,
)
def test_datetime_round_trips_to_the_same_moment(moment: datetime, ctx: FormContext) -> None:
    local = moment.astimezone(ctx.tz)
    # In the hour repeated when clocks go back, a local time names two moments: not round-trippable.
    assume(local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset())
    value = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    sent = round_trip(definition("DATETIME"), value, ctx)
    assert parse_datetime(sent) == moment
    assert re.search(r"[+-]\d\d:\d\d$", sent)


@given(st.none() | _unique(emails), contexts)
def test_email_lists_round_trip(value: list[str] | None, ctx: FormContext) -> None:
    _check(definition("EMAIL", multipleValues=True), value, ctx)


@given(st.none() | emails, contexts)
def test_a_single_email_round_trips(value: str | None, ctx: FormContext) -> None:
    _check(definition("EMAIL", multipleValues=False), value, ctx)


@given(st.none() | _unique(phones), contexts)
def test_phone_lists_round_trip(value: list[str] | None, ctx: FormContext) -> None:
    _check(definition("TELEPHONE", multipleValues=True), value, ctx)


@given(st.none() | phones, contexts)
def test_a_single_phone_round_trips(value: str | None, ctx: FormContext) -> None:
    _check(definition("TELEPHONE", multipleValues=False), value, ctx)


@given(st.none() | _unique(urls), contexts)
def test_url_lists_round_trip(value: list[str] | None, ctx: FormContext) -> None:
    _check(definition("URL", multipleValues=True), value, ctx)


@given(st.none() | urls, contexts)
def test_a_single_url_round_trips(value: str | None, ctx: FormContext) -> None:
    _check(definition("URL"), value, ctx)


addresses = st.fixed_dictionaries(
    {
        "street": st.none() | single_line,
        "street2": st.none() | single_line,
        "city": st.none() | single_line,
        "state": st.none() | single_line,
        "postalCode": st.none() | single_line.map(lambda text: text[:20].strip()).filter(bool),
        "country": st.none() | st.sampled_from([code for code, _ in country_choices()]),
        "latitude": st.none() | st.floats(-90, 90, allow_nan=False),
        "longitude": st.none() | st.floats(-180, 180, allow_nan=False),
    }
).filter(lambda address: any(part is not None for part in address.values()))


@given(st.none() | addresses, contexts)
def test_address_round_trips(value: dict[str, Any] | None, ctx: FormContext) -> None:
    _check(definition("ADDRESS"), value, ctx)


names = st.fixed_dictionaries(
    {"firstName": st.none() | single_line, "lastName": st.none() | single_line}
).filter(lambda name: any(name.values()))


@given(st.none() | names, contexts)
def test_full_name_round_trips(value: dict[str, str | None] | None, ctx: FormContext) -> None:
    _check(definition("FULL_NAME"), value, ctx)


@given(
    st.sampled_from(sorted(SERVICES)),
    st.none() | st.from_regex(r"[A-Za-z0-9_.\-]{1,30}", fullmatch=True),
    contexts,
)
def test_social_handle_round_trips(service: str, handle: str | None, ctx: FormContext) -> None:
    value = SERVICES[service].profile_url(handle) if handle else None
    _check(definition("SOCIAL_HANDLE", handleService=service), value, ctx)


option_lists = st.lists(
    st.builds(
        lambda token, label: {"id": f"opt_{token}", "label": label},
        st.text(string.ascii_lowercase + string.digits, min_size=4, max_size=12),
        single_line,
    ),
    min_size=1,
    max_size=15,
    unique_by=lambda option: option["id"],
)


@given(option_lists, st.data(), contexts)
def test_single_select_round_trips(
    options: list[dict[str, str]], data: st.DataObject, ctx: FormContext
) -> None:
    value = data.draw(st.none() | st.sampled_from([option["id"] for option in options]))
    _check(definition("SINGLE_SELECT", options=options), value, ctx)


@given(option_lists, st.data(), contexts)
@settings(max_examples=50)
def test_multi_select_round_trips(
    options: list[dict[str, str]], data: st.DataObject, ctx: FormContext
) -> None:
    ids = [option["id"] for option in options]
    value = data.draw(st.none() | st.lists(st.sampled_from(ids), min_size=1, unique=True))
    _check(definition("MULTI_SELECT", options=options), value, ctx)
