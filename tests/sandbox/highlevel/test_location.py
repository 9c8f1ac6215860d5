"""The demo location: custom fields of every dataType, tags, users, settings and the seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox.highlevel import HighLevelSandboxApp
from sandbox.highlevel.definitions import DATA_TYPES
from sandbox.highlevel.seed import build_location
from tests.sandbox.highlevel.helpers import (
    LOCATION,
    VALUES,
    client_for,
    create,
    custom_fields,
    search,
)


def test_custom_field_definitions_cover_every_data_type(hl_reader: httpx.Client) -> None:
    definitions = custom_fields(hl_reader)
    assert set(definitions) == set(DATA_TYPES)
    for definition in definitions.values():
        assert definition["fieldKey"].startswith("contact.")
        assert definition["model"] == "contact"
        assert definition["locationId"] == LOCATION
    assert definitions["SINGLE_OPTIONS"]["picklistOptions"]
    assert definitions["TEXTBOX_LIST"]["textBoxListOptions"][0] == {
        "label": "LinkedIn",
        "prefillValue": "",
    }


def test_the_model_parameter_selects_contact_or_opportunity_fields(
    hl_reader: httpx.Client,
) -> None:
    path = f"/locations/{LOCATION}/customFields"
    every = hl_reader.get(path).json()["customFields"]
    contact = hl_reader.get(path, params={"model": "contact"}).json()["customFields"]
    opportunity = hl_reader.get(path, params={"model": "opportunity"}).json()["customFields"]
    assert len(every) == len(contact) + len(opportunity)
    assert opportunity
    assert hl_reader.get(path, params={"model": "deal"}).status_code == 422


def test_one_definition_can_be_fetched_by_id(hl_reader: httpx.Client) -> None:
    definition = custom_fields(hl_reader)["DATE"]
    response = hl_reader.get(f"/locations/{LOCATION}/customFields/{definition['id']}")
    assert response.json() == {"customField": definition}


def test_seeded_contacts_hold_values_of_every_data_type(hl_reader: httpx.Client) -> None:
    definitions = custom_fields(hl_reader)
    seen: dict[str, Any] = {}
    for page in (1, 2, 3, 4, 5):
        for item in search(hl_reader, page=page, pageLimit=500).json()["contacts"]:
            for field in item["customFields"]:
                seen.setdefault(field["id"], field["value"])
    for data_type, definition in definitions.items():
        assert definition["id"] in seen, data_type
    assert isinstance(seen[definitions["NUMERICAL"]["id"]], int)
    assert isinstance(seen[definitions["CHECKBOX"]["id"]], list)
    assert isinstance(seen[definitions["FILE_UPLOAD"]["id"]], dict)


def test_every_data_type_can_be_written_and_read_back(hl: httpx.Client) -> None:
    definitions = custom_fields(hl)
    items = [{"id": definitions[t]["id"], "field_value": v} for t, v in VALUES.items()]
    contact = create(hl, firstName="Typed", customFields=items)
    record = hl.get(f"/contacts/{contact['id']}").json()["contact"]
    values = {field["id"]: field["value"] for field in record["customFields"]}
    assert values == {definitions[t]["id"]: v for t, v in VALUES.items()}


def test_a_field_can_be_named_by_key_and_valued_with_field_value_camel_case(
    hl: httpx.Client,
) -> None:
    contact = create(hl, firstName="Keyed")
    body = {"customFields": [{"key": "lead_score", "fieldValue": 7}]}
    record = hl.put(f"/contacts/{contact['id']}", json=body).json()["contact"]
    score = custom_fields(hl)["NUMERICAL"]["id"]
    assert {"id": score, "value": 7} in record["customFields"]


def test_the_full_field_key_with_its_model_prefix_is_refused(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Keyed")
    body = {"customFields": [{"key": "contact.lead_score", "field_value": 7}]}
    assert hl.put(f"/contacts/{contact['id']}", json=body).status_code == 422


@pytest.mark.parametrize(
    ("data_type", "value"),
    [
        ("NUMERICAL", "42"),
        ("SINGLE_OPTIONS", "Not an option"),
        ("CHECKBOX", "Analytics"),
        ("DATE", "15/03/2026"),
        ("EMAIL", "nope"),
        ("TEXTBOX_LIST", {"Myspace": "x"}),
        ("FILE_UPLOAD", "https://files.example/nda.pdf"),
    ],
)
def test_values_of_the_wrong_shape_are_refused_422(
    hl: httpx.Client, data_type: str, value: Any
) -> None:
    field_id = custom_fields(hl)[data_type]["id"]
    body = {"locationId": LOCATION, "customFields": [{"id": field_id, "field_value": value}]}
    response = hl.post("/contacts/", json=body)
    assert response.status_code == 422
    assert response.json()["message"][0].startswith("customFields.0.field_value")


def test_null_or_empty_clears_a_custom_field(hl: httpx.Client) -> None:
    text = custom_fields(hl)["TEXT"]["id"]
    contact = create(hl, firstName="Clear", customFields=[{"id": text, "field_value": "x"}])
    for empty in (None, ""):
        body = {"customFields": [{"id": text, "field_value": empty}]}
        assert (
            hl.put(f"/contacts/{contact['id']}", json=body).json()["contact"]["customFields"] == []
        )


def test_string_custom_values_render_every_value_as_the_specs_string(
    build_hl: Callable[..., HighLevelSandboxApp],
) -> None:
    with client_for(build_hl(string_custom_values=True)) as http:
        definitions = custom_fields(http)
        items = [{"id": definitions[t]["id"], "field_value": v} for t, v in VALUES.items()]
        contact = create(http, firstName="Strings", customFields=items)
        record = http.get(f"/contacts/{contact['id']}").json()["contact"]
    values = {field["id"]: field["value"] for field in record["customFields"]}
    assert all(isinstance(value, str) for value in values.values())
    assert values[definitions["NUMERICAL"]["id"]] == "42"
    assert values[definitions["CHECKBOX"]["id"]] == '["Analytics", "Security"]'


def test_the_location_has_at_least_forty_tags(hl_reader: httpx.Client) -> None:
    tags = hl_reader.get(f"/locations/{LOCATION}/tags").json()["tags"]
    assert len(tags) >= 40
    assert set(tags[0]) == {"id", "name", "locationId"}


def test_the_location_has_at_least_fifteen_users(hl_reader: httpx.Client) -> None:
    users = hl_reader.get("/users/", params={"locationId": LOCATION}).json()["users"]
    assert len(users) >= 15
    assert {"id", "name", "firstName", "lastName", "email"} <= set(users[0])


def test_users_need_the_location_id(hl_reader: httpx.Client) -> None:
    assert hl_reader.get("/users/").status_code == 422


def test_the_location_says_duplicates_are_not_allowed_and_has_a_timezone(
    hl_reader: httpx.Client,
) -> None:
    location = hl_reader.get(f"/locations/{LOCATION}").json()["location"]
    assert location["settings"]["allowDuplicateContact"] is False
    assert location["timezone"] == "America/Los_Angeles"


def test_the_seed_is_deterministic_and_international() -> None:
    # How fast it seeds is a benchmark's business (no stopwatch in tests): here, what it seeds.
    first = build_location(7, LOCATION)
    assert first.contacts == build_location(7, LOCATION).contacts
    assert len(first.contacts) >= 2000
    names = " ".join(c.get("firstName", "") + c.get("lastName", "") for c in first.contacts)
    for letter in ("é", "山", "م", "ו"):
        assert letter in names
    sparse = [c for c in first.contacts if "email" not in c and "phone" not in c]
    assert len(sparse) > 20
    timezones = {c["timezone"] for c in first.contacts if "timezone" in c}
    assert "Asia/Tokyo" in timezones


def test_another_location_id_seeds_that_location(
    build_hl: Callable[..., HighLevelSandboxApp], tmp_path: Any
) -> None:
    app = build_hl(db_path=tmp_path / "other.sqlite3", location_id="OtherLocation0000000")
    with client_for(app) as http:
        assert http.get("/locations/OtherLocation0000000").status_code == 200
        assert http.get(f"/locations/{LOCATION}").status_code == 403
