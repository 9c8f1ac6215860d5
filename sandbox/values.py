"""Validate and normalise written field values, one function per value type.

Writes send bare values; each normaliser either returns the value as it will be stored (and read
back) or raises `InvalidValue` with a message for the client. `None` always clears a field, and
so does an empty array for the array-valued types (Lightfield leaves this unconfirmed; clearing is
the only reading that keeps `value: null` the single "unset" marker on reads).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from sandbox.definitions import FieldDef, ValueType
from sandbox.records import format_timestamp, to_millis

MAX_SAFE_INTEGER = 2**53 - 1
ADDRESS_TEXT_KEYS = ("street", "street2", "city", "state", "postalCode", "country")
ADDRESS_KEYS = (*ADDRESS_TEXT_KEYS, "latitude", "longitude")
FULL_NAME_KEYS = ("firstName", "lastName")

# ISO 3166-1 alpha-2, officially assigned codes.
_COUNTRY_CODES_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
"""
COUNTRY_CODES = frozenset(_COUNTRY_CODES_TEXT.split())

# Profile URL per handle service, for bare handles ("@ada" -> "https://x.com/ada").
PROFILE_URLS = {
    "TWITTER": "https://x.com/{}",
    "LINKEDIN": "https://linkedin.com/in/{}",
    "FACEBOOK": "https://facebook.com/{}",
    "INSTAGRAM": "https://www.instagram.com/{}",
}

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
_HANDLE = re.compile(r"^@?[\w.\-]{1,100}$")
# A trailing extension: "x100", "ext 100", "ext.:100", "#100", ";ext=100".
_EXTENSION = re.compile(r"\s*(?:;\s*ext=|ext\.?|x|#)\s*:?\s*(\d{1,10})\s*$", re.IGNORECASE)
_LOCAL_NUMBER = re.compile(r"^[\d\s().\-/]+$")


class InvalidValue(ValueError):
    """Signal that a written value does not fit its field's type."""


def normalise(field: FieldDef, raw: Any) -> Any:
    """Return `raw` validated and normalised for `field`; None means the field is cleared."""
    if raw is None:
        return None
    return _NORMALISERS[field.value_type](field, raw)


