"""Read HighLevel's error bodies into the CRM layer's one exception tree.

HighLevel is a NestJS service (HIGHLEVEL.md §7): ``{"statusCode", "message", "error"?}`` where
``message`` is a string, or a list of class-validator sentences on 422, and ``error`` is only
the reason phrase. ``make_status_error`` would take that reason phrase for the message, so the
body is normalised first; a sentence that names a HighLevel property also yields ``param``
pointing at OUR field key (``fields.$email``), so the form shows it on the right input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from contacts_ui.crm.errors import APIStatusError, DuplicateContactError, make_status_error
from contacts_ui.crm.safety import scrub

__all__ = ["highlevel_status_error", "param_for_property"]

# HighLevel property → our field (or relationship) key, for pointing errors at form inputs.
_PROPERTY_KEYS: Final[Mapping[str, str]] = {
    "firstName": "fields.$name",
    "lastName": "fields.$name",
    "name": "fields.$name",
    "email": "fields.$email",
    "phone": "fields.$phone",
    "address1": "fields.$address",
    "city": "fields.$address",
    "state": "fields.$address",
    "postalCode": "fields.$address",
    "country": "fields.$address",
    "website": "fields.$website",
    "timezone": "fields.$timezone",
    "dnd": "fields.$dnd",
    "dateOfBirth": "fields.$dateOfBirth",
    "source": "fields.$source",
    "companyName": "fields.$companyName",
    "assignedTo": "relationships.$owner",
    "tags": "relationships.$tags",
    "followers": "relationships.$followers",
}
# "property gender should not exist", "email must be an email", "customFields.2.field_value …"
_SHOULD_NOT_EXIST = re.compile(r"^property\s+([\w.]+)\s+should not exist")
_LEADING_PATH = re.compile(r"^(?:each value in\s+)?([A-Za-z_][\w]*(?:\.\w+)*)\b")
_CUSTOM_ITEM = re.compile(r"^customFields\.(\d+)")


def param_for_property(path: str, custom_field_ids: Sequence[str] = ()) -> str | None:
    """Return our request location (``fields.<key>``) for a HighLevel property path, or None.

    ``customFields.<i>`` is the i-th custom field item we sent, so ``custom_field_ids`` (in the
    order they were sent) turns it back into the field's key.
    """
    custom = _CUSTOM_ITEM.match(path)
    if custom:
        index = int(custom.group(1))
        return f"fields.{custom_field_ids[index]}" if index < len(custom_field_ids) else None
    return _PROPERTY_KEYS.get(path.split(".", 1)[0])


def _param_in(sentences: Iterable[str], custom_field_ids: Sequence[str]) -> str | None:
    for sentence in sentences:
        match = _SHOULD_NOT_EXIST.match(sentence) or _LEADING_PATH.match(sentence)
        if match:
            param = param_for_property(match.group(1), custom_field_ids)
            if param is not None:
                return param
    return None


def _sentences(message: object) -> list[str]:
    if isinstance(message, str):
        return [message.strip()] if message.strip() else []
    if isinstance(message, list):
        return [str(item).strip() for item in message if str(item).strip()]
    return []


def highlevel_status_error(
    status_code: int,
    content: bytes,
    headers: Mapping[str, str],
    *,
    secrets: Iterable[str] = (),
    now: float | None = None,
    custom_field_ids: Sequence[str] = (),
    creating: bool = False,
) -> APIStatusError:
    """Build the exception for a HighLevel error response (the class chosen by status alone).

    A create refused because the email or phone already exists becomes a
    ``DuplicateContactError`` naming the existing contact when ``meta.contactId`` says it.
    """
    try:
        decoded: Any = (
            scrub(json.loads(content.decode("utf-8", errors="replace"))) if content else None
        )
    except ValueError:
        decoded = None
    if not isinstance(decoded, Mapping):
        # HTML from a proxy, plain text, nothing: the shared builder copes with all of those.
        return make_status_error(status_code, content, headers, secrets=secrets, now=now)

    sentences = _sentences(decoded.get("message"))
    normalised: dict[str, Any] = {}
    if sentences:
        normalised["message"] = "; ".join(sentences)
    elif isinstance(decoded.get("error"), str):
        normalised["message"] = decoded["error"]
    param = _param_in(sentences, custom_field_ids)
    if param is not None:
        normalised["param"] = param
    meta = decoded.get("meta")
    meta = meta if isinstance(meta, Mapping) else {}
    error = make_status_error(status_code, normalised, headers, secrets=secrets, now=now)
    error.body = decoded
    if creating and status_code == 400 and _is_duplicate(sentences, meta):
        field = meta.get("matchingField")
        duplicate = DuplicateContactError(
            error.message,
            existing_id=str(meta["contactId"]) if meta.get("contactId") else None,
            status_code=400,
            code="duplicate",
            param=_PROPERTY_KEYS.get(str(field), "fields.$email") if field else error.param,
            request_id=error.request_id,
            body=decoded,
        )
        return duplicate
    return error


def _is_duplicate(sentences: Sequence[str], meta: Mapping[str, Any]) -> bool:
    if meta.get("contactId") or meta.get("matchingField"):
        return True
    return any("duplicate" in sentence.lower() for sentence in sentences)
