"""limit/offset pagination and the list envelope."""

from __future__ import annotations

import httpx
import pytest


def test_list_defaults_to_25_records_and_counts_all_matches(reader: httpx.Client) -> None:
    body = reader.get("/v1/contacts").json()
    assert body["object"] == "list"
    assert len(body["data"]) == 25
    assert body["totalCount"] == 2143


@pytest.mark.parametrize("limit", ["26", "100", "9007199254740991"])
def test_limit_above_25_is_clamped_to_25(reader: httpx.Client, limit: str) -> None:
    response = reader.get("/v1/contacts", params={"limit": limit})
    assert response.status_code == 200
    assert len(response.json()["data"]) == 25


def test_limit_zero_is_clamped_to_one(reader: httpx.Client) -> None:
    assert len(reader.get("/v1/contacts", params={"limit": 0}).json()["data"]) == 1


def test_small_limit_returns_that_many_records(reader: httpx.Client) -> None:
    assert len(reader.get("/v1/accounts", params={"limit": 3}).json()["data"]) == 3


def test_empty_limit_and_offset_mean_the_defaults(reader: httpx.Client) -> None:
    body = reader.get("/v1/contacts?limit=&offset=").json()
    assert len(body["data"]) == 25


def test_offset_skips_records(reader: httpx.Client) -> None:
    everything = reader.get("/v1/accounts", params={"limit": 10}).json()["data"]
    page = reader.get("/v1/accounts", params={"limit": 5, "offset": 5}).json()["data"]
    assert [r["id"] for r in page] == [r["id"] for r in everything[5:]]


def test_offset_past_the_end_returns_an_empty_page_with_the_total(reader: httpx.Client) -> None:
    body = reader.get("/v1/contacts", params={"offset": 5000}).json()
    assert body == {"object": "list", "data": [], "totalCount": 2143}


def test_paging_through_visits_every_record_once(reader: httpx.Client) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        page = reader.get("/v1/accounts", params={"offset": offset}).json()["data"]
        seen += [record["id"] for record in page]
        if len(page) < 25:
            break
        offset += 25
    assert len(seen) == len(set(seen)) == 320


def test_list_is_ordered_newest_first(reader: httpx.Client) -> None:
    created = [r["createdAt"] for r in reader.get("/v1/contacts").json()["data"]]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize(("name", "value"), [("limit", "abc"), ("limit", "2.5"), ("limit", "-1")])
def test_invalid_limit_is_a_bad_request_naming_it(
    reader: httpx.Client, name: str, value: str
) -> None:
    response = reader.get("/v1/contacts", params={name: value})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["param"]) == ("invalid_type", "limit")


def test_negative_offset_is_a_bad_request(reader: httpx.Client) -> None:
    response = reader.get("/v1/contacts", params={"offset": -25})
    assert (response.status_code, response.json()["param"]) == (400, "offset")


def test_members_are_paginated(reader: httpx.Client) -> None:
    body = reader.get("/v1/members", params={"limit": 5, "offset": 15}).json()
    assert (len(body["data"]), body["totalCount"]) == (3, 18)


def test_members_cannot_be_filtered(reader: httpx.Client) -> None:
    response = reader.get("/v1/members", params={"$email": "alex"})
    assert (response.status_code, response.json()["param"]) == (400, "$email")
