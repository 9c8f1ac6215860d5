"""HighLevelClient reads: headers, where locationId goes, search paging and both projections."""

from __future__ import annotations

import httpx
import pytest
import respx

from contacts_ui.crm.errors import ResultWindowError
from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel.mapping import name_of_tag, tag_id
from contacts_ui.crm.models import Filter
from contacts_ui.crm.port import CRM, Sort

from .conftest import LOCATION, TOKEN, body_of, contact_payload

CONTACT = "/contacts/c0000000000000000001"


def search_item(id: str = "c0000000000000000001", **overrides: object) -> dict[str, object]:
    """Return a search item: the slimmer projection HIGHLEVEL.md §4 describes."""
    item: dict[str, object] = {
        "id": id,
        "locationId": LOCATION,
        "contactName": "alex rivera",
        "firstName": "Alex",
        "lastName": "Rivera",
        "email": "alex@customer.com",
        "phone": "+14155550123",
        "address": "500 Market St",
        "city": "San Francisco",
        "dateOfBirth": 654220800000,  # 1990-09-25 in epoch milliseconds
        "businessName": None,
        "tags": ["vip"],
        "followers": [],
        "assignedTo": None,
        "dateAdded": "2026-05-01T16:00:00.000Z",
        "dateUpdated": "2026-05-02T09:12:00.000Z",
        "customFields": [{"id": "cfNumber000000000003", "value": 42}],
        "searchAfter": [1714579200000, id],
    }
    item.update(overrides)
    return item


def test_the_client_implements_the_crm_port(client: HighLevelClient) -> None:
    assert isinstance(client, CRM)
    assert client.name == "highlevel"


