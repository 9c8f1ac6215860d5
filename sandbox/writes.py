"""Validate create and update bodies and turn them into what the store must write.

Validation runs inside the store's write transaction, so id existence and uniqueness are checked
against exactly the state the write lands on. The first problem found is reported, fields before
relationships, with `param` pointing at it (`fields.$email`, `relationships.$owner`).

ADDRESS and FULL_NAME values replace the whole stored object (no partial merge): Lightfield leaves
merging unconfirmed and the dashboard sends whole objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox import errors
from sandbox.definitions import ID_PREFIXES, ObjectSchema, RelationshipDef, ValueType
from sandbox.errors import ApiError
from sandbox.records import Record
from sandbox.store import Store
from sandbox.values import InvalidValue, normalise

# Lightfield's per-request cap on referenced ids and on link changes.
RELATIONSHIP_WRITE_LIMIT = 25
RELATIONSHIP_OPERATIONS = ("add", "remove", "replace")


@dataclass(frozen=True)
class WritePlan:
    """Hold the complete new field values and, per touched relationship, the new id list."""

    fields: dict[str, Any]
    links: dict[str, list[str]]


def plan_create(schema: ObjectSchema, body: Any, store: Store) -> WritePlan:
    """Validate a create body for `schema` and return what to insert."""
    body = _top_level(body, create=True, schema=schema)
    values = _field_values(schema, body["fields"], record_id=None, store=store)
    for key in schema.required_fields:
        if key not in body["fields"]:
            raise errors.bad_request(
                f"{key} is required.", code=errors.PARAMETER_MISSING, param=f"fields.{key}"
            )
    fields = {key: value for key, value in values.items() if value is not None}
    raw_links = body.get("relationships", {})
    links = {key: _ids(key, value) for key, value in _relationship_items(schema, raw_links)}
    _check_reference_count(sum(len(ids) for ids in links.values()))
    for key in schema.required_relationships:
        if not links.get(key):
            raise errors.bad_request(
                f"{key} is required.", code=errors.PARAMETER_MISSING, param=f"relationships.{key}"
            )
    for key, ids in links.items():
        _check_links(schema.relationships[key], ids, store)
    return WritePlan(fields, links)


def plan_update(schema: ObjectSchema, record: Record, body: Any, store: Store) -> WritePlan:
    """Validate an update body for `record` and return its new values and links."""
    body = _top_level(body, create=False, schema=schema)
    values = _field_values(schema, body.get("fields", {}), record_id=record.id, store=store)
    fields = dict(record.fields)
    for key, value in values.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value

    operations = list(_relationship_items(schema, body.get("relationships", {})))
    referenced = 0
    parsed: list[tuple[str, str, list[str] | None]] = []
    for key, operation in operations:
        name, ids = _operation(key, operation)
        referenced += len(ids or ())
        parsed.append((key, name, ids))
    _check_reference_count(referenced)

    links: dict[str, list[str]] = {}
    for key, name, ids in parsed:
        rel = schema.relationships[key]
        current = list(record.links.get(key, ()))
        if ids:
            _check_exist(rel, ids, store)
        if name == "add":
            new = current + [i for i in ids or () if i not in current]
        elif name == "remove":
            new = [i for i in current if i not in (ids or ())]
        else:
            new = list(ids or ())
        _check_links(rel, new, store, exist_checked=True)
        links[key] = new
    changes = store.link_changes(record, links)
    _check_reference_count(changes, changes=True)
    return WritePlan(fields, links)


def _top_level(body: Any, *, create: bool, schema: ObjectSchema) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise errors.bad_request(
            "The request body must be a JSON object.", code=errors.INVALID_TYPE
        )
    for key in body:
        if key not in ("fields", "relationships"):
            raise errors.bad_request(
                f"Unknown parameter {key!r}; the body takes fields and relationships.",
                code=errors.UNKNOWN_PARAMETER,
                param=key,
            )
    required: list[str] = []
    if create:
        required.append("fields")
        if schema.required_relationships:
            required.append("relationships")
    for key in required:
        if key not in body:
            raise errors.bad_request(
                f"{key} is required.", code=errors.PARAMETER_MISSING, param=key
            )
    for key in ("fields", "relationships"):
        if key in body and not isinstance(body[key], dict):
            raise errors.bad_request(
                f"{key} must be an object.", code=errors.INVALID_TYPE, param=key
            )
    return body


def _field_values(
    schema: ObjectSchema, raw: dict[str, Any], *, record_id: str | None, store: Store
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        param = f"fields.{key}"
        field = schema.fields.get(key)
        if field is None:
            raise errors.bad_request(
                f"Unknown field {key!r} on {schema.object_type}.",
                code=errors.UNKNOWN_FIELD,
                param=param,
            )
        # MARKDOWN is CRM-generated content: read-only in the contract whatever readOnly says.
        if field.read_only or field.value_type is ValueType.MARKDOWN:
            raise errors.bad_request(
                f"{key} is read-only.", code=errors.READ_ONLY_FIELD, param=param
            )
        try:
            normalised = normalise(field, value)
        except InvalidValue as exc:
            raise errors.bad_request(str(exc), code=errors.INVALID_TYPE, param=param) from None
        if normalised is None and key in schema.required_fields:
            raise errors.bad_request(
                f"{key} is required and cannot be empty.", code=errors.INVALID_TYPE, param=param
            )
        if field.unique and normalised is not None:
            for item in normalised if isinstance(normalised, list) else [normalised]:
                owner = store.unique_owner(schema.object_type, key, item)
                if owner is not None and owner != record_id:
                    raise ApiError(
                        422,
                        f"{item} is already used by {owner}.",
                        code=errors.DUPLICATE_VALUE,
                        param=param,
                    )
        values[key] = normalised
    return values


def _relationship_items(schema: ObjectSchema, raw: dict[str, Any]) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in raw.items():
        param = f"relationships.{key}"
        rel = schema.relationships.get(key)
        if rel is None:
            raise errors.bad_request(
                f"Unknown relationship {key!r} on {schema.object_type}.",
                code=errors.UNKNOWN_RELATIONSHIP,
                param=param,
            )
        if rel.read_only:
            raise errors.bad_request(
                f"{key} is read-only; {rel.description or 'it cannot be written.'}",
                code=errors.READ_ONLY_RELATIONSHIP,
                param=param,
            )
        items.append((key, value))
    return items


def _ids(key: str, value: Any) -> list[str]:
    """Read "an id or an array of ids", dropping repeats."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(dict.fromkeys(value))
    raise errors.bad_request(
        f"{key} expects an id or an array of ids.",
        code=errors.INVALID_TYPE,
        param=f"relationships.{key}",
    )


