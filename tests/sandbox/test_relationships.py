"""Relationship writes: create ids, update operations, inverse sides, limits and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox.app import SandboxApp
from tests.sandbox.helpers import client_for


def ids(http: httpx.Client, collection: str, count: int, offset: int = 0) -> list[str]:
    """Return `count` existing ids of a collection (count may exceed one page)."""
    found: list[str] = []
    while len(found) < count:
        page = http.get(f"/v1/{collection}", params={"offset": offset + len(found)}).json()
        found += [record["id"] for record in page["data"]]
    return found[:count]


def links(http: httpx.Client, collection: str, record_id: str, key: str) -> list[str]:
    record = http.get(f"/v1/{collection}/{record_id}").json()
    return list(record["relationships"][key]["values"])


def new_contact(http: httpx.Client, relationships: dict[str, Any] | None = None) -> str:
    response = http.post("/v1/contacts", json={"fields": {}, "relationships": relationships or {}})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def update(http: httpx.Client, contact_id: str, relationships: dict[str, Any]) -> httpx.Response:
    return http.post(f"/v1/contacts/{contact_id}", json={"relationships": relationships})


def error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["param"]


def test_create_links_a_single_account_id(client: httpx.Client) -> None:
    (account,) = ids(client, "accounts", 1)
    contact = new_contact(client, {"$account": account})
    assert links(client, "contacts", contact, "$account") == [account]


def test_create_links_a_list_of_account_ids_in_order(client: httpx.Client) -> None:
    accounts = ids(client, "accounts", 3)
    contact = new_contact(client, {"$account": accounts})
    assert links(client, "contacts", contact, "$account") == accounts


def test_a_created_link_shows_on_the_account_too(client: httpx.Client) -> None:
    (account,) = ids(client, "accounts", 1)
    contact = new_contact(client, {"$account": account})
    assert contact in links(client, "accounts", account, "$contact")


def test_records_show_every_relationship_with_its_cardinality(client: httpx.Client) -> None:
    record = client.get(f"/v1/contacts/{new_contact(client)}").json()
    assert record["relationships"] == {
        "$account": {"cardinality": "has_many", "objectType": "account", "values": []},
        "$opportunities": {"cardinality": "has_many", "objectType": "opportunity", "values": []},
        "$owner": {"cardinality": "has_one", "objectType": "member", "values": []},
    }


def test_add_links_another_account_on_both_sides(client: httpx.Client) -> None:
    first, second = ids(client, "accounts", 2)
    contact = new_contact(client, {"$account": first})
    update(client, contact, {"$account": {"add": second}})
    assert links(client, "contacts", contact, "$account") == [first, second]
    assert contact in links(client, "accounts", second, "$contact")


def test_adding_an_existing_link_changes_nothing(client: httpx.Client) -> None:
    (account,) = ids(client, "accounts", 1)
    contact = new_contact(client, {"$account": account})
    update(client, contact, {"$account": {"add": [account]}})
    assert links(client, "contacts", contact, "$account") == [account]


def test_remove_unlinks_on_both_sides(client: httpx.Client) -> None:
    first, second = ids(client, "accounts", 2)
    contact = new_contact(client, {"$account": [first, second]})
    update(client, contact, {"$account": {"remove": first}})
    assert links(client, "contacts", contact, "$account") == [second]
    assert contact not in links(client, "accounts", first, "$contact")


def test_replace_swaps_the_whole_set(client: httpx.Client) -> None:
    first, second, third = ids(client, "accounts", 3)
    contact = new_contact(client, {"$account": [first, second]})
    update(client, contact, {"$account": {"replace": [third]}})
    assert links(client, "contacts", contact, "$account") == [third]
    assert contact not in links(client, "accounts", first, "$contact")


def test_replace_with_null_clears_the_relationship(client: httpx.Client) -> None:
    accounts = ids(client, "accounts", 2)
    contact = new_contact(client, {"$account": accounts})
    response = update(client, contact, {"$account": {"replace": None}})
    assert response.json()["relationships"]["$account"]["values"] == []


def test_replace_sets_a_has_one_owner(client: httpx.Client) -> None:
    first, second = ids(client, "members", 2)
    contact = new_contact(client, {"$owner": first})
    update(client, contact, {"$owner": {"replace": second}})
    assert links(client, "contacts", contact, "$owner") == [second]


def test_members_show_no_relationships(client: httpx.Client) -> None:
    (member,) = ids(client, "members", 1)
    new_contact(client, {"$owner": member})
    assert client.get(f"/v1/members/{member}").json()["relationships"] == {}


def test_a_has_one_relationship_takes_a_single_id(client: httpx.Client) -> None:
    members = ids(client, "members", 2)
    response = client.post(
        "/v1/contacts", json={"fields": {}, "relationships": {"$owner": members}}
    )
    assert error(response) == (400, "invalid_type", "relationships.$owner")


def test_adding_a_second_owner_is_rejected(client: httpx.Client) -> None:
    first, second = ids(client, "members", 2)
    contact = new_contact(client, {"$owner": first})
    assert error(update(client, contact, {"$owner": {"add": second}}))[2] == "relationships.$owner"


def test_an_unknown_relationship_is_rejected(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json={"fields": {}, "relationships": {"$pets": "x"}})
    assert error(response) == (400, "unknown_relationship", "relationships.$pets")


def test_a_read_only_relationship_is_rejected(client: httpx.Client) -> None:
    (account,) = ids(client, "accounts", 1)
    (opportunity,) = ids(client, "opportunities", 1)
    response = client.post(
        f"/v1/accounts/{account}", json={"relationships": {"$opportunity": {"add": opportunity}}}
    )
    assert error(response) == (400, "read_only_relationship", "relationships.$opportunity")


def test_a_missing_id_is_relationship_entity_missing(client: httpx.Client) -> None:
    response = client.post(
        "/v1/contacts", json={"fields": {}, "relationships": {"$account": "acc_missing"}}
    )
    assert error(response) == (400, "relationship_entity_missing", "relationships.$account")


def test_an_id_of_the_wrong_type_is_relationship_entity_missing(client: httpx.Client) -> None:
    (member,) = ids(client, "members", 1)
    contact = new_contact(client)
    response = update(client, contact, {"$account": {"add": member}})
    assert error(response) == (400, "relationship_entity_missing", "relationships.$account")


@pytest.mark.parametrize(
    "operation",
    [{}, {"add": "x", "remove": "y"}, {"merge": "x"}, "acc_1", {"add": 5}, {"remove": None}],
)
def test_an_update_needs_exactly_one_valid_operation(client: httpx.Client, operation: Any) -> None:
    contact = new_contact(client)
    response = update(client, contact, {"$account": operation})
    assert error(response) == (400, "invalid_type", "relationships.$account")


def test_create_takes_ids_not_operations(client: httpx.Client) -> None:
    response = client.post(
        "/v1/contacts", json={"fields": {}, "relationships": {"$account": {"add": "acc_1"}}}
    )
    assert error(response) == (400, "invalid_type", "relationships.$account")


def test_exactly_25_referenced_ids_are_accepted(client: httpx.Client) -> None:
    contact = new_contact(client, {"$account": ids(client, "accounts", 25)})
    assert len(links(client, "contacts", contact, "$account")) == 25


def test_more_than_25_referenced_ids_are_unprocessable(client: httpx.Client) -> None:
    response = client.post(
        "/v1/contacts",
        json={"fields": {}, "relationships": {"$account": ids(client, "accounts", 26)}},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "relationship_write_limit_exceeded"


def test_the_id_limit_counts_across_relationships(client: httpx.Client) -> None:
    (member,) = ids(client, "members", 1)
    response = client.post(
        "/v1/contacts",
        json={
            "fields": {},
            "relationships": {"$account": ids(client, "accounts", 25), "$owner": member},
        },
    )
    assert response.status_code == 422


def test_more_than_25_link_changes_are_unprocessable(client: httpx.Client) -> None:
    accounts = ids(client, "accounts", 26)
    contact = new_contact(client, {"$account": accounts[:25]})
    # Replacing 25 links with one other id removes 25 links and adds one: 26 changes.
    response = update(client, contact, {"$account": {"replace": accounts[25]}})
    assert response.status_code == 422
    assert links(client, "contacts", contact, "$account") == accounts[:25]


def test_an_opportunity_cannot_lose_its_account(client: httpx.Client) -> None:
    (opportunity,) = ids(client, "opportunities", 1)
    response = client.post(
        f"/v1/opportunities/{opportunity}", json={"relationships": {"$account": {"replace": None}}}
    )
    assert error(response) == (400, "relationship_required", "relationships.$account")


def test_moving_an_opportunity_updates_both_accounts(client: httpx.Client) -> None:
    opportunity = client.get("/v1/opportunities", params={"limit": 1}).json()["data"][0]
    old_account = opportunity["relationships"]["$account"]["values"][0]
    new_account = next(a for a in ids(client, "accounts", 2) if a != old_account)
    client.post(
        f"/v1/opportunities/{opportunity['id']}",
        json={"relationships": {"$account": {"replace": new_account}}},
    )
    assert opportunity["id"] not in links(client, "accounts", old_account, "$opportunity")
    assert opportunity["id"] in links(client, "accounts", new_account, "$opportunity")


def test_linking_a_contact_to_an_opportunity_shows_on_the_contact(client: httpx.Client) -> None:
    (opportunity,) = ids(client, "opportunities", 1)
    contact = new_contact(client)
    client.post(
        f"/v1/opportunities/{opportunity}", json={"relationships": {"$contact": {"add": contact}}}
    )
    assert links(client, "contacts", contact, "$opportunities") == [opportunity]


def test_champion_is_a_has_one_contact(client: httpx.Client) -> None:
    (opportunity,) = ids(client, "opportunities", 1)
    contact = new_contact(client)
    response = client.post(
        f"/v1/opportunities/{opportunity}",
        json={"relationships": {"$champion": {"replace": contact}}},
    )
    assert response.json()["relationships"]["$champion"] == {
        "cardinality": "has_one",
        "objectType": "contact",
        "values": [contact],
    }


def test_account_contacts_can_be_written_from_the_account(client: httpx.Client) -> None:
    (account,) = ids(client, "accounts", 1)
    contact = new_contact(client)
    client.post(f"/v1/accounts/{account}", json={"relationships": {"$contact": {"add": contact}}})
    assert links(client, "contacts", contact, "$account") == [account]


def test_relationship_changes_survive_a_restart(
    build_sandbox: Callable[..., SandboxApp], client: httpx.Client
) -> None:
    first, second = ids(client, "accounts", 2)
    contact = new_contact(client, {"$account": first})
    update(client, contact, {"$account": {"add": second}})
    restarted: SandboxApp = build_sandbox()
    with client_for(restarted) as http:
        assert links(http, "contacts", contact, "$account") == [first, second]
        assert contact in links(http, "accounts", second, "$contact")
