"""List filters: every operator per value type, negation, defaults and the 400s.

Most tests create a handful of contacts tagged with a unique job title and AND that title with the
filter under test, so expectations do not depend on the random demo data.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import create_contact, first_id

TAG = "Filter fixture"


def tagged(http: httpx.Client, **fields: Any) -> str:
    """Create a contact carrying the test tag and return its id."""
    return str(create_contact(http, **{"$title": TAG, **fields})["id"])


def matching(http: httpx.Client, params: dict[str, str], *, tag: bool = True) -> set[str]:
    """Return the ids a filtered list returns (restricted to tagged contacts by default)."""
    query = ({"$title[equal]": TAG} if tag else {}) | params
    response = http.get("/v1/contacts", params=query)
    assert response.status_code == 200, response.text
    return {record["id"] for record in response.json()["data"]}


def total(http: httpx.Client, params: dict[str, str]) -> int:
    return int(http.get("/v1/contacts", params=params).json()["totalCount"])


def error(http: httpx.Client, params: dict[str, str]) -> tuple[int, str, str]:
    response = http.get("/v1/contacts", params=params)
    body = response.json()
    return response.status_code, body["code"], body["param"]


# -- TEXT --------------------------------------------------------------------------------------


def test_text_equal_matches_the_whole_value_ignoring_case(client: httpx.Client) -> None:
    wanted = tagged(client)
    assert matching(client, {"$title[equal]": TAG.upper()}, tag=False) == {wanted}


def test_text_starts_with_matches_a_prefix(client: httpx.Client) -> None:
    wanted = tagged(client)
    assert wanted in matching(client, {"$title[startsWith]": "filter fix"}, tag=False)


def test_bare_key_means_equal_for_text(client: httpx.Client) -> None:
    wanted = tagged(client)
    assert matching(client, {"$title": TAG}, tag=False) == {wanted}


def test_negated_equal_returns_every_other_record(client: httpx.Client) -> None:
    tagged(client)
    everyone = total(client, {})
    assert total(client, {"$title[-equal]": TAG}) == everyone - 1


def test_empty_starts_with_matches_records_where_the_field_is_set(client: httpx.Client) -> None:
    with_profile = tagged(client, **{"$linkedIn": "https://linkedin.com/in/tagged"})
    tagged(client)
    assert matching(client, {"$linkedIn[startsWith]": ""}) == {with_profile}


def test_negated_empty_starts_with_matches_unset_fields(client: httpx.Client) -> None:
    unset = tagged(client)
    assert matching(client, {"$linkedIn[-startsWith]": ""}) == {unset}


# -- FULL_NAME ---------------------------------------------------------------------------------


def test_full_name_starts_with_compares_against_first_then_last_name(
    client: httpx.Client,
) -> None:
    wanted = tagged(client, **{"$name": {"firstName": "José", "lastName": "Müller"}})
    assert matching(client, {"$name[startsWith]": "josé mü"}) == {wanted}


def test_full_name_starts_with_does_not_match_the_last_name_alone(client: httpx.Client) -> None:
    tagged(client, **{"$name": {"firstName": "José", "lastName": "Müller"}})
    assert matching(client, {"$name[startsWith]": "Müller"}) == set()


def test_full_name_equal_matches_first_and_last_name(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$name": {"firstName": "太郎", "lastName": "山田"}})
    assert matching(client, {"$name[equal]": "太郎 山田"}) == {wanted}


def test_full_name_with_only_a_first_name_matches_that_name(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$name": {"firstName": "Zoë"}})
    assert matching(client, {"$name": "zoë"}) == {wanted}


def test_demo_workspace_finds_jose_mueller_by_prefix(reader: httpx.Client) -> None:
    names = [
        record["fields"]["$name"]["value"]
        for record in reader.get("/v1/contacts", params={"$name[startsWith]": "José Mü"}).json()[
            "data"
        ]
    ]
    assert {"firstName": "José", "lastName": "Müller"} in names


# -- NUMBER and CURRENCY -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("equal", {20}),
        ("greaterThan", {30}),
        ("greaterThanOrEqual", {20, 30}),
        ("lessThan", {10}),
        ("lessThanOrEqual", {10, 20}),
        ("-equal", {10, 30, None}),
    ],
)
def test_number_operators_compare_numerically(
    client: httpx.Client, operator: str, expected: set[int | None]
) -> None:
    ids = {score: tagged(client, **{"lead-score": score}) for score in (10, 20, 30, None)}
    found = matching(client, {f"lead-score[{operator}]": "20"})
    assert found == {ids[score] for score in expected}


def test_currency_filters_compare_amounts(client: httpx.Client) -> None:
    small = tagged(client, **{"deal-size": 999.99})
    tagged(client, **{"deal-size": 1000})
    assert matching(client, {"deal-size[lessThan]": "1000"}) == {small}


def test_number_filter_with_a_non_number_is_a_bad_request(client: httpx.Client) -> None:
    assert error(client, {"lead-score[greaterThan]": "high"}) == (400, "invalid_type", "lead-score")


# -- DATETIME ----------------------------------------------------------------------------------


def test_datetime_range_filters_compare_instants(client: httpx.Client) -> None:
    early = tagged(client, **{"last-contacted": "2026-01-10T09:00:00+01:00"})
    late = tagged(client, **{"last-contacted": "2026-02-10T09:00:00Z"})
    assert matching(client, {"last-contacted[greaterThan]": "2026-02-01T00:00:00Z"}) == {late}
    assert matching(client, {"last-contacted[lessThanOrEqual]": "2026-01-10T08:00:00Z"}) == {early}


def test_datetime_filter_accepts_a_bare_date_as_midnight_utc(client: httpx.Client) -> None:
    wanted = tagged(client, **{"last-contacted": "2026-01-10T00:00:00Z"})
    assert matching(client, {"last-contacted[equal]": "2026-01-10"}) == {wanted}


def test_datetime_filter_with_a_bad_value_is_a_bad_request(client: httpx.Client) -> None:
    assert error(client, {"last-contacted[lessThan]": "yesterday"})[:2] == (400, "invalid_type")


# -- CHECKBOX and SINGLE_SELECT ----------------------------------------------------------------


def test_checkbox_equal_true_matches_ticked_boxes(client: httpx.Client) -> None:
    ticked = tagged(client, newsletter=True)
    tagged(client, newsletter=False)
    assert matching(client, {"newsletter[equal]": "true"}) == {ticked}


def test_checkbox_false_also_matches_unset_boxes(client: httpx.Client) -> None:
    tagged(client, newsletter=True)
    unticked = tagged(client, newsletter=False)
    unset = tagged(client)
    assert matching(client, {"newsletter": "false"}) == {unticked, unset}


def test_checkbox_filter_needs_true_or_false(client: httpx.Client) -> None:
    assert error(client, {"$doNotContact": "yes"}) == (400, "invalid_type", "$doNotContact")


def test_single_select_filters_by_option_id(client: httpx.Client, reader: httpx.Client) -> None:
    options = reader.get("/v1/contacts/definitions").json()["fieldDefinitions"]["lifecycle-stage"][
        "typeConfiguration"
    ]["options"]
    lead = tagged(client, **{"lifecycle-stage": options[0]["id"]})
    tagged(client, **{"lifecycle-stage": options[1]["id"]})
    assert matching(client, {"lifecycle-stage[equal]": options[0]["id"]}) == {lead}


def test_single_select_filters_by_option_label(client: httpx.Client, reader: httpx.Client) -> None:
    options = reader.get("/v1/contacts/definitions").json()["fieldDefinitions"]["lifecycle-stage"][
        "typeConfiguration"
    ]["options"]
    customer = next(o["id"] for o in options if o["label"] == "Customer")
    wanted = tagged(client, **{"lifecycle-stage": customer})
    assert matching(client, {"lifecycle-stage": "customer"}) == {wanted}


def test_single_select_with_an_unknown_option_matches_nothing(client: httpx.Client) -> None:
    tagged(client)
    assert matching(client, {"lifecycle-stage": "opt_unknown"}) == set()


# -- EMAIL, TELEPHONE, URL ---------------------------------------------------------------------


def test_email_contains_matches_any_of_the_addresses(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$email": ["first@one.example", "Second@Two.example"]})
    assert matching(client, {"$email[contains]": "second@two"}) == {wanted}


def test_bare_email_key_means_contains(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$email": ["find.me@tagged.example"]})
    assert matching(client, {"$email": "find.me@"}, tag=False) == {wanted}


def test_email_does_not_support_equal(client: httpx.Client) -> None:
    assert error(client, {"$email[equal]": "a@b.example"}) == (400, "invalid_filter", "$email")


def test_telephone_contains_compares_digits_only(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$phone": ["+1 415 555 0199"]})
    assert matching(client, {"$phone[contains]": "(415) 555-01"}) == {wanted}


def test_url_contains_matches_a_substring(client: httpx.Client) -> None:
    wanted = tagged(client, website="https://www.tagged-site.example/about")
    assert matching(client, {"website[contains]": "TAGGED-SITE"}) == {wanted}


# -- ADDRESS and SOCIAL_HANDLE -----------------------------------------------------------------


def test_address_equal_matches_any_one_part(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$address": {"city": "Köln", "country": "DE"}})
    tagged(client, **{"$address": {"city": "Paris", "country": "FR"}})
    assert matching(client, {"$address": "köln"}) == {wanted}
    assert matching(client, {"$address[equal]": "de"}) == {wanted}


def test_address_starts_with_matches_a_part_prefix(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$address": {"street": "Friedrichstraße 12", "country": "DE"}})
    assert matching(client, {"$address[startsWith]": "friedrich"}) == {wanted}


def test_social_handle_starts_with_matches_the_profile_url(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$twitter": "@tagged_handle"})
    assert matching(client, {"$twitter[startsWith]": "https://x.com/tagged"}) == {wanted}


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["interests", "notes", "$summary"])
def test_multi_select_and_markdown_are_not_filterable(reader: httpx.Client, key: str) -> None:
    assert error(reader, {key: "x"}) == (400, "invalid_filter", key)


def test_unknown_filter_key_is_a_bad_request_naming_it(reader: httpx.Client) -> None:
    assert error(reader, {"favourite-colour[equal]": "blue"}) == (
        400,
        "unknown_field",
        "favourite-colour",
    )


def test_unknown_operator_is_a_bad_request(reader: httpx.Client) -> None:
    assert error(reader, {"$name[like]": "x"}) == (400, "invalid_filter", "$name")


def test_operator_not_allowed_for_the_type_is_a_bad_request(reader: httpx.Client) -> None:
    assert error(reader, {"$name[greaterThan]": "x"}) == (400, "invalid_filter", "$name")


# -- relationships -----------------------------------------------------------------------------


def test_relationship_slug_filter_returns_the_contacts_of_an_account(
    client: httpx.Client,
) -> None:
    account = first_id(client, "accounts")
    linked = create_contact_linked(client, account)
    found = matching(client, {"$account-contact[contains]": account}, tag=False)
    assert linked in found
    assert all(
        account in client.get(f"/v1/contacts/{i}").json()["relationships"]["$account"]["values"]
        for i in found
    )


def test_relationship_equal_behaves_like_contains(reader: httpx.Client) -> None:
    account = first_id(reader, "accounts")
    contains = reader.get("/v1/contacts", params={"$account-contact[contains]": account}).json()
    equal = reader.get("/v1/contacts", params={"$account-contact[equal]": account}).json()
    assert contains == equal


def test_relationship_key_is_not_a_filter_key(reader: httpx.Client) -> None:
    assert error(reader, {"$account[contains]": "acc_x"})[1] == "unknown_field"


def test_relationship_filter_rejects_starts_with(reader: httpx.Client) -> None:
    assert error(reader, {"$owner-contact[startsWith]": "mem_"})[1] == "invalid_filter"


def test_opportunities_filter_by_their_account_slug(reader: httpx.Client) -> None:
    opportunity = reader.get("/v1/opportunities", params={"limit": 1}).json()["data"][0]
    account = opportunity["relationships"]["$account"]["values"][0]
    found = reader.get("/v1/opportunities", params={"$account-opportunity": account}).json()
    assert opportunity["id"] in {record["id"] for record in found["data"]}


# -- combinations ------------------------------------------------------------------------------


def test_several_filters_are_combined_with_and(client: httpx.Client) -> None:
    both = tagged(client, newsletter=True, **{"lead-score": 90})
    tagged(client, newsletter=True, **{"lead-score": 10})
    tagged(client, newsletter=False, **{"lead-score": 90})
    found = matching(client, {"newsletter": "true", "lead-score[greaterThan]": "50"})
    assert found == {both}


def test_two_operators_on_one_field_form_a_range(client: httpx.Client) -> None:
    ids = {score: tagged(client, **{"lead-score": score}) for score in (10, 20, 30)}
    query = "$title[equal]=Filter+fixture&lead-score[greaterThan]=10&lead-score[lessThan]=30"
    found = {record["id"] for record in client.get(f"/v1/contacts?{query}").json()["data"]}
    assert found == {ids[20]}


def test_percent_encoded_filter_keys_are_decoded(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$email": ["encoded@keys.example"]})
    response = client.get("/v1/contacts?%24email%5Bcontains%5D=encoded%40keys.example")
    assert [record["id"] for record in response.json()["data"]] == [wanted]


def test_filtered_total_counts_every_match_not_just_the_page(reader: httpx.Client) -> None:
    body = reader.get("/v1/contacts", params={"$email": "example", "limit": 5}).json()
    assert body["totalCount"] > 25
    assert len(body["data"]) == 5


def test_account_typeahead_finds_accounts_by_name_prefix(reader: httpx.Client) -> None:
    body = reader.get("/v1/accounts", params={"$name[startsWith]": "Nordlicht", "limit": 10})
    names = [record["fields"]["$name"]["value"] for record in body.json()["data"]]
    assert names
    assert all(name.startswith("Nordlicht") for name in names)


def create_contact_linked(http: httpx.Client, account_id: str) -> str:
    response = http.post(
        "/v1/contacts",
        json={"fields": {"$title": TAG}, "relationships": {"$account": account_id}},
    )
    return str(response.json()["id"])


def test_telephone_contains_without_digits_compares_text(client: httpx.Client) -> None:
    wanted = tagged(client, **{"$phone": ["+1 415 555 0199 x12"]})
    assert matching(client, {"$phone": "415"}) == {wanted}
    assert matching(client, {"$phone": "ext="}) == {wanted}
