"""The demo workspace: sizes, value types, international names, determinism, consistency."""

from __future__ import annotations

import unicodedata

import httpx
import pytest

from sandbox.app import SandboxApp, make_app
from sandbox.config import SandboxConfig
from sandbox.definitions import CONTACT, SCHEMAS
from sandbox.seed import build_workspace
from sandbox.values import normalise_phone
from tests.sandbox.helpers import client_for

ALL_VALUE_TYPES = {
    "ADDRESS",
    "CHECKBOX",
    "CURRENCY",
    "DATETIME",
    "EMAIL",
    "FULL_NAME",
    "MARKDOWN",
    "MULTI_SELECT",
    "NUMBER",
    "SINGLE_SELECT",
    "SOCIAL_HANDLE",
    "TELEPHONE",
    "TEXT",
    "URL",
}


@pytest.mark.parametrize(
    ("collection", "minimum"),
    [("contacts", 2000), ("accounts", 300), ("opportunities", 300), ("members", 15)],
)
def test_the_demo_workspace_is_large_enough(
    reader: httpx.Client, collection: str, minimum: int
) -> None:
    assert reader.get(f"/v1/{collection}").json()["totalCount"] >= minimum


def test_contact_definitions_use_all_fourteen_value_types(reader: httpx.Client) -> None:
    definitions = reader.get("/v1/contacts/definitions").json()["fieldDefinitions"]
    assert {d["valueType"] for d in definitions.values()} == ALL_VALUE_TYPES


def test_every_value_type_occurs_in_seeded_contacts(shared_app: SandboxApp) -> None:
    seen = {
        CONTACT.fields[key].value_type.value
        for record in shared_app.store.all("contact")
        for key in record.fields
    }
    assert seen == ALL_VALUE_TYPES


def test_every_contact_field_is_unset_somewhere(shared_app: SandboxApp) -> None:
    records = shared_app.store.all("contact")
    assert all(any(key not in r.fields for r in records) for key in CONTACT.fields)


def test_contact_definitions_mark_read_only_fields(reader: httpx.Client) -> None:
    definitions = reader.get("/v1/contacts/definitions").json()["fieldDefinitions"]
    read_only = {key for key, d in definitions.items() if d["readOnly"]}
    assert read_only == {"$summary", "enrichment-score"}


def test_contact_definitions_configure_their_types(reader: httpx.Client) -> None:
    definitions = reader.get("/v1/contacts/definitions").json()["fieldDefinitions"]
    assert definitions["$email"]["typeConfiguration"] == {"multipleValues": True, "unique": True}
    assert definitions["deal-size"]["typeConfiguration"] == {"currency": "EUR"}
    assert definitions["$linkedIn"]["typeConfiguration"] == {"handleService": "LINKEDIN"}
    assert definitions["$title"]["typeConfiguration"] == {}
    options = definitions["interests"]["typeConfiguration"]["options"]
    assert len(options) == 12
    assert all(option["id"].startswith("opt_") for option in options)


def test_contact_relationship_definitions_have_filter_slugs(reader: httpx.Client) -> None:
    relationships = reader.get("/v1/contacts/definitions").json()["relationshipDefinitions"]
    assert {
        key: (r["cardinality"], r["objectType"], r["slug"]) for key, r in relationships.items()
    } == {
        "$account": ("HAS_MANY", "account", "$account-contact"),
        "$opportunities": ("HAS_MANY", "opportunity", "$opportunities-contact"),
        "$owner": ("HAS_ONE", "member", "$owner-contact"),
    }


def test_definition_ids_carry_their_prefixes(reader: httpx.Client) -> None:
    body = reader.get("/v1/accounts/definitions").json()
    assert all(d["id"].startswith("ad_") for d in body["fieldDefinitions"].values())
    assert all(d["id"].startswith("rd_") for d in body["relationshipDefinitions"].values())


def test_members_have_exactly_the_fixed_member_shape(reader: httpx.Client) -> None:
    member = reader.get("/v1/members", params={"limit": 1}).json()["data"][0]
    assert member["id"].startswith("mem_")
    assert member["relationships"] == {}
    assert {key: field["valueType"] for key, field in member["fields"].items()} == {
        "$email": "EMAIL",
        "$name": "FULL_NAME",
        "$profileImage": "URL",
        "$role": "TEXT",
    }
    assert isinstance(member["fields"]["$email"]["value"], str)


def seeded_names(app: SandboxApp) -> list[str]:
    return [
        " ".join(filter(None, r.fields["$name"].values()))
        for r in app.store.all("contact")
        if "$name" in r.fields
    ]


@pytest.mark.parametrize("name", ["José Müller", "Zoë Faure", "太郎 山田", "芳 王"])
def test_showcase_names_are_seeded(shared_app: SandboxApp, name: str) -> None:
    assert name in seeded_names(shared_app)


@pytest.mark.parametrize("script", ["ARABIC", "HEBREW", "CJK", "HANGUL", "CYRILLIC", "GREEK"])
def test_names_cover_many_scripts(shared_app: SandboxApp, script: str) -> None:
    assert any(
        any(script in unicodedata.name(ch, "") for ch in name) for name in seeded_names(shared_app)
    )


def test_some_contacts_have_only_a_name(shared_app: SandboxApp) -> None:
    assert any(set(r.fields) == {"$name"} for r in shared_app.store.all("contact"))


def test_some_contacts_have_only_an_email(shared_app: SandboxApp) -> None:
    assert any(set(r.fields) == {"$email"} for r in shared_app.store.all("contact"))


def test_seeded_emails_are_unique(shared_app: SandboxApp) -> None:
    emails = [e for r in shared_app.store.all("contact") for e in r.fields.get("$email", [])]
    assert len(emails) == len({e.casefold() for e in emails})


def test_seeded_phone_numbers_are_already_normalised(shared_app: SandboxApp) -> None:
    phones = [p for r in shared_app.store.all("contact") for p in r.fields.get("$phone", [])]
    assert phones
    assert all(normalise_phone(phone) == phone for phone in phones)


def test_seeded_links_agree_on_both_sides(shared_app: SandboxApp) -> None:
    store = shared_app.store
    for contact in store.all("contact"):
        for account_id in contact.links.get("$account", ()):
            account = store.get("account", account_id)
            assert account is not None
            assert contact.id in account.links["$contact"]
    for opportunity in store.all("opportunity"):
        (account_id,) = opportunity.links["$account"]
        account = store.get("account", account_id)
        assert account is not None
        assert opportunity.id in account.links["$opportunity"]


def test_every_seeded_relationship_key_is_defined(shared_app: SandboxApp) -> None:
    for object_type, schema in SCHEMAS.items():
        for record in shared_app.store.all(object_type):
            assert set(record.links) <= set(schema.relationships)


def test_the_same_seed_gives_the_same_workspace() -> None:
    assert build_workspace(7) == build_workspace(7)


def test_the_same_seed_gives_the_same_first_page() -> None:
    pages = []
    for _ in range(2):
        app = make_app(SandboxConfig(db_path=":memory:", rate_limit=None, seed=11))
        with client_for(app) as http:
            pages.append(http.get("/v1/contacts").json())
        app.close()
    assert pages[0] == pages[1]


def test_a_different_seed_gives_a_different_workspace() -> None:
    first, second = build_workspace(1), build_workspace(2)
    assert [r.id for r in first.records[:10]] != [r.id for r in second.records[:10]]