def _operation(key: str, operation: Any) -> tuple[str, list[str] | None]:
    """Read an update operation object: exactly one of add, remove, replace."""
    param = f"relationships.{key}"
    if not isinstance(operation, dict) or len(operation) != 1:
        raise errors.bad_request(
            f"{key} expects an object with exactly one of add, remove or replace.",
            code=errors.INVALID_TYPE,
            param=param,
        )
    ((name, value),) = operation.items()
    if name not in RELATIONSHIP_OPERATIONS:
        raise errors.bad_request(
            f"{key}: unknown operation {name!r}; use add, remove or replace.",
            code=errors.INVALID_TYPE,
            param=param,
        )
    if value is None and name == "replace":
        return name, None
    return name, _ids(key, value)


def _check_reference_count(count: int, *, changes: bool = False) -> None:
    if count > RELATIONSHIP_WRITE_LIMIT:
        what = "link changes" if changes else "referenced ids"
        raise ApiError(
            422,
            f"A request may carry at most {RELATIONSHIP_WRITE_LIMIT} {what}; this one has {count}.",
            code=errors.RELATIONSHIP_WRITE_LIMIT_EXCEEDED,
            param="relationships",
        )


def _check_exist(rel: RelationshipDef, ids: list[str], store: Store) -> None:
    for record_id in ids:
        prefix = record_id.partition("_")[0]
        if ID_PREFIXES.get(prefix) != rel.object_type or not store.exists(
            rel.object_type, record_id
        ):
            raise errors.bad_request(
                f"{rel.key}: no {rel.object_type} with id {record_id!r}.",
                code=errors.RELATIONSHIP_ENTITY_MISSING,
                param=f"relationships.{rel.key}",
            )


def _check_links(
    rel: RelationshipDef, ids: list[str], store: Store, *, exist_checked: bool = False
) -> None:
    param = f"relationships.{rel.key}"
    if not exist_checked:
        _check_exist(rel, ids, store)
    if rel.cardinality == "HAS_ONE" and len(ids) > 1:
        raise errors.bad_request(
            f"{rel.key} is a has_one relationship and takes a single id.",
            code=errors.INVALID_TYPE,
            param=param,
        )
    if rel.required and not ids:
        raise errors.bad_request(
            f"{rel.key} is required and cannot be cleared.",
            code=errors.RELATIONSHIP_REQUIRED,
            param=param,
        )
