"""Create, update, delete, duplicate rules, tags and followers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.highlevel.helpers import LOCATION, create, search


def _first(http: httpx.Client, **filters: Any) -> dict[str, Any]:
    body = [{"field": k, "operator": "exists"} for k in filters] if filters else []
    item: dict[str, Any] = search(http, pageLimit=1, filters=body).json()["contacts"][0]
    return item


def _users(http: httpx.Client) -> list[str]:
    return [
        user["id"] for user in http.get("/users/", params={"locationId": LOCATION}).json()["users"]
    ]


def test_create_answers_201_with_the_create_projection(hl: httpx.Client) -> None:
    contact = create(
        hl, firstName="Zoë", lastName="Faure", email="Zoe.New@Example.org",
        phone="+1 415-555-0177", dateOfBirth="09/25/1990", tags=["Prospect", "prospect "],
    )  # fmt: skip
    assert contact["firstNameLowerCase"] == "zoë"
    assert contact["emailLowerCase"] == "zoe.new@example.org"
    assert contact["phone"] == "+14155550177"
    assert contact["tags"] == ["prospect"]
    assert (contact["dateOfBirth"], contact["birthMonth"], contact["birthDay"]) == (
        "1990-09-25T00:00:00.000Z",
        8,
        25,
    )
    assert contact["locationId"] == LOCATION
    fetched = hl.get(f"/contacts/{contact['id']}").json()["contact"]
    assert fetched["dateOfBirth"] == "1990-09-25"
    assert fetched["name"] == "Zoë Faure"


def test_a_new_contact_appears_first_in_search(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Newest")
    assert search(hl, pageLimit=1).json()["contacts"][0]["id"] == contact["id"]


def test_create_without_location_is_refused_422(hl: httpx.Client) -> None:
    response = hl.post("/contacts/", json={"firstName": "A"})
    assert response.status_code == 422
    assert response.json()["message"] == ["locationId should not be empty"]


def test_create_refuses_unknown_and_read_only_properties(hl: httpx.Client) -> None:
    response = hl.post(
        "/contacts/", json={"locationId": LOCATION, "firstNameLowerCase": "a", "id": "x"}
    )
    assert response.status_code == 422
    assert response.json()["message"] == [
        "property firstNameLowerCase should not exist",
        "property id should not exist",
    ]


def test_create_reports_every_invalid_value_at_once(hl: httpx.Client) -> None:
    body = {"locationId": LOCATION, "email": "nope", "phone": "12", "dnd": "yes"}
    response = hl.post("/contacts/", json=body)
    assert response.status_code == 422
    assert len(response.json()["message"]) == 3


def test_create_with_an_existing_email_is_refused_400_naming_the_contact(hl: httpx.Client) -> None:
    existing = _first(hl, email=True)
    response = hl.post(
        "/contacts/", json={"locationId": LOCATION, "email": existing["email"].upper()}
    )
    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "message": "This location does not allow duplicated contacts.",
        "meta": {
            "contactName": existing["contactName"] or "",
            "contactId": existing["id"],
            "matchingField": "email",
        },
    }


def test_create_with_an_existing_phone_is_refused_400(hl: httpx.Client) -> None:
    existing = _first(hl, phone=True)
    response = hl.post("/contacts/", json={"locationId": LOCATION, "phone": existing["phone"]})
    assert response.status_code == 400
    assert response.json()["meta"]["matchingField"] == "phone"
    assert response.json()["meta"]["contactId"] == existing["id"]


def test_duplicate_lookup_by_email_or_number(hl: httpx.Client) -> None:
    existing = _first(hl, email=True, phone=True)
    params = {"locationId": LOCATION}
    by_email = hl.get("/contacts/search/duplicate", params=params | {"email": existing["email"]})
    by_phone = hl.get("/contacts/search/duplicate", params=params | {"number": existing["phone"]})
    assert by_email.json()["contact"]["id"] == existing["id"]
    assert by_phone.json()["contact"]["id"] == existing["id"]
    nobody = hl.get("/contacts/search/duplicate", params=params | {"email": "no@one.example"})
    assert nobody.json() == {"contact": None}


def test_duplicate_lookup_needs_an_email_or_a_number(hl: httpx.Client) -> None:
    response = hl.get("/contacts/search/duplicate", params={"locationId": LOCATION})
    assert response.status_code == 400
    assert response.json()["message"] == "Pass at least one of number, email query parameter"


def test_put_answers_succeded_and_the_full_record(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Before")
    response = hl.put(f"/contacts/{contact['id']}", json={"firstName": "After", "city": "Kraków"})
    assert response.status_code == 200
    body = response.json()
    assert body["succeded"] is True
    assert (body["contact"]["firstName"], body["contact"]["city"]) == ("After", "Kraków")
    assert body["contact"]["dateUpdated"] > contact["dateUpdated"]


@pytest.mark.parametrize(
    "key", ["locationId", "companyName", "gender", "emailLowerCase", "keyword", "type"]
)
def test_put_refuses_properties_outside_the_update_allow_list(hl: httpx.Client, key: str) -> None:
    contact = create(hl, firstName="Strict")
    response = hl.put(f"/contacts/{contact['id']}", json={key: "x", "firstName": "Y"})
    assert response.status_code == 422
    assert response.json() == {
        "statusCode": 422,
        "message": [f"property {key} should not exist"],
        "error": "Unprocessable Entity",
    }
    assert hl.get(f"/contacts/{contact['id']}").json()["contact"]["firstName"] == "Strict"


def test_put_reports_only_that_a_stray_property_should_not_exist(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Strict")
    response = hl.put(f"/contacts/{contact['id']}", json={"companyName": 5})
    assert response.json()["message"] == ["property companyName should not exist"]


def test_put_null_clears_a_field(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Clear", city="Oslo")
    updated = hl.put(f"/contacts/{contact['id']}", json={"city": None}).json()["contact"]
    assert "city" not in updated


def test_put_to_another_contacts_email_is_refused(hl: httpx.Client) -> None:
    existing = _first(hl, email=True)
    contact = create(hl, firstName="Copycat")
    response = hl.put(f"/contacts/{contact['id']}", json={"email": existing["email"]})
    assert response.status_code == 400
    assert response.json()["meta"]["contactId"] == existing["id"]


def test_tags_in_a_put_replace_all_tags(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Tagged", tags=["vip", "emea"])
    updated = hl.put(f"/contacts/{contact['id']}", json={"tags": ["apac"]}).json()["contact"]
    assert updated["tags"] == ["apac"]


def test_the_tag_endpoints_add_and_remove_without_touching_other_tags(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Tagged", tags=["vip"])
    added = hl.post(f"/contacts/{contact['id']}/tags", json={"tags": ["EMEA", "vip"]})
    assert added.status_code == 201
    assert added.json() == {"tags": ["vip", "emea"]}
    removed = hl.request("DELETE", f"/contacts/{contact['id']}/tags", json={"tags": ["vip"]})
    assert removed.status_code == 200
    assert removed.json() == {"tags": ["emea"]}
    assert hl.get(f"/contacts/{contact['id']}").json()["contact"]["tags"] == ["emea"]


def test_a_new_tag_joins_the_locations_tag_list(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Pioneer")
    hl.post(f"/contacts/{contact['id']}/tags", json={"tags": ["Brand New Tag"]})
    names = [tag["name"] for tag in hl.get(f"/locations/{LOCATION}/tags").json()["tags"]]
    assert "brand new tag" in names


def test_followers_are_added_and_removed_by_user_id(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Followed")
    first, second = _users(hl)[:2]
    path = f"/contacts/{contact['id']}/followers"
    added = hl.post(path, json={"followers": [first, second]})
    assert added.status_code == 201
    assert added.json() == {"followers": [first, second], "followersAdded": [first, second]}
    again = hl.post(path, json={"followers": [first]}).json()
    assert again == {"followers": [first, second], "followersAdded": []}
    removed = hl.request("DELETE", path, json={"followers": [first]})
    assert removed.json() == {"followers": [second], "followersRemoved": [first]}
    item = search(hl, pageLimit=1).json()["contacts"][0]
    assert item["followers"] == [second]


def test_followers_must_be_users_of_the_location(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Followed")
    path = f"/contacts/{contact['id']}/followers"
    assert hl.post(path, json={"followers": ["NotAUser"]}).status_code == 422


def test_assigned_to_takes_a_user_id_and_null_on_put(hl: httpx.Client) -> None:
    owner = _users(hl)[3]
    contact = create(hl, firstName="Owned", assignedTo=owner)
    assert contact["assignedTo"] == owner
    updated = hl.put(f"/contacts/{contact['id']}", json={"assignedTo": None}).json()["contact"]
    assert "assignedTo" not in updated
    bad = hl.put(f"/contacts/{contact['id']}", json={"assignedTo": "nobody"})
    assert bad.status_code == 422


def test_delete_removes_the_contact(hl: httpx.Client) -> None:
    contact = create(hl, firstName="Doomed", email="doomed@example.org")
    response = hl.delete(f"/contacts/{contact['id']}")
    assert response.json() == {"succeded": True}
    assert hl.get(f"/contacts/{contact['id']}").status_code == 404
    create(hl, firstName="Reborn", email="doomed@example.org")


def test_a_refused_create_changes_nothing(hl: httpx.Client) -> None:
    existing = _first(hl, email=True)
    before = search(hl).json()["total"]
    body = {"locationId": LOCATION, "email": existing["email"], "tags": ["never seen"]}
    assert hl.post("/contacts/", json=body).status_code == 400
    assert search(hl).json()["total"] == before
    names = [tag["name"] for tag in hl.get(f"/locations/{LOCATION}/tags").json()["tags"]]
    assert "never seen" not in names