def test_every_call_carries_the_bearer_token_and_the_version_header(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.get(CONTACT).mock(
        return_value=httpx.Response(200, json={"contact": contact_payload()})
    )

    client.get_contact("c0000000000000000001")

    for call in [*api.calls]:
        assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert call.request.headers["Version"] == "2021-07-28"
    assert route.called


def test_search_sends_location_id_and_paging_in_the_body(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.post("/contacts/search").mock(
        return_value=httpx.Response(200, json={"contacts": [search_item()], "total": 60})
    )

    page = client.list_contacts(limit=25, offset=25)

    body = body_of(route)
    assert body == {"locationId": LOCATION, "page": 2, "pageLimit": 25}
    assert page.total_count == 60
    assert (page.limit, page.offset) == (25, 25)


def test_an_offset_between_pages_reads_the_two_pages_around_it(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    items = [search_item(f"c{n:019d}") for n in range(20)]
    route = api.post("/contacts/search").mock(
        side_effect=[
            httpx.Response(200, json={"contacts": items[:10], "total": 20}),
            httpx.Response(200, json={"contacts": items[10:], "total": 20}),
        ]
    )

    page = client.list_contacts(limit=10, offset=5)

    assert [body_of(route, i)["page"] for i in range(2)] == [1, 2]
    assert [r.id for r in page.data] == [f"c{n:019d}" for n in range(5, 15)]


def test_paging_past_ten_thousand_records_raises_a_result_window_error_without_a_call(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.post("/contacts/search")

    with pytest.raises(ResultWindowError) as caught:
        client.list_contacts(limit=25, offset=10_000)

    assert caught.value.max_offset == 10_000
    assert not route.called


def test_search_text_filters_and_sort_are_translated(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.post("/contacts/search").mock(
        return_value=httpx.Response(200, json={"contacts": [], "total": 0})
    )
    filters = [
        Filter("$dnd", "equal", "false"),
        Filter("$name", "contains", "Alex"),
        Filter("$email", "contains", "customer", negate=True),
        Filter("cfNumber000000000003", "greaterThanOrEqual", "10"),
        Filter("$tags", "contains", tag_id("hot lead")),
        Filter("$owner", "contains", "user0000000000000001"),
    ]

    client.list_contacts(filters=filters, search="alex", sort=Sort("$dateAdded", descending=True))

    body = body_of(route)
    assert body["query"] == "alex"
    assert body["sort"] == [{"field": "dateAdded", "direction": "desc"}]
    assert body["filters"] == [
        {"field": "dnd", "operator": "eq", "value": False},
        {
            "group": "OR",
            "filters": [
                {"field": "firstNameLowerCase", "operator": "contains", "value": "alex"},
                {"field": "lastNameLowerCase", "operator": "contains", "value": "alex"},
            ],
        },
        {"field": "email", "operator": "not_contains", "value": "customer"},
        {"field": "customFields.cfNumber000000000003", "operator": "range", "value": {"gte": 10}},
        {"field": "tags", "operator": "eq", "value": "hot lead"},
        {"field": "assignedTo", "operator": "eq", "value": "user0000000000000001"},
    ]


def test_a_filter_on_a_field_search_cannot_use_is_refused(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    with pytest.raises(ValueError, match="cannot filter"):
        client.list_contacts(filters=[Filter("$address", "startsWith", "Main")])


def test_a_search_item_and_a_full_record_read_as_the_same_record(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    api.post("/contacts/search").mock(
        return_value=httpx.Response(200, json={"contacts": [search_item()], "total": 1})
    )
    full = contact_payload(customFields=[{"id": "cfNumber000000000003", "value": 42}])
    api.get(CONTACT).mock(return_value=httpx.Response(200, json={"contact": full}))

    listed = client.list_contacts().data[0]
    read = client.get_contact("c0000000000000000001")

    for key in ("$name", "$email", "$phone", "$dateOfBirth", "cfNumber000000000003"):
        assert listed.value(key) == read.value(key), key
    assert listed.value("$address")["street"] == read.value("$address")["street"] == "500 Market St"
    assert read.value("$dateOfBirth") == "1990-09-25T12:00:00+00:00"


def test_a_full_record_maps_every_fixed_property_and_relationship(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    api.get(CONTACT).mock(return_value=httpx.Response(200, json={"contact": contact_payload()}))

    record = client.get_contact("c0000000000000000001")

    assert record.value("$name") == {"firstName": "Alex", "lastName": "Rivera"}
    assert record.value("$address") == {
        "street": "500 Market St",
        "city": "San Francisco",
        "state": "CA",
        "postalCode": "94105",
        "country": "US",
    }
    assert record.value("$timezone") == "America/Los_Angeles"
    assert record.value("$dnd") is False
    assert record.value("cfText00000000000001") == "Head of Sales"
    assert record.updated_at_raw == "2026-05-02T09:12:00.000Z"
    assert record.http_link is None
    assert record.related_ids("$owner") == ("user0000000000000001",)
    assert record.related_ids("$followers") == ("user0000000000000002",)
    assert [name_of_tag(i) for i in record.related_ids("$tags")] == ["vip", "hot lead"]


def test_tag_ids_are_id_shaped_and_turn_back_into_their_names() -> None:
    for name in ("hot lead", "日本市場", "win-back"):
        assert name_of_tag(tag_id(name)) == name
        assert tag_id(name).replace("_", "").replace("-", "").isalnum()


def test_the_duplicate_lookup_sends_location_id_and_email_in_the_query(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.get("/contacts/search/duplicate").mock(
        return_value=httpx.Response(200, json={"contact": contact_payload()})
    )

    found = client.find_contacts_by_email("a+b@customer.com")

    params = route.calls[0].request.url.params
    assert params["locationId"] == LOCATION
    assert params["email"] == "a+b@customer.com"
    assert "%2B" in str(route.calls[0].request.url)
    assert [r.id for r in found] == ["c0000000000000000001"]


def test_no_duplicate_reads_as_an_empty_list(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    api.get("/contacts/search/duplicate").mock(
        return_value=httpx.Response(200, json={"contact": None})
    )

    assert client.find_contacts_by_email("nobody@example.com") == []


def test_members_come_from_the_users_of_the_location(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    users = [{"id": "user0000000000000001", "firstName": "Mia", "lastName": "Schneider",
              "email": "mia@agency.example"}]  # fmt: skip
    route = api.get("/users/").mock(return_value=httpx.Response(200, json={"users": users}))

    members = client.members()

    assert route.calls[0].request.url.params["locationId"] == LOCATION
    assert members[0].display_name == "Mia Schneider"
    assert members[0].value("$email") == ["mia@agency.example"]
    assert client.get_related("member", "user0000000000000001").display_name == "Mia Schneider"
    assert [m.id for m in client.search_related("member", "schn")] == ["user0000000000000001"]


def test_tags_are_searched_from_the_location_tag_list_fetched_once(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    tags = [{"id": "t1", "name": "hot lead", "locationId": LOCATION},
            {"id": "t2", "name": "vip", "locationId": LOCATION}]  # fmt: skip
    route = api.get(f"/locations/{LOCATION}/tags").mock(
        return_value=httpx.Response(200, json={"tags": tags})
    )

    first = client.search_related("tag", "lea")
    second = client.search_related("tag", "v")

    assert [t.display_name for t in first] == ["hot lead"]
    assert [t.display_name for t in second] == ["vip"]
    assert route.call_count == 1
    assert client.get_related("tag", tag_id("vip")).display_name == "vip"


def test_accounts_and_opportunities_do_not_exist_on_highlevel(client: HighLevelClient) -> None:
    for object_type in ("accounts", "opportunities"):
        with pytest.raises(ValueError, match="no definitions"):
            client.definitions(object_type)
