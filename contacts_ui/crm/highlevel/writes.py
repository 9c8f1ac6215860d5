"""Contact writes on HighLevel: allow-listed PUTs, tag and follower endpoints, safe creates.

HighLevel has no idempotency keys (HIGHLEVEL.md §7), so a create whose answer was lost
(timeout, dropped connection, 5xx) may or may not have happened. It is never resent blindly:
the duplicate lookup (email, then phone) says whether it landed, and only if it did not is it
sent once more. Within a process, an idempotency key that already created a contact returns
that contact, and a second submit with the same key waits for the first instead of racing it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from contacts_ui.crm.errors import APIConnectionError, InternalServerError, UnprocessableEntityError
from contacts_ui.crm.highlevel import definitions as d
from contacts_ui.crm.highlevel.constants import CREATED_MEMORY_SECONDS, CREATED_MEMORY_SIZE
from contacts_ui.crm.highlevel.mapping import contact_body, name_of_tag
from contacts_ui.crm.highlevel.transport import ErrorContext, HighLevelTransport, path_segment
from contacts_ui.crm.models import Record

if TYPE_CHECKING:
    from contacts_ui.crm.highlevel.client import HighLevelClient

__all__ = ["ContactWriter"]

_SETS: Final[Mapping[str, str]] = {d.TAGS: "tags", d.FOLLOWERS: "followers"}


def _refuse(key: str, message: str) -> UnprocessableEntityError:
    return UnprocessableEntityError(
        message, status_code=422, code="unknown_relationship", param=f"relationships.{key}"
    )


def _operation(key: str, raw: Any) -> tuple[str, list[str] | None]:
    """Return (add|remove|replace, ids) for one relationship change; a bare value replaces."""
    if isinstance(raw, Mapping):
        if len(raw) != 1 or next(iter(raw)) not in ("add", "remove", "replace"):
            raise _refuse(key, "Send one add, remove or replace operation.")
        ((op, value),) = raw.items()
    else:
        op, value = "replace", raw
    if value is None:
        return op, None
    ids = [value] if isinstance(value, str) else [str(v) for v in value]
    return op, [i for i in ids if i]


def _names(key: str, ids: Sequence[str]) -> list[str]:
    if key != d.TAGS:
        return list(ids)
    try:
        return [name_of_tag(i) for i in ids]
    except ValueError as exc:
        raise _refuse(key, str(exc)) from None


class ContactWriter:
    """Create and update contacts of one location through a ``HighLevelTransport``."""

    def __init__(
        self,
        client: HighLevelClient,
        http: HighLevelTransport,
        *,
        location_id: str,
        value_key: str,
        company_name_writable: bool,
        clock: Callable[[], float],
    ) -> None:
        self._client = client
        self._http = http
        self._location_id = location_id
        self._value_key = value_key
        self._company_name_writable = company_name_writable
        self._clock = clock
        self._guard = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._created: OrderedDict[str, tuple[str, float]] = OrderedDict()

    # -- create ---------------------------------------------------------------------------------

    def create(
        self,
        fields: Mapping[str, Any],
        relationships: Mapping[str, Any],
        idempotency_key: str | None,
    ) -> Record:
        """Create a contact (``POST /contacts/``, locationId in the body) and return it.

        A location that refuses duplicates answers ``DuplicateContactError`` (naming the
        existing contact when HighLevel says which).
        """
        if idempotency_key is None:
            return self._create(fields, relationships)
        with self._guard:
            lock = self._key_locks.setdefault(idempotency_key, threading.Lock())
        with lock:
            known = self._remembered(idempotency_key)
            if known is not None:
                return self._client.get_contact(known)
            record = self._create(fields, relationships)
            self._remember(idempotency_key, record.id)
        with self._guard:
            self._key_locks.pop(idempotency_key, None)
        return record

    def _create(self, fields: Mapping[str, Any], relationships: Mapping[str, Any]) -> Record:
        body, custom_ids = contact_body(
            fields,
            self._client.custom_fields(),
            value_key=self._value_key,
            # companyName is declared in CreateContactDto, unlike in UpdateContactDto.
            company_name_writable=True,
        )
        followers: list[str] = []
        for key, raw in relationships.items():
            op, ids = _operation(key, raw)
            if op == "remove":
                continue  # nothing to remove from a contact that does not exist yet
            if key == d.OWNER:
                body["assignedTo"] = ids[0] if ids else None
            elif key == d.TAGS:
                # On create, `tags` sets the first tags: there is nothing for it to replace.
                body["tags"] = _names(key, ids or [])
            elif key == d.FOLLOWERS:
                followers = ids or []
            else:
                raise _refuse(key, f"HighLevel contacts have no relationship {key!r}.")
        body["locationId"] = self._location_id
        context = ErrorContext(custom_field_ids=custom_ids, creating=True)
        try:
            payload = self._post_create(body, context)
        except (APIConnectionError, InternalServerError):
            # The answer was lost, not necessarily the contact: look before sending again.
            existing = self._landed(body)
            if existing is None:
                if not (body.get("email") or body.get("phone")):
                    raise  # nothing to look it up by: a second POST could make a twin
                payload = self._post_create(body, context)
            else:
                payload = {"contact": None, "_existing": existing}
        record = payload.get("_existing")
        if not isinstance(record, Record):
            record = self._client.record_from(payload)
        if body.get("tags"):
            self._client.forget_tags()
        if followers:
            self._send_set(record.id, d.FOLLOWERS, "add", followers)
            return self._client.get_contact(record.id)
        return record

    def _post_create(self, body: Mapping[str, Any], context: ErrorContext) -> Mapping[str, Any]:
        return self._client.request_json(
            "POST", "/contacts/", json=dict(body), repeatable=False, context=context
        )

    def _landed(self, body: Mapping[str, Any]) -> Record | None:
        email, phone = body.get("email"), body.get("phone")
        found = self._client.find_duplicate(email=email) if email else None
        if found is None and phone:
            found = self._client.find_duplicate(phone=phone)
        return found

    def _remembered(self, key: str) -> str | None:
        with self._guard:
            entry = self._created.get(key)
            if entry is None or self._clock() - entry[1] > CREATED_MEMORY_SECONDS:
                return None
            return entry[0]

    def _remember(self, key: str, record_id: str) -> None:
        with self._guard:
            self._created[key] = (record_id, self._clock())
            self._created.move_to_end(key)
            while len(self._created) > CREATED_MEMORY_SIZE:
                self._created.popitem(last=False)

    # -- update ---------------------------------------------------------------------------------

    def update(
        self, id: str, fields: Mapping[str, Any], relationships: Mapping[str, Any]
    ) -> Record:
        """Send changed fields in one PUT, then tag/follower changes through their endpoints.

        ``$owner`` rides in the PUT as ``assignedTo``; ``$tags`` and ``$followers`` never do
        (a PUT of ``tags`` replaces every tag). A has-many replace becomes add/remove against
        the contact as it is now. Returns the contact as HighLevel then has it.
        """
        body, custom_ids = contact_body(
            fields,
            self._client.custom_fields(),
            value_key=self._value_key,
            company_name_writable=self._company_name_writable,
        )
        steps: list[tuple[str, str, list[str]]] = []
        current: Record | None = None
        for key, raw in relationships.items():
            op, ids = _operation(key, raw)
            if key == d.OWNER:
                if op == "remove":
                    body["assignedTo"] = None
                else:
                    body["assignedTo"] = ids[0] if ids else None
            elif key in _SETS:
                if op == "replace":
                    current = current or self._client.get_contact(id)
                    before = list(current.related_ids(key))
                    wanted = ids or []
                    steps.append((key, "remove", [i for i in before if i not in wanted]))
                    steps.append((key, "add", [i for i in wanted if i not in before]))
                else:
                    steps.append((key, op, ids or []))
            else:
                raise _refuse(key, f"HighLevel contacts have no relationship {key!r}.")

        record: Record | None = None
        path = f"/contacts/{path_segment(id)}"
        if body:
            payload = self._client.request_json(
                "PUT", path, json=body, context=ErrorContext(custom_field_ids=custom_ids)
            )
            if isinstance(payload.get("contact"), Mapping):
                record = self._client.record_from(payload)
        sent = False
        for key, op, ids in steps:
            if ids:
                self._send_set(id, key, op, ids)
                sent = True
        if sent or record is None:
            # The PUT's answer predates the tag/follower calls (or there was none): read again.
            record = self._client.get_contact(id)
        return record

    def _send_set(self, id: str, key: str, op: str, ids: Sequence[str]) -> None:
        name = _SETS[key]
        self._client.request_json(
            "POST" if op == "add" else "DELETE",
            f"/contacts/{path_segment(id)}/{name}",
            json={name: _names(key, ids)},
        )
        if key == d.TAGS and op == "add":
            self._client.forget_tags()
