"""POST /contacts/search: paging, the 10,000 window, query, filters, sort and the projection."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.highlevel.helpers import LOCATION, search, search_ids


def test_search_pages_through_a_stable_order(hl_reader: httpx.Client) -> None:
    first_fifty = search_ids(hl_reader, page=1, pageLimit=50)
    assert search_ids(hl_reader, page=2, pageLimit=25) == first_fifty[25:50]


def test_the_total_counts_every_match_not_just_the_page(hl_reader: httpx.Client) -> None:
    body = search(hl_reader, pageLimit=10).json()
    assert body["total"] >= 2000
    assert len(body["contacts"]) == 10
    assert body["traceId"]


def test_the_default_order_is_newest_first(hl_reader: httpx.Client) -> None:
    items = search(hl_reader, pageLimit=100).json()["contacts"]
    added = [item["dateAdded"] for item in items]
    assert added == sorted(added, reverse=True)


def test_page_limit_above_500_is_refused_422(hl_reader: httpx.Client) -> None:
    response = search(hl_reader, pageLimit=501)
    assert response.status_code == 422
    assert response.json()["message"] == ["pageLimit must not be greater than 500"]


def test_a_missing_location_is_refused_422_with_a_list_message(hl_reader: httpx.Client) -> None:
    response = hl_reader.post("/contacts/search", json={"pageLimit": 10})
    assert response.status_code == 422
    assert response.json() == {
        "statusCode": 422,
        "message": ["locationId should not be empty"],
        "error": "Unprocessable Entity",
    }


def test_paging_beyond_the_first_ten_thousand_records_is_refused(hl_reader: httpx.Client) -> None:
    assert search(hl_reader, page=20, pageLimit=500).status_code == 200
    response = search(hl_reader, page=21, pageLimit=500)
    assert response.status_code == 400
    assert "searchAfter" in response.json()["message"]


def test_search_after_continues_from_the_last_item(hl_reader: httpx.Client) -> None:
    first = search(hl_reader, pageLimit=30).json()["contacts"]
    after = search_ids(hl_reader, pageLimit=10, searchAfter=first[19]["searchAfter"])
    assert after == [item["id"] for item in first[20:30]]


def test_page_and_search_after_cannot_be_combined(hl_reader: httpx.Client) -> None:
    assert search(hl_reader, page=1, searchAfter=[1, "x"]).status_code == 422


def test_query_matches_names_emails_phones_and_companies(hl_reader: httpx.Client) -> None:
    for query, key in (("müller", "contactName"), ("quartz-networks", "email")):
        items = search(hl_reader, query=query).json()["contacts"]
        assert items
        assert all(query in (item[key] or "").lower() for item in items[:1])
    phone = search(hl_reader, pageLimit=1, filters=[_f("phone", "exists")]).json()["contacts"][0]
    assert phone["id"] in search_ids(hl_reader, query=phone["phone"][-7:])


def test_a_query_longer_than_75_characters_is_refused(hl_reader: httpx.Client) -> None:
    assert search(hl_reader, query="x" * 76).status_code == 422


def _f(field: str, operator: str, value: Any = None) -> dict[str, Any]:
    item = {"field": field, "operator": operator}
    return item if value is None else item | {"value": value}


def _all(http: httpx.Client, *filters: dict[str, Any]) -> list[dict[str, Any]]:
    body = search(http, pageLimit=500, filters=list(filters)).json()
    assert body["total"] <= 500
    items: list[dict[str, Any]] = body["contacts"]
    return items


def test_eq_on_a_lower_case_name_ignores_case(hl_reader: httpx.Client) -> None:
    items = _all(hl_reader, _f("firstNameLowerCase", "eq", "JOSÉ"))
    assert items
    assert {item["firstName"] for item in items} == {"José"}


def test_not_eq_excludes_matches(hl_reader: httpx.Client) -> None:
    total = search(hl_reader).json()["total"]
    dnd = search(hl_reader, filters=[_f("dnd", "eq", True)]).json()["total"]
    not_dnd = search(hl_reader, filters=[_f("dnd", "not_eq", True)]).json()["total"]
    assert dnd > 0
    assert dnd + not_dnd == total


def test_eq_on_tags_finds_contacts_with_that_tag(hl_reader: httpx.Client) -> None:
    items = _all(hl_reader, _f("tags", "eq", "vip"))
    assert items
    assert all("vip" in item["tags"] for item in items)


def test_contains_and_not_contains_on_email(hl_reader: httpx.Client) -> None:
    items = _all(hl_reader, _f("email", "contains", "quartz"))
    assert items
    assert all("quartz" in item["email"] for item in items)
    total = search(hl_reader).json()["total"]
    excluded = search(hl_reader, filters=[_f("email", "not_contains", "quartz")]).json()["total"]
    assert excluded == total - len(items)


def test_contains_refuses_special_characters(hl_reader: httpx.Client) -> None:
    assert search(hl_reader, filters=[_f("email", "contains", "a*b")]).status_code == 422


def test_exists_and_not_exists_split_the_location(hl_reader: httpx.Client) -> None:
    total = search(hl_reader).json()["total"]
    have = search(hl_reader, filters=[_f("phone", "exists")]).json()["total"]
    lack = search(hl_reader, filters=[_f("phone", "not_exists")]).json()["total"]
    assert 0 < have < total
    assert have + lack == total


def test_range_on_date_added_takes_dates_or_epoch_millis(hl_reader: httpx.Client) -> None:
    window = {"gte": "2025-01-01", "lt": "2025-02-01"}
    by_date = search_ids(hl_reader, pageLimit=500, filters=[_f("dateAdded", "range", window)])
    millis = {"gte": 1_735_689_600_000, "lt": 1_738_368_000_000}
    assert by_date
    assert by_date == search_ids(
        hl_reader, pageLimit=500, filters=[_f("dateAdded", "range", millis)]
    )


def test_range_on_a_numeric_custom_field(hl_reader: httpx.Client) -> None:
    definitions = hl_reader.get(f"/locations/{LOCATION}/customFields").json()["customFields"]
    score = next(d["id"] for d in definitions if d["fieldKey"] == "contact.lead_score")
    items = _all(hl_reader, _f(f"customFields.{score}", "range", {"gte": 99}))
    assert items
    for item in items:
        values = {field["id"]: field["value"] for field in item["customFields"]}
        assert values[score] >= 99


def test_or_groups_combine_with_the_top_level_and(hl_reader: httpx.Client) -> None:
    group = {
        "group": "OR",
        "filters": [_f("firstNameLowerCase", "eq", "josé"), _f("lastNameLowerCase", "eq", "faure")],
    }
    items = _all(hl_reader, _f("dnd", "eq", False), group)
    assert items
    assert all(item["firstName"] == "José" or item["lastName"] == "Faure" for item in items)
    assert not any(item["dnd"] for item in items)


def test_unknown_fields_and_operators_are_refused(hl_reader: httpx.Client) -> None:
    assert search(hl_reader, filters=[_f("shoeSize", "eq", "9")]).status_code == 422
    assert search(hl_reader, filters=[_f("email", "starts_with", "a")]).status_code == 422
    unknown = [_f("customFields.NoSuchField000000000", "exists")]
    assert search(hl_reader, filters=unknown).status_code == 422


def test_sort_by_last_name_ascending_puts_missing_values_last(hl_reader: httpx.Client) -> None:
    sort = [{"field": "lastNameLowerCase", "direction": "asc"}]
    items = search(hl_reader, pageLimit=500, sort=sort).json()["contacts"]
    names = [item["lastNameLowerCase"] for item in items]
    assert names == sorted(names)
    tail = search(hl_reader, page=5, pageLimit=500, sort=sort).json()["contacts"]
    assert tail[-1]["lastNameLowerCase"] is None


def test_sort_descending_by_date_updated(hl_reader: httpx.Client) -> None:
    sort = [{"field": "dateUpdated", "direction": "desc"}]
    updated = [item["dateUpdated"] for item in search(hl_reader, sort=sort).json()["contacts"]]
    assert updated == sorted(updated, reverse=True)


def test_an_unknown_sort_field_is_refused(hl_reader: httpx.Client) -> None:
    assert search(hl_reader, sort=[{"field": "tags", "direction": "asc"}]).status_code == 422


def test_search_items_are_a_slimmer_projection_than_the_record(hl_reader: httpx.Client) -> None:
    filters = [_f("dateOfBirth", "exists"), _f("address1", "exists")]
    item = search(hl_reader, pageLimit=1, filters=filters).json()["contacts"][0]
    record = hl_reader.get(f"/contacts/{item['id']}").json()["contact"]
    assert "address" in item
    assert "address1" not in item
    assert record["address1"] == item["address"]
    assert "address" not in record
    assert isinstance(item["dateOfBirth"], int)
    assert isinstance(record["dateOfBirth"], str)
    assert item["contactName"] == record["name"]
    for key in ("businessName", "phoneLabel", "validEmail", "searchAfter", "additionalPhones"):
        assert key in item
        assert key not in record
    assert "emailLowerCase" in record
    assert "emailLowerCase" not in item


def test_search_items_show_absent_values_as_null(hl_reader: httpx.Client) -> None:
    item = search(hl_reader, pageLimit=1, filters=[_f("phone", "not_exists")]).json()["contacts"][0]
    record = hl_reader.get(f"/contacts/{item['id']}").json()["contact"]
    assert item["phone"] is None
    assert "phone" not in record
