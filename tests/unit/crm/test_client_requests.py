"""LightfieldClient: what goes on the wire and what comes back, one successful exchange each."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from contacts_ui.crm import (
    AuthInfo,
    CRMResponseError,
    Definitions,
    Filter,
    LightfieldClient,
    Page,
    RateLimit,
    Record,
)

from .conftest import API_KEY, page_payload, record_payload

DEFINITIONS = {"objectType": "contact", "fieldDefinitions": {}, "relationshipDefinitions": {}}


def sent_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def query_pairs(route: respx.Route) -> list[tuple[str, str]]:
    return route.calls.last.request.url.params.multi_items()


def test_every_request_carries_the_bearer_key_version_accept_and_user_agent(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get("/v1/contacts/con_1").respond(json=record_payload())

    client.get_contact("con_1")

    headers = route.calls.last.request.headers
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert headers["Lightfield-Version"] == "2026-03-01"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("contacts-dashboard/")


def test_a_custom_user_agent_is_sent_verbatim(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter
) -> None:
    route = api.get("/v1/contacts/con_1").respond(json=record_payload())

    make_client(user_agent="dash/9").get_contact("con_1")

    assert route.calls.last.request.headers["User-Agent"] == "dash/9"


def test_a_write_sends_a_json_content_type(client: LightfieldClient, api: respx.MockRouter) -> None:
    route = api.post("/v1/contacts").respond(json=record_payload())

    client.create_contact(fields={})

    assert route.calls.last.request.headers["Content-Type"] == "application/json"


def test_a_read_carries_no_idempotency_key(client: LightfieldClient, api: respx.MockRouter) -> None:
    route = api.get("/v1/contacts").respond(json=page_payload())

    client.list_contacts()

    assert "Idempotency-Key" not in route.calls.last.request.headers


def test_a_read_sends_no_body_and_no_content_type(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get("/v1/contacts/con_1").respond(json=record_payload())

    client.get_contact("con_1")

    assert route.calls.last.request.content == b""
    assert "Content-Type" not in route.calls.last.request.headers


@pytest.mark.parametrize(
    ("call", "path", "payload", "model"),
    [
        (
            lambda c: c.validate_auth(),
            "/v1/auth/validate",
            {"active": True, "scopes": []},
            AuthInfo,
        ),
        (lambda c: c.contact_definitions(), "/v1/contacts/definitions", DEFINITIONS, Definitions),
        (lambda c: c.account_definitions(), "/v1/accounts/definitions", DEFINITIONS, Definitions),
        (
            lambda c: c.opportunity_definitions(),
            "/v1/opportunities/definitions",
            DEFINITIONS,
            Definitions,
        ),
        (lambda c: c.list_contacts(), "/v1/contacts", page_payload(), Page),
        (lambda c: c.list_accounts(), "/v1/accounts", page_payload(), Page),
        (lambda c: c.list_opportunities(), "/v1/opportunities", page_payload(), Page),
        (lambda c: c.list_members(), "/v1/members", page_payload(), Page),
        (lambda c: c.get_contact("con_1"), "/v1/contacts/con_1", record_payload(), Record),
        (lambda c: c.get_account("acc_1"), "/v1/accounts/acc_1", record_payload("acc_1"), Record),
        (
            lambda c: c.get_opportunity("opp_1"),
            "/v1/opportunities/opp_1",
            record_payload("opp_1"),
            Record,
        ),
        (lambda c: c.get_member("mem_1"), "/v1/members/mem_1", record_payload("mem_1"), Record),
    ],
)
def test_each_read_operation_gets_its_path_and_returns_its_model(
    client: LightfieldClient,
    api: respx.MockRouter,
    call: Callable[[LightfieldClient], object],
    path: str,
    payload: dict[str, Any],
    model: type,
) -> None:
    route = api.get(path).respond(json=payload)

    result = call(client)

    assert route.called
    assert isinstance(result, model)


def test_filters_are_sent_as_key_bracket_operator_params(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get("/v1/contacts").respond(json=page_payload())

    client.list_contacts(filters=[Filter("$email", "contains", "alex@customer.com")])

    assert ("$email[contains]", "alex@customer.com") in query_pairs(route)
    assert b"%24email%5Bcontains%5D=alex%40customer.com" in route.calls.last.request.url.raw_path


def test_a_negated_filter_is_sent_with_a_minus_inside_the_brackets(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get("/v1/accounts").respond(json=page_payload())

    client.list_accounts(filters=[Filter("$name", "equal", "Alice Bob", negate=True)])

    assert ("$name[-equal]", "Alice Bob") in query_pairs(route)


def test_two_operators_on_one_key_are_both_sent(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get("/v1/opportunities").respond(json=page_payload())

    client.list_opportunities(
        filters=[
            Filter("$amount", "greaterThanOrEqual", "100"),
            Filter("$amount", "lessThan", "500"),
            Filter("$stage", "equal", "opt_abc"),
        ]
    )

    pairs = query_pairs(route)
    assert ("$amount[greaterThanOrEqual]", "100") in pairs
    assert ("$amount[lessThan]", "500") in pairs
    assert ("$stage[equal]", "opt_abc") in pairs


def test_limit_and_offset_are_sent(client: LightfieldClient, api: respx.MockRouter) -> None:
    route = api.get("/v1/contacts").respond(json=page_payload())

    client.list_contacts(limit=10, offset=50)

    assert dict(query_pairs(route)) == {"limit": "10", "offset": "50"}


@pytest.mark.parametrize(("asked", "sent"), [(0, "1"), (-5, "1"), (26, "25"), (100, "25")])
def test_limit_is_clamped_to_one_through_twenty_five(
    client: LightfieldClient, api: respx.MockRouter, asked: int, sent: str
) -> None:
    route = api.get("/v1/members").respond(json=page_payload())

    client.list_members(limit=asked)

    assert route.calls.last.request.url.params["limit"] == sent


def test_a_negative_offset_is_sent_as_zero(client: LightfieldClient, api: respx.MockRouter) -> None:
    route = api.get("/v1/contacts").respond(json=page_payload())

    client.list_contacts(offset=-3)

    assert route.calls.last.request.url.params["offset"] == "0"


def test_a_page_remembers_the_limit_and_offset_that_produced_it(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts").respond(json=page_payload(record_payload(), total=3))

    page = client.list_contacts(limit=1, offset=1)

    assert (page.limit, page.offset, page.total_count, page.has_next) == (1, 1, 3, True)


@pytest.mark.parametrize(
    ("record_id", "encoded"),
    [
        ("a/b", "/v1/contacts/a%2Fb"),
        ("con_1?limit=1#x", "/v1/contacts/con_1%3Flimit%3D1%23x"),
        ("%2e%2e", "/v1/contacts/%252e%252e"),
        ("con 1", "/v1/contacts/con%201"),
    ],
)
def test_ids_are_percent_encoded_into_the_path(
    client: LightfieldClient, api: respx.MockRouter, record_id: str, encoded: str
) -> None:
    route = api.get(url__regex=r".*").respond(json=record_payload())

    client.get_contact(record_id)

    assert route.calls.last.request.url.raw_path.decode() == encoded


@pytest.mark.parametrize("record_id", ["", ".", ".."])
def test_an_id_that_would_be_collapsed_out_of_the_path_is_refused_before_sending(
    client: LightfieldClient, api: respx.MockRouter, record_id: str
) -> None:
    with pytest.raises(ValueError, match="id"):
        client.get_contact(record_id)

    assert client.request_count == 0


def test_create_sends_fields_and_relationships_and_returns_the_record(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts").respond(json=record_payload("con_new"))

    record = client.create_contact(
        fields={"$name": {"firstName": "Alex", "lastName": "Rivera"}},
        relationships={"$account": "acc_1"},
    )

    assert sent_json(route) == {
        "fields": {"$name": {"firstName": "Alex", "lastName": "Rivera"}},
        "relationships": {"$account": "acc_1"},
    }
    assert record.id == "con_new"


def test_create_without_relationships_sends_only_fields(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts").respond(json=record_payload())

    client.create_contact(fields={})

    assert sent_json(route) == {"fields": {}}


def test_an_update_of_one_field_sends_exactly_that_field(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=record_payload())

    client.update_contact("con_1", fields={"$title": "CTO"})

    assert sent_json(route) == {"fields": {"$title": "CTO"}}


def test_an_update_of_relationships_only_sends_no_fields_key(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=record_payload())

    client.update_contact("con_1", relationships={"$account": {"replace": ["acc_2"]}})

    assert sent_json(route) == {"relationships": {"$account": {"replace": ["acc_2"]}}}


def test_a_null_field_value_is_sent_to_clear_the_field(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=record_payload())

    client.update_contact("con_1", fields={"renewalAt": None})

    assert sent_json(route) == {"fields": {"renewalAt": None}}


def test_a_success_with_a_non_json_body_raises_the_response_error(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts/con_1").respond(200, text="<html>maintenance</html>")

    with pytest.raises(CRMResponseError) as caught:
        client.get_contact("con_1")

    assert caught.value.status_code == 200


def test_a_body_the_fast_reader_refuses_but_json_allows_is_still_read(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    # A lone surrogate escape: pydantic-core's reader refuses it, the stdlib reads it.
    body = json.dumps(record_payload(externalId="HERE")).replace('"HERE"', '"a\\ud800b"')
    api.get("/v1/contacts/con_1").respond(200, content=body.encode())

    record = client.get_contact("con_1")

    assert record.id == "con_1"
    assert record.external_id is not None
    assert record.external_id.startswith("a")


def test_a_success_with_nan_in_the_body_is_read_as_before(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    body = json.dumps(record_payload()).replace('"con_1"', '"con_1", "score": NaN', 1)
    api.get("/v1/contacts/con_1").respond(200, content=body.encode())

    assert client.get_contact("con_1").id == "con_1"


def test_a_success_with_a_payload_of_the_wrong_shape_raises_the_response_error(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts/con_1").respond(json={"data": "no id here"})

    with pytest.raises(CRMResponseError, match="Record"):
        client.get_contact("con_1")


def test_the_last_rate_limit_headers_are_remembered(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts/con_1").respond(
        json=record_payload(),
        headers={
            "X-RateLimit-Limit": "25",
            "X-RateLimit-Remaining": "3",
            "X-RateLimit-Reset": "1780000000",
        },
    )

    client.get_contact("con_1")

    assert client.rate_limit == RateLimit(limit=25, remaining=3, reset=1_780_000_000.0)


def test_rate_limit_is_none_until_the_api_reports_one(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts/con_1").respond(json=record_payload())

    client.get_contact("con_1")

    assert client.rate_limit is None


def test_request_count_counts_every_http_attempt(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts/con_1").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=record_payload())]
    )
    api.get("/v1/contacts").respond(json=page_payload())

    client.get_contact("con_1")
    client.list_contacts()

    assert client.request_count == 3


def test_each_attempt_logs_one_line_with_method_path_status_and_attempt(
    client: LightfieldClient, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/v1/contacts/con_1").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=record_payload())]
    )

    with caplog.at_level(logging.INFO, logger="contacts_ui.crm"):
        client.get_contact("con_1")

    lines = [r.getMessage() for r in caplog.records if r.name == "contacts_ui.crm"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /v1/contacts/con_1 -> 503 in ")
    assert lines[0].endswith("(attempt 1/3)")
    assert lines[1].startswith("GET /v1/contacts/con_1 -> 200 in ")


def test_an_injected_transport_is_used_instead_of_the_network(
    make_client: Callable[..., LightfieldClient],
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"active": True, "scopes": ["contacts:read"]})

    client = make_client(base_url="http://sandbox.local", transport=httpx.MockTransport(handler))

    info = client.validate_auth()

    assert info.scopes == ("contacts:read",)
    assert str(seen[0].url) == "http://sandbox.local/v1/auth/validate"


def test_the_client_works_as_a_context_manager_and_closes_its_pool() -> None:
    with LightfieldClient(api_key=API_KEY) as client:
        pass

    assert client._http.is_closed


def test_a_record_listed_again_unchanged_is_the_same_object(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts").respond(json=page_payload(record_payload("con_1")))

    first = client.list_contacts().data[0]
    again = client.list_contacts().data[0]

    assert again is first


def test_a_record_listed_again_with_any_change_is_validated_again(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get("/v1/contacts")
    route.respond(json=page_payload(record_payload("con_1")))
    first = client.list_contacts().data[0]
    # Same id and the same updatedAt: only the raw item differs, and that is enough.
    route.respond(json=page_payload(record_payload("con_1", externalId="ext-9")))

    again = client.list_contacts().data[0]

    assert again.external_id == "ext-9"
    assert again.updated_at_raw == first.updated_at_raw


def test_a_list_with_a_broken_record_raises_the_response_error(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get("/v1/contacts").respond(json=page_payload({"fields": {}}))

    with pytest.raises(CRMResponseError, match="Page"):
        client.list_contacts()
