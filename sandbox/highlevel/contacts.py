"""Handlers for the `/contacts/…` endpoints: read, write, search, duplicates, tags, followers."""

from __future__ import annotations

import uuid
from typing import Any

import phonenumbers
from werkzeug.wrappers import Request

from sandbox.highlevel import errors, render
from sandbox.highlevel.config import HighLevelSandboxConfig
from sandbox.highlevel.search import search
from sandbox.highlevel.store import Contact, HighLevelStore
from sandbox.highlevel.writes import duplicate_error, normalise_tags, plan_create, plan_update

Result = tuple[int, Any]


class ContactHandlers:
    """Answer the contact endpoints for one store and config."""

    def __init__(self, store: HighLevelStore, config: HighLevelSandboxConfig) -> None:
        self.store = store
        self.location_id = config.location_id
        self.string_values = config.string_custom_values

    def _full(self, contact: Contact) -> dict[str, Any]:
        return render.full(contact, self.location_id, string_values=self.string_values)

    def _contact(self, contact_id: str) -> Contact:
        contact = self.store.get(contact_id)
        if contact is None:
            raise errors.not_found(f"Contact with id {contact_id} not found")
        return contact

    # -- records -----------------------------------------------------------------------------

    def get(self, contact_id: str, **_: Any) -> Result:
        """Return `{"contact": full record}`."""
        return 200, {"contact": self._full(self._contact(contact_id))}

    def create(self, body: Any, **_: Any) -> Result:
        """Create a contact; refuse an email or phone the location already has (400)."""
        with self.store.transaction():
            contact = plan_create(body, self.store, self.location_id)
            duplicate = duplicate_error(contact, self.store)
            if duplicate is not None:
                raise duplicate
            self.store.save(contact)
        created = render.created(contact, self.location_id, string_values=self.string_values)
        return 201, {"contact": created}

    def update(self, contact_id: str, body: Any, **_: Any) -> Result:
        """Apply a PUT body (allow-listed properties only; `tags` replaces all tags)."""
        with self.store.transaction():
            updated = plan_update(self._contact(contact_id), body, self.store)
            duplicate = duplicate_error(updated, self.store)
            if duplicate is not None:
                raise duplicate
            self.store.save(updated)
        return 200, {"succeded": True, "contact": self._full(updated)}

    def delete(self, contact_id: str, **_: Any) -> Result:
        """Delete a contact."""
        with self.store.transaction():
            self.store.delete(self._contact(contact_id))
        return 200, {"succeded": True}

    # -- search ------------------------------------------------------------------------------

    def search(self, body: Any, **_: Any) -> Result:
        """Answer `POST /contacts/search` with slim items, the total and a trace id."""
        custom = {d["id"] for d in self.store.custom_fields if d["model"] == "contact"}
        page = search(self.store.all(), body, self.location_id, custom)
        items = [
            render.search_item(contact, self.location_id, cursor)
            for contact, cursor in page.contacts
        ]
        return 200, {"contacts": items, "total": page.total, "traceId": str(uuid.uuid4())}

    def duplicate(self, request: Request, **_: Any) -> Result:
        """Find the contact holding an email (checked first) or a phone number."""
        location_id = request.args.get("locationId")
        if not location_id:
            raise errors.unprocessable("locationId should not be empty")
        if location_id != self.location_id:
            raise errors.forbidden()
        email, number = request.args.get("email"), request.args.get("number")
        if not email and not number:
            raise errors.bad_request("Pass at least one of number, email query parameter")
        match = self.store.by_email(email) if email else None
        if match is None and number:
            match = self.store.by_phone(self._e164(number) or number)
        return 200, {"contact": self._full(match) if match else None}

    def _e164(self, number: str) -> str | None:
        try:
            parsed = phonenumbers.parse(number, self.store.location.get("country", "US"))
        except phonenumbers.NumberParseException:
            return None
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    # -- tags and followers ------------------------------------------------------------------

    def add_tags(self, contact_id: str, body: Any, **_: Any) -> Result:
        """Add tags (new ones join the location's tag list); answer 201 with all tags."""
        names = normalise_tags(_string_list(body, "tags"))
        with self.store.transaction():
            contact = self._contact(contact_id)
            tags = [
                *contact.get("tags", []),
                *(n for n in names if n not in contact.get("tags", [])),
            ]
            self._save(contact, tags=tags)
        return 201, {"tags": tags}

    def remove_tags(self, contact_id: str, body: Any, **_: Any) -> Result:
        """Remove tags; answer with the tags left."""
        names = set(normalise_tags(_string_list(body, "tags")))
        with self.store.transaction():
            contact = self._contact(contact_id)
            tags = [tag for tag in contact.get("tags", []) if tag not in names]
            self._save(contact, tags=tags)
        return 200, {"tags": tags}

    def add_followers(self, contact_id: str, body: Any, **_: Any) -> Result:
        """Add followers (user ids); answer 201 with all followers and the ones added."""
        ids = self._user_ids(_string_list(body, "followers"))
        with self.store.transaction():
            contact = self._contact(contact_id)
            current = list(contact.get("followers", []))
            added = [user_id for user_id in dict.fromkeys(ids) if user_id not in current]
            self._save(contact, followers=current + added)
        return 201, {"followers": current + added, "followersAdded": added}

    def remove_followers(self, contact_id: str, body: Any, **_: Any) -> Result:
        """Remove followers; answer with the followers left and the ones removed."""
        ids = set(_string_list(body, "followers"))
        with self.store.transaction():
            contact = self._contact(contact_id)
            current = list(contact.get("followers", []))
            removed = [user_id for user_id in current if user_id in ids]
            left = [user_id for user_id in current if user_id not in ids]
            self._save(contact, followers=left)
        return 200, {"followers": left, "followersRemoved": removed}

    def _user_ids(self, ids: list[str]) -> list[str]:
        unknown = [user_id for user_id in ids if user_id not in self.store.user_ids()]
        if unknown:
            raise errors.unprocessable(
                *(
                    f"followers must be ids of users of this location ({u!r} is not)"
                    for u in unknown
                )
            )
        return ids

    def _save(self, contact: Contact, **changes: Any) -> None:
        updated = {**contact, **changes}
        updated["dateUpdated"] = max(self.store.now_millis(), int(contact["dateUpdated"]) + 1)
        self.store.save(updated)


def _string_list(body: Any, key: str) -> list[str]:
    """Return `body[key]` as a list of strings, or raise the 422 class-validator would."""
    if not isinstance(body, dict):
        raise errors.unprocessable("body must be an object")
    messages = [f"property {name} should not exist" for name in body if name != key]
    value = body.get(key)
    if not isinstance(value, list):
        messages.append(f"{key} must be an array")
    elif not all(isinstance(item, str) for item in value):
        messages.append(f"each value in {key} must be a string")
    if messages or not isinstance(value, list):
        raise errors.unprocessable(*messages)
    return [str(item) for item in value]
