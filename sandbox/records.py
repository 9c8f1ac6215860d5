"""The in-memory record snapshot, and how it is shown on the wire."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.definitions import MEMBER_FIELDS, MEMBER_TYPE, SCHEMAS


@dataclass(frozen=True)
class Record:
    """Hold one immutable version of a record; a write replaces it with a new snapshot.

    `fields` holds only the values that are set (already normalised); `links` maps every
    relationship key shown on the record to the linked ids, oldest link first.
    """

    id: str
    object_type: str
    created_at: int  # unix milliseconds
    updated_at: int  # unix milliseconds
    fields: Mapping[str, Any]
    links: Mapping[str, tuple[str, ...]]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_millis(moment: datetime) -> int:
    """Return an aware datetime as exact unix milliseconds (no float rounding)."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


# Reserved field keys of the hostile fixture set (sandbox/hostile.py): raw top-level values.
RAW_HTTP_LINK = "_raw:httpLink"
RAW_CREATED_AT = "_raw:createdAt"
RAW_UPDATED_AT = "_raw:updatedAt"


def to_json(value: Any) -> str:
    """Encode a value as compact UTF-8 JSON text, the way every sandbox response is written.

    Text with a lone surrogate (the hostile fixture set holds some) cannot be UTF-8, so it is
    written with \\u escapes instead, as a real API's encoder would.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text


def format_timestamp(millis: int) -> str:
    """Format unix milliseconds the way Lightfield does: ISO-8601, UTC, milliseconds, `Z`."""
    moment = _EPOCH + timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


class Renderer:
    """Turn records into API JSON, caching each snapshot's encoding.

    Snapshots are immutable, so a cache entry stays valid for as long as the store still holds
    the very same object; a write swaps the object and the next render re-encodes it.
    """

    def __init__(self, link_base: str) -> None:
        self._link_base = link_base.rstrip("/")
        self._cache: dict[str, tuple[Record, str]] = {}

    def to_json(self, record: Record) -> str:
        """Return the record's JSON text (the retrieve envelope)."""
        cached = self._cache.get(record.id)
        if cached is not None and cached[0] is record:
            return cached[1]
        text = to_json(self.to_dict(record))
        self._cache[record.id] = (record, text)
        return text

    def list_json(self, records: list[Record], total: int) -> str:
        """Return a list envelope for one page of records."""
        data = ",".join(self.to_json(record) for record in records)
        return f'{{"object":"list","data":[{data}],"totalCount":{total}}}'

    def to_dict(self, record: Record) -> dict[str, Any]:
        """Return the record as the API shows it, with every defined field and relationship."""
        if record.object_type == MEMBER_TYPE:
            return self._member(record)
        schema = SCHEMAS[record.object_type]
        # Hostile fixtures (sandbox/hostile.py) carry raw values the store cannot represent.
        raw = record.fields
        return {
            "id": record.id,
            "createdAt": raw.get(RAW_CREATED_AT) or format_timestamp(record.created_at),
            "updatedAt": raw.get(RAW_UPDATED_AT) or format_timestamp(record.updated_at),
            "httpLink": raw.get(
                RAW_HTTP_LINK, f"{self._link_base}/{schema.collection}/{record.id}"
            ),
            "externalId": None,
            "fields": {
                key: {"valueType": fd.value_type.value, "value": record.fields.get(key)}
                for key, fd in schema.fields.items()
            },
            "relationships": {
                key: {
                    "cardinality": rel.record_cardinality,
                    "objectType": rel.object_type,
                    "values": list(record.links.get(key, ())),
                }
                for key, rel in schema.relationships.items()
            },
        }

    def _member(self, record: Record) -> dict[str, Any]:
        return {
            "id": record.id,
            "createdAt": format_timestamp(record.created_at),
            "updatedAt": format_timestamp(record.updated_at),
            "httpLink": f"{self._link_base}/members/{record.id}",
            "fields": {
                key: {"valueType": value_type.value, "value": record.fields.get(key)}
                for key, value_type in MEMBER_FIELDS.items()
            },
            "relationships": {},
        }
