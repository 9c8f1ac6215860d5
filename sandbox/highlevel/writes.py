"""Validate create and update bodies the way HighLevel's whitelisting validator does.

Every problem in a body is collected into one `422` whose `message` lists class-validator style
sentences ("property gender should not exist", "email must be an email"). Duplicates are
checked after validation and answered `400` (see `duplicate_error`).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from datetime import datetime
from typing import Any

import phonenumbers

from sandbox.highlevel import errors
from sandbox.highlevel.customfields import CustomFieldWriter
from sandbox.highlevel.render import full_name
from sandbox.highlevel.store import Contact, HighLevelStore

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
DND_CHANNELS = ("Call", "Email", "SMS", "WhatsApp", "GMB", "FB")
DATE_FORMATS = (
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%Y-%m-%d",
    "%m-%d-%Y",
    "%Y.%m.%d",
    "%m.%d.%Y",
    "%Y_%m_%d",
    "%m_%d_%Y",
)
_TIMEZONES = frozenset(zoneinfo.available_timezones())

# Plain string properties, with whether `null` is allowed on create and on update (as declared
# in CreateContactDto and UpdateContactDto).
_STRINGS: dict[str, tuple[bool, bool]] = {
    "firstName": (True, True),
    "lastName": (True, True),
    "address1": (True, True),
    "city": (True, True),
    "state": (True, True),
    "postalCode": (False, False),
    "website": (True, True),
    "source": (False, True),
    "country": (False, False),
    "companyName": (True, True),
    "gender": (False, False),
}
UPDATE_FIELDS = frozenset(
    {
        "firstName", "lastName", "name", "email", "phone", "address1", "city", "state",
        "postalCode", "website", "timezone", "dnd", "dndSettings", "inboundDndSettings", "tags",
        "customFields", "source", "dateOfBirth", "country", "assignedTo",
    }
)  # fmt: skip
CREATE_FIELDS = UPDATE_FIELDS | {"locationId", "gender", "companyName"}


class _Checker:
    """Collect validation messages and normalised values for one body."""

    def __init__(self, store: HighLevelStore, *, creating: bool) -> None:
        self.store = store
        self.creating = creating
        self.messages: list[str] = []
        self.values: dict[str, Any] = {}

    def fail(self, message: str) -> None:
        self.messages.append(message)

    def string(self, key: str, value: Any, *, nullable: bool) -> str | None:
        if value is None:
            if not nullable:
                self.fail(f"{key} must be a string")
            return None
        if not isinstance(value, str):
            self.fail(f"{key} must be a string")
            return None
        return value.strip() or None

    def check(self, body: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
        checks: dict[str, Callable[[str, Any], None]] = {
            "email": self._email,
            "phone": self._phone,
            "name": self._plain,
            "timezone": self._timezone,
            "dnd": self._dnd,
            "dndSettings": self._dnd_settings,
            "inboundDndSettings": self._inbound_dnd,
            "tags": self._tags,
            "dateOfBirth": self._birthday,
            "assignedTo": self._assigned_to,
            "locationId": self._plain,
        }
        for key, value in body.items():
            if key not in allowed:
                # Whitelisting reports only "should not exist" for these, never their values.
                continue
            if key in _STRINGS:
                nullable = _STRINGS[key][0 if self.creating else 1]
                self.values[key] = self.string(key, value, nullable=nullable)
                if key == "country" and self.values[key] and not _COUNTRY.match(value):
                    self.fail("country must be a valid ISO 3166-1 alpha-2 country code")
            elif key in checks:
                checks[key](key, value)
        return self.values

    def _plain(self, key: str, value: Any) -> None:
        self.values[key] = self.string(key, value, nullable=key != "locationId")

    def _email(self, key: str, value: Any) -> None:
        text = self.string(key, value, nullable=True)
        if value is not None and (text is None or not _EMAIL.match(text)):
            self.fail("email must be an email")
        self.values[key] = text

    def _phone(self, key: str, value: Any) -> None:
        text = self.string(key, value, nullable=True)
        if text is None:
            if value is not None:
                self.fail("phone must be a valid phone number")
            self.values[key] = None
            return
        region = self.store.location.get("country", "US")
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            self.fail("phone must be a valid phone number")
            return
        self.values[key] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def _timezone(self, key: str, value: Any) -> None:
        text = self.string(key, value, nullable=True)
        if text is not None and text not in _TIMEZONES:
            self.fail("timezone must be a valid IANA time zone name")
        self.values[key] = text

    def _dnd(self, key: str, value: Any) -> None:
        if not isinstance(value, bool):
            self.fail("dnd must be a boolean value")
        self.values[key] = value

    def _dnd_settings(self, key: str, value: Any) -> None:
        if not isinstance(value, dict):
            self.fail(f"{key} must be an object")
            return
        for channel, setting in value.items():
            if channel not in DND_CHANNELS:
                self.fail(f"property {key}.{channel} should not exist")
            else:
                self._dnd_setting(f"{key}.{channel}", setting, ("active", "inactive", "permanent"))
        self.values[key] = value

    def _inbound_dnd(self, key: str, value: Any) -> None:
        if not isinstance(value, dict):
            self.fail(f"{key} must be an object")
            return
        for name, setting in value.items():
            if name != "all":
                self.fail(f"property {key}.{name} should not exist")
            else:
                self._dnd_setting(f"{key}.all", setting, ("active", "inactive"))
        self.values[key] = value

    def _dnd_setting(self, path: str, setting: Any, statuses: tuple[str, ...]) -> None:
        if not isinstance(setting, dict):
            self.fail(f"{path} must be an object")
            return
        if setting.get("status") not in statuses:
            self.fail(f"{path}.status must be one of the following values: {', '.join(statuses)}")
        for name, item in setting.items():
            if name not in ("status", "message", "code"):
                self.fail(f"property {path}.{name} should not exist")
            elif name != "status" and not isinstance(item, str):
                self.fail(f"{path}.{name} must be a string")

    def _tags(self, key: str, value: Any) -> None:
        if not isinstance(value, list):
            self.fail("tags must be an array")
            return
        if not all(isinstance(tag, str) for tag in value):
            self.fail("each value in tags must be a string")
            return
        self.values[key] = normalise_tags(value)

    def _birthday(self, key: str, value: Any) -> None:
        if value is None:
            self.values[key] = None
            return
        if isinstance(value, str):
            for pattern in DATE_FORMATS:
                try:
                    self.values[key] = datetime.strptime(value.strip(), pattern).strftime(
                        "%Y-%m-%d"
                    )
                except ValueError:
                    continue
                return
        self.fail("dateOfBirth must be a valid date (e.g. YYYY-MM-DD)")

    def _assigned_to(self, key: str, value: Any) -> None:
        if value is None and not self.creating:
            self.values[key] = None
            return
        if not isinstance(value, str):
            self.fail("assignedTo must be a string")
        elif value not in self.store.user_ids():
            self.fail(f"assignedTo must be the id of a user of this location ({value!r} is not)")
        else:
            self.values[key] = value


def normalise_tags(tags: list[str]) -> list[str]:
    """Trim, lower-case and de-duplicate tags, keeping their order (HighLevel lower-cases tags)."""
    result: list[str] = []
    for tag in tags:
        name = tag.strip().lower()
        if name and name not in result:
            result.append(name)
    return result


def plan_create(body: Any, store: HighLevelStore, location_id: str) -> Contact:
    """Return the contact a create body describes, or raise its 422/403."""
    if not isinstance(body, dict):
        raise errors.unprocessable("body must be an object")
    extra = [f"property {key} should not exist" for key in body if key not in CREATE_FIELDS]
    checker = _Checker(store, creating=True)
    values = checker.check(body, CREATE_FIELDS)
    writer = CustomFieldWriter(store.custom_fields)
    custom = (
        writer.check(body.get("customFields", []), checker.messages)
        if "customFields" in body
        else {}
    )
    if "locationId" not in body or body["locationId"] is None:
        checker.fail("locationId should not be empty")
    if extra or checker.messages:
        raise errors.unprocessable(*extra, *checker.messages)
    if values.pop("locationId") != location_id:
        raise errors.forbidden()
    now = store.now_millis()
    contact: Contact = {
        "id": store.new_id(),
        "dateAdded": now,
        "dateUpdated": now,
        "type": "lead",
        "dnd": False,
        "tags": [],
        "followers": [],
        "customFields": {},
    }
    return _apply(contact, values, custom)


def plan_update(contact: Contact, body: Any, store: HighLevelStore) -> Contact:
    """Return the contact after a PUT body, or raise its 422."""
    if not isinstance(body, dict):
        raise errors.unprocessable("body must be an object")
    extra = [f"property {key} should not exist" for key in body if key not in UPDATE_FIELDS]
    checker = _Checker(store, creating=False)
    values = checker.check(body, UPDATE_FIELDS)
    writer = CustomFieldWriter(store.custom_fields)
    custom = (
        writer.check(body.get("customFields", []), checker.messages)
        if "customFields" in body
        else {}
    )
    if extra or checker.messages:
        raise errors.unprocessable(*extra, *checker.messages)
    updated = _apply(dict(contact), values, custom)
    # dateUpdated moves forward even when the clock has not, so clients can compare it.
    updated["dateUpdated"] = max(store.now_millis(), int(contact["dateUpdated"]) + 1)
    return updated


def _apply(contact: Contact, values: dict[str, Any], custom: dict[str, Any]) -> Contact:
    name = values.pop("name", None)
    if name and "firstName" not in values and "lastName" not in values:
        first, _, last = name.partition(" ")
        values["firstName"], values["lastName"] = first, last.strip() or None
    for key, value in values.items():
        if value is None:
            contact.pop(key, None)
        else:
            contact[key] = value
    fields = dict(contact.get("customFields", {}))
    for field_id, value in custom.items():
        if value is None:
            fields.pop(field_id, None)
        else:
            fields[field_id] = value
    contact["customFields"] = fields
    contact.setdefault("tags", [])
    contact.setdefault("dnd", False)
    return contact


def duplicate_error(contact: Contact, store: HighLevelStore) -> errors.HighLevelError | None:
    """Return the 400 for a contact whose email or phone another contact already uses."""
    for field, match in (
        ("email", store.by_email(contact["email"]) if contact.get("email") else None),
        ("phone", store.by_phone(contact["phone"]) if contact.get("phone") else None),
    ):
        if match is not None and match["id"] != contact["id"]:
            return errors.bad_request(
                "This location does not allow duplicated contacts.",
                meta={
                    "contactName": full_name(match) or "",
                    "contactId": match["id"],
                    "matchingField": field,
                },
            )
    return None