def _text(field: FieldDef, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValue(f"{field.key} expects a string")
    return raw


def _number(field: FieldDef, raw: Any) -> int | float:
    # bool is an int in Python but not a number in JSON.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InvalidValue(f"{field.key} expects a number")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InvalidValue(f"{field.key} expects a finite number")
    if abs(raw) > MAX_SAFE_INTEGER:
        raise InvalidValue(f"{field.key} must be within ±{MAX_SAFE_INTEGER}")
    if isinstance(raw, float):
        # repr() is the shortest text that round-trips, i.e. what the client typed.
        exponent = Decimal(repr(raw)).as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise InvalidValue(f"{field.key} allows at most 2 decimal places")
        if raw.is_integer():
            return int(raw)
    return raw


def _checkbox(field: FieldDef, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise InvalidValue(f"{field.key} expects true or false")
    return raw


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 date-time that carries an offset (`Z` or `±hh:mm`)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue("expects an ISO-8601 date-time such as 2026-03-16T12:00:00Z") from None
    if moment.tzinfo is None:
        raise InvalidValue("expects an ISO-8601 date-time with an offset, e.g. ...T12:00:00Z")
    return moment


def _datetime(field: FieldDef, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValue(f"{field.key} expects an ISO-8601 date-time string")
    try:
        moment = parse_datetime(raw)
    except InvalidValue as exc:
        raise InvalidValue(f"{field.key} {exc}") from None
    try:
        return format_timestamp(to_millis(moment))
    except OverflowError:
        raise InvalidValue(f"{field.key} is out of the supported date range") from None


def _many(field: FieldDef, raw: Any, one: Callable[[FieldDef, str], str]) -> Any:
    """Apply `one` to a single value or to each element, per the field's `multipleValues`."""
    if not field.multiple:
        if not isinstance(raw, str):
            raise InvalidValue(f"{field.key} expects a string")
        return one(field, raw)
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise InvalidValue(f"{field.key} expects an array of strings")
    values: list[str] = []
    seen: set[str] = set()
    for item in raw:
        value = one(field, item)
        if value.casefold() not in seen:
            seen.add(value.casefold())
            values.append(value)
    return values or None


def _one_email(field: FieldDef, raw: str) -> str:
    address = raw.strip()
    if len(address) > 254 or not _EMAIL.match(address):
        raise InvalidValue(f"{field.key}: {raw!r} is not a valid email address")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def _email(field: FieldDef, raw: Any) -> Any:
    return _many(field, raw, _one_email)


def normalise_phone(raw: str) -> str:
    """Return a phone number as E.164 (or bare local digits) with `;ext=` for extensions.

    `+…` must be a valid international number; anything else is tried as a US number, then
    accepted as a local number of 7-15 digits, as Lightfield documents.
    """
    text = raw.strip()
    extension = None
    match = _EXTENSION.search(text)
    if match and match.start() > 0:
        extension = match.group(1)
        text = text[: match.start()]
    suffix = f";ext={extension}" if extension else ""
    if text.startswith("+"):
        number = _parse_phone(text, None)
        if number is None:
            raise InvalidValue(f"{raw!r} is not a valid international (E.164) phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) + suffix
    number = _parse_phone(text, "US")
    if number is not None:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) + suffix
    digits = re.sub(r"\D", "", text)
    if _LOCAL_NUMBER.match(text) and 7 <= len(digits) <= 15:
        return digits + suffix
    raise InvalidValue(f"{raw!r} is not a valid phone number")


def _parse_phone(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _one_phone(field: FieldDef, raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidValue as exc:
        raise InvalidValue(f"{field.key}: {exc}") from None


def _telephone(field: FieldDef, raw: Any) -> Any:
    return _many(field, raw, _one_phone)


def _one_url(field: FieldDef, raw: str) -> str:
    url = raw.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(ch.isspace() for ch in url)
    ):
        raise InvalidValue(f"{field.key}: {raw!r} is not an http(s) URL")
    return url


def _url(field: FieldDef, raw: Any) -> Any:
    return _many(field, raw, _one_url)


def _address(field: FieldDef, raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        raise InvalidValue(f"{field.key} expects an address object")
    unknown = sorted(set(raw) - set(ADDRESS_KEYS))
    if unknown:
        raise InvalidValue(f"{field.key} has unknown address parts: {', '.join(unknown)}")
    address: dict[str, Any] = dict.fromkeys(ADDRESS_KEYS)
    for key in ADDRESS_TEXT_KEYS:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidValue(f"{field.key}.{key} expects a string")
        address[key] = _blank_to_none(value)
    if address["country"] is not None:
        country = address["country"].upper()
        if country not in COUNTRY_CODES:
            raise InvalidValue(f"{field.key}.country expects a 2-letter ISO 3166-1 code")
        address["country"] = country
    for key, limit in (("latitude", 90), ("longitude", 180)):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > limit:
            raise InvalidValue(f"{field.key}.{key} expects a number within ±{limit}")
        address[key] = value
    return address if any(v is not None for v in address.values()) else None


def _full_name(field: FieldDef, raw: Any) -> dict[str, str | None] | None:
    if not isinstance(raw, dict):
        raise InvalidValue(f"{field.key} expects an object {{firstName, lastName}}")
    unknown = sorted(set(raw) - set(FULL_NAME_KEYS))
    if unknown:
        raise InvalidValue(f"{field.key} has unknown parts: {', '.join(unknown)}")
    name: dict[str, str | None] = {}
    for key in FULL_NAME_KEYS:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidValue(f"{field.key}.{key} expects a string")
        name[key] = _blank_to_none(value)
    return name if any(name.values()) else None


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def _social_handle(field: FieldDef, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValue(f"{field.key} expects a profile URL or handle")
    text = raw.strip()
    if text.lower().startswith(("http://", "https://")):
        return _one_url(field, text)
    if not _HANDLE.match(text):
        raise InvalidValue(f"{field.key}: {raw!r} is neither a profile URL nor a handle")
    return PROFILE_URLS[field.handle_service or "TWITTER"].format(text.lstrip("@"))


def _option(field: FieldDef, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValue(f"{field.key} expects an option id")
    if raw in field.option_by_id():
        return raw
    if field.accepts_labels:
        for option in field.options:
            if option.label.casefold() == raw.casefold():
                return option.id
    raise InvalidValue(f"{field.key}: {raw!r} is not one of the field's options")


def _single_select(field: FieldDef, raw: Any) -> str:
    return _option(field, raw)


def _multi_select(field: FieldDef, raw: Any) -> list[str] | None:
    if not isinstance(raw, list):
        raise InvalidValue(f"{field.key} expects an array of option ids")
    ids: list[str] = []
    for item in raw:
        option_id = _option(field, item)
        if option_id not in ids:
            ids.append(option_id)
    return ids or None


_NORMALISERS: dict[ValueType, Callable[[FieldDef, Any], Any]] = {
    ValueType.ADDRESS: _address,
    ValueType.CHECKBOX: _checkbox,
    ValueType.CURRENCY: _number,
    ValueType.DATETIME: _datetime,
    ValueType.EMAIL: _email,
    ValueType.FULL_NAME: _full_name,
    ValueType.MARKDOWN: _text,
    ValueType.MULTI_SELECT: _multi_select,
    ValueType.NUMBER: _number,
    ValueType.SINGLE_SELECT: _single_select,
    ValueType.SOCIAL_HANDLE: _social_handle,
    ValueType.TELEPHONE: _telephone,
    ValueType.TEXT: _text,
    ValueType.URL: _url,
}
