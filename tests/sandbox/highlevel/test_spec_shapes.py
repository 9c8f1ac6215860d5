"""The default (typed custom values) responses against the spec's schemas, in-process.

The schemathesis run checks the spec reading (`string_custom_values`); this checks what the
dashboard sees by default, over many seeded records, with one deliberate difference: a custom
field's `value` may be any JSON value, as live reports show (HIGHLEVEL.md §6), where the spec
says string. `jsonschema_rs` comes with schemathesis.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from tests.sandbox.highlevel.helpers import LOCATION, SPEC, VALUES, create, custom_fields, search


def _openapi_to_json_schema(node: Any) -> Any:
    """Turn OpenAPI 3.0's `nullable: true` into a JSON Schema type union."""
    if isinstance(node, list):
        return [_openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _openapi_to_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False) and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    return converted


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    """Return the spec's component schemas, custom field values widened to any JSON value."""
    components = _openapi_to_json_schema(json.loads(Path(SPEC).read_text())["components"])
    components["schemas"]["CustomFieldSchema"]["properties"]["value"] = {}
    return {"components": components}


def check(schemas: dict[str, Any], name: str, body: Any) -> None:
    """Validate `body` against `#/components/schemas/<name>`, reporting every error."""
    validator = jsonschema_rs.Draft4Validator(schemas | {"$ref": f"#/components/schemas/{name}"})
    problems = [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(body)]
    assert problems == [], name


def test_seeded_records_match_the_get_contact_schema(
    hl_reader: httpx.Client, schemas: dict[str, Any]
) -> None:
    for item in search(hl_reader, pageLimit=150).json()["contacts"]:
        check(
            schemas,
            "ContactsByIdSuccessfulResponseDto",
            hl_reader.get(f"/contacts/{item['id']}").json(),
        )


def test_write_responses_match_their_schemas(hl: httpx.Client, schemas: dict[str, Any]) -> None:
    definitions = custom_fields(hl)
    items = [{"id": definitions[t]["id"], "field_value": v} for t, v in VALUES.items()]
    response = hl.post(
        "/contacts/",
        json={
            "locationId": LOCATION, "firstName": "Shape", "dateOfBirth": "1990-09-25",
            "dndSettings": {"SMS": {"status": "active"}}, "customFields": items,
        },
    )  # fmt: skip
    check(schemas, "CreateContactsSuccessfulResponseDto", response.json())
    contact_id = response.json()["contact"]["id"]
    path = f"/contacts/{contact_id}"
    check(
        schemas, "UpdateContactsSuccessfulResponseDto", hl.put(path, json={"city": "Lyon"}).json()
    )
    check(
        schemas,
        "CreateAddTagSuccessfulResponseDto",
        hl.post(f"{path}/tags", json={"tags": ["a"]}).json(),
    )
    check(
        schemas,
        "CreateDeleteTagSuccessfulResponseDto",
        hl.request("DELETE", f"{path}/tags", json={"tags": ["a"]}).json(),
    )
    user = hl.get("/users/", params={"locationId": LOCATION}).json()["users"][0]["id"]
    followers = {"followers": [user]}
    check(
        schemas,
        "CreateAddFollowersSuccessfulResponseDto",
        hl.post(f"{path}/followers", json=followers).json(),
    )
    check(
        schemas,
        "DeleteFollowersSuccessfulResponseDto",
        hl.request("DELETE", f"{path}/followers", json=followers).json(),
    )
    check(schemas, "DeleteContactsSuccessfulResponseDto", hl.delete(path).json())


def test_a_created_contact_reads_back_through_the_spec(
    hl: httpx.Client, schemas: dict[str, Any]
) -> None:
    contact = create(hl, firstName="Reader", email="reader@example.org")
    check(schemas, "ContactsByIdSuccessfulResponseDto", hl.get(f"/contacts/{contact['id']}").json())
