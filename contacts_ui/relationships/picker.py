"""The relationship picker: records to link, found by name and told apart by a detail."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from contacts_ui.crm.errors import (
    CRMError,
)
from contacts_ui.crm.models import Record
from contacts_ui.relationships.operations import MAX_QUERY_CHARS, SEARCH_LIMIT
from contacts_ui.services import related
from contacts_ui.services.definitions import get_definitions

# -- the picker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One record the picker offers: enough to tell it from others of the same name."""

    id: str
    name: str
    detail: str = ""
    linked: bool = False
    checked: bool = False


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = next((item for item in value if item), "")
    return str(value) if value else ""


def _website(record: Record) -> str:
    site = _first(record.value("$website"))
    return re.sub(r"^https?://(www\.)?", "", site).rstrip("/")


def _detail(record: Record, object_type: str, stage_labels: Mapping[str, str]) -> str:
    if object_type == "account":
        detail = _website(record)
    elif object_type == "opportunity":
        stage = record.value("$stage")
        detail = stage_labels.get(stage, "") if isinstance(stage, str) else ""
    else:  # contacts and members: the email tells namesakes apart
        detail = _first(record.value("$email"))
    return detail or record.id


def _stage_labels() -> dict[str, str]:
    try:
        definition = get_definitions("opportunities").field_definitions.get("$stage")
    except CRMError:
        return {}
    return {o.id: o.label for o in definition.type_configuration.options} if definition else {}


def searchable(object_type: str | None) -> bool:
    """Tell whether the picker can search this object type by name (else it takes ids)."""
    return related.searchable(object_type)


def search(
    object_type: str | None, typed: str, *, linked: Collection[str] = (), limit: int = SEARCH_LIMIT
) -> list[Choice]:
    """Return up to ``limit`` records of ``object_type`` whose name starts with ``typed``.

    Accounts, opportunities and contacts are asked for with ``$name[startsWith]``; members come
    from the cached member list, filtered here (the API cannot filter them). Raises CRMError.
    """
    typed = typed.strip()[:MAX_QUERY_CHARS]
    if not typed or not searchable(object_type):
        return []
    assert object_type is not None
    records = related.search(object_type, typed, limit=limit)
    stages = _stage_labels() if object_type == "opportunity" else {}
    return [
        Choice(r.id, r.display_name, _detail(r, object_type, stages), r.id in linked)
        for r in records
    ]
