"""How a stored contact is shown: the full record, the create response, the search item.

The three differ the way HighLevel's do (HIGHLEVEL.md §3, §4):

* full record (GET, PUT): `address1`, `dateOfBirth` as `YYYY-MM-DD`, absent values omitted
  (the spec types them as non-nullable strings);
* create response: the spec's `CreateContactSchema` — `dateOfBirth` as an ISO timestamp plus
  `birthMonth` (zero-based, as in the spec's example) and `birthDay`, `deleted`, `bounceEmail`…;
* search item: a slimmer projection with `contactName`, `address` (not `address1`),
  `dateOfBirth` in epoch milliseconds, `businessName`, `phoneLabel`, `validEmail`,
  `searchAfter`, and absent values as `null` rather than omitted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sandbox.highlevel.store import Contact
from sandbox.records import format_timestamp

# Keys copied as they are into the full record, in the order HighLevel lists them.
_FULL_KEYS = (
    "email",
    "additionalEmails",
    "timezone",
    "companyName",
    "phone",
    "dnd",
    "dndSettings",
    "inboundDndSettings",
    "type",
    "source",
    "assignedTo",
    "address1",
    "city",
    "state",
    "country",
    "postalCode",
    "website",
    "tags",
    "followers",
    "gender",
    "attributionSource",
)
_SEARCH_KEYS = (
    "firstName",
    "lastName",
    "companyName",
    "email",
    "phone",
    "dnd",
    "type",
    "source",
    "assignedTo",
    "city",
    "state",
    "postalCode",
    "country",
    "website",
    "timezone",
)


def full_name(contact: Contact) -> str | None:
    """Return "first last", or None when the contact has neither."""
    parts = [contact.get("firstName"), contact.get("lastName")]
    name = " ".join(part for part in parts if part)
    return name or None


def custom_values(contact: Contact, *, as_strings: bool = False) -> list[dict[str, Any]]:
    """Return `[{id, value}]`; with `as_strings`, every value as the spec's string type."""
    items = []
    for field_id, value in contact.get("customFields", {}).items():
        if as_strings and not isinstance(value, str):
            value = (
                json.dumps(value, ensure_ascii=False)
                if isinstance(value, list | dict)
                else str(value)
            )
        items.append({"id": field_id, "value": value})
    return items


def full(contact: Contact, location_id: str, *, string_values: bool = False) -> dict[str, Any]:
    """Return the contact as GET /contacts/{id} and PUT show it."""
    record: dict[str, Any] = {"id": contact["id"], "locationId": location_id}
    name = full_name(contact)
    if name:
        record["name"] = name
        record["fullNameLowerCase"] = name.lower()
    for key in ("firstName", "lastName"):
        if contact.get(key):
            record[key] = contact[key]
            record[f"{key}LowerCase"] = contact[key].lower()
    if contact.get("email"):
        record["emailLowerCase"] = contact["email"].lower()
    for key in _FULL_KEYS:
        if key in contact:
            record[key] = contact[key]
    if contact.get("dateOfBirth"):
        record["dateOfBirth"] = contact["dateOfBirth"]
    record["dateAdded"] = format_timestamp(contact["dateAdded"])
    record["dateUpdated"] = format_timestamp(contact["dateUpdated"])
    record["customFields"] = custom_values(contact, as_strings=string_values)
    return record


def created(contact: Contact, location_id: str, *, string_values: bool = False) -> dict[str, Any]:
    """Return the contact as POST /contacts/ shows it (the spec's CreateContactSchema)."""
    record = full(contact, location_id, string_values=string_values)
    for key in ("name", "additionalEmails", "inboundDndSettings", "gender", "attributionSource"):
        record.pop(key, None)
    record.update({"deleted": False, "bounceEmail": False, "unsubscribeEmail": False})
    birthday = contact.get("dateOfBirth")
    if birthday:
        day = datetime.strptime(birthday, "%Y-%m-%d").replace(tzinfo=UTC)
        record["dateOfBirth"] = day.strftime("%Y-%m-%dT00:00:00.000Z")
        # The spec's example pairs 1990-09-25 with birthMonth 8: months count from zero.
        record["birthMonth"] = day.month - 1
        record["birthDay"] = day.day
    return record


def search_item(contact: Contact, location_id: str, search_after: list[Any]) -> dict[str, Any]:
    """Return the contact as one item of a POST /contacts/search page."""
    item: dict[str, Any] = {"id": contact["id"], "locationId": location_id}
    item.update({key: contact.get(key) for key in _SEARCH_KEYS})
    name = full_name(contact)
    item["contactName"] = name
    item["firstNameLowerCase"] = contact["firstName"].lower() if contact.get("firstName") else None
    item["lastNameLowerCase"] = contact["lastName"].lower() if contact.get("lastName") else None
    item["businessName"] = None
    item["businessId"] = None
    item["address"] = contact.get("address1")
    item["phoneLabel"] = "Mobile" if contact.get("phone") else None
    item["validEmail"] = True if contact.get("email") else None
    item["additionalEmails"] = list(contact.get("additionalEmails", []))
    item["additionalPhones"] = []
    item["tags"] = list(contact.get("tags", []))
    item["followers"] = list(contact.get("followers", []))
    item["opportunities"] = []
    item["dateOfBirth"] = (
        _epoch_millis(contact["dateOfBirth"]) if contact.get("dateOfBirth") else None
    )
    item["dateAdded"] = format_timestamp(contact["dateAdded"])
    item["dateUpdated"] = format_timestamp(contact["dateUpdated"])
    item["customFields"] = custom_values(contact)
    item["searchAfter"] = search_after
    return item


def _epoch_millis(day: str) -> int:
    moment = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
    return int(moment.timestamp()) * 1000
