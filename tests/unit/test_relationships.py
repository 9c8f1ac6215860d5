"""Relationship changes: building operations, splitting, undo, and the exact bodies sent (respx)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any
from unittest import mock

import httpx
import pytest
import respx
from django.core import signing
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from contacts_ui import relationships as rel
from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.members import match_members, member_with_email
from contacts_ui.crm.models import Record
from contacts_ui.services import writes
from contacts_ui.services.audit import Actor
from tests.conftest import install_client, no_sleep

BASE = "https://api.lightfield.test"
HX = {"HX-Request": "true"}


def apply(current: Sequence[str], operation: dict[str, Any]) -> list[str]:
    """Do to a list of ids what the CRM does with one operation (as documented)."""
    ((name, value),) = operation.items()
    ids = [] if value is None else [value] if isinstance(value, str) else list(value)
    if name == "add":
        return list(current) + [i for i in ids if i not in current]
    if name == "remove":
        return [i for i in current if i not in ids]
    return ids


def apply_all(current: Sequence[str], operations: Sequence[dict[str, Any]]) -> list[str]:
    result = list(current)
    for operation in operations:
        result = apply(result, operation)
    return result


def ids_in(operation: dict[str, Any]) -> list[str]:
    ((_, value),) = operation.items()
    return [] if value is None else [value] if isinstance(value, str) else list(value)


# -- building operations ---------------------------------------------------------------------


def test_a_remove_is_one_operation_naming_that_id_alone() -> None:
    assert rel.operations("remove", ["acc_1"], many=True) == [{"remove": ["acc_1"]}]


def test_an_add_is_one_operation_naming_that_id_alone() -> None:
    assert rel.operations("add", ["acc_1"], many=True) == [{"add": ["acc_1"]}]


def test_more_than_25_ids_are_split_into_requests_of_at_most_25() -> None:
    ids = [f"acc_{n}" for n in range(60)]
    operations = rel.operations("add", ids, many=True)
    assert [len(o["add"]) for o in operations] == [25, 25, 10]
    assert [i for o in operations for i in o["add"]] == ids


def test_an_id_given_twice_is_sent_once() -> None:
    assert rel.operations("remove", ["acc_1", "acc_1"], many=True) == [{"remove": ["acc_1"]}]


def test_replacing_a_has_one_relationship_sends_the_bare_id() -> None:
    assert rel.operations("replace", ["mem_2"], many=False) == [{"replace": "mem_2"}]


def test_replacing_a_has_one_relationship_with_nothing_clears_it() -> None:
    assert rel.operations("replace", [], many=False) == [{"replace": None}]


def test_a_has_one_relationship_cannot_be_replaced_by_two_ids() -> None:
    with pytest.raises(ValueError, match="one id"):
        rel.operations("replace", ["mem_1", "mem_2"], many=False)


def test_a_has_many_replace_that_fits_in_one_request_is_one_replace() -> None:
    operations = rel.operations("replace", ["acc_2", "acc_3"], many=True, current=["acc_1"])
    assert operations == [{"replace": ["acc_2", "acc_3"]}]


def test_replacing_a_has_many_relationship_with_nothing_sends_null() -> None:
    assert rel.operations("replace", [], many=True, current=["acc_1"]) == [{"replace": None}]


def test_a_replace_with_too_many_changes_becomes_bounded_removes_and_adds() -> None:
    current = [f"acc_old{n}" for n in range(30)]
    operations = rel.operations("replace", ["acc_new"], many=True, current=current)
    assert [next(iter(o)) for o in operations] == ["remove", "remove", "add"]
    assert apply_all(current, operations) == ["acc_new"]


def test_an_unknown_operation_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown"):
        rel.operations("set", ["acc_1"], many=True)  # type: ignore[arg-type]


_ids = st.lists(st.sampled_from([f"acc_{n}" for n in range(80)]), unique=True, max_size=70)


@given(current=_ids, wanted=_ids)
def test_any_replace_ends_on_the_wanted_set_within_the_limits(
    current: list[str], wanted: list[str]
) -> None:
    operations = rel.operations("replace", wanted, many=True, current=current)
    state = list(current)
    for operation in operations:
        after = apply(state, operation)
        changes = len(set(after) ^ set(state))
        assert len(ids_in(operation)) <= rel.MAX_IDS_PER_REQUEST
        assert changes <= rel.MAX_IDS_PER_REQUEST
        state = after
    assert set(state) == set(wanted)


# -- undo ------------------------------------------------------------------------------------


def test_undoing_an_add_removes_only_what_it_linked() -> None:
    # acc_1 was linked already: the add did nothing to it, so undo must leave it.
    undo = rel.inverse(["acc_1"], ["acc_1", "acc_2"], {"acc_1", "acc_2"}, many=True)
    assert undo == [{"remove": ["acc_2"]}]


def test_undoing_a_remove_adds_back_what_it_unlinked() -> None:
    assert rel.inverse(["acc_1", "acc_2"], ["acc_2"], {"acc_1"}, many=True) == [{"add": ["acc_1"]}]


def test_undoing_an_owner_change_puts_the_previous_owner_back() -> None:
    assert rel.inverse(["mem_1"], ["mem_2"], {"mem_1", "mem_2"}, many=False) == [
        {"replace": "mem_1"}
    ]


def test_undoing_a_first_owner_removes_it() -> None:
    assert rel.inverse([], ["mem_2"], {"mem_2"}, many=False) == [{"remove": ["mem_2"]}]


def test_undoing_a_replace_all_removes_the_new_and_adds_back_the_old() -> None:
    touched = rel.touched_ids([{"replace": ["acc_3"]}], ["acc_1", "acc_2"])
    assert rel.inverse(["acc_1", "acc_2"], ["acc_3"], touched, many=True) == [
        {"remove": ["acc_3"]},
        {"add": ["acc_1", "acc_2"]},
    ]


def test_undo_leaves_alone_what_someone_else_changed_meanwhile() -> None:
    # acc_9 was linked by a colleague between our read and our write.
    undo = rel.inverse(["acc_1"], ["acc_1", "acc_9", "acc_2"], {"acc_2"}, many=True)
    assert undo == [{"remove": ["acc_2"]}]


def test_the_undo_of_a_big_change_is_split_too() -> None:
    added = [f"acc_{n}" for n in range(30)]
    undo = rel.inverse([], added, set(added), many=True)
    assert [len(o["remove"]) for o in undo] == [25, 5]


def test_a_change_that_changed_nothing_has_nothing_to_undo() -> None:
    assert rel.inverse(["acc_1"], ["acc_1"], {"acc_1"}, many=True) == []


@given(before=_ids, wanted=_ids, op=st.sampled_from(["add", "remove", "replace"]))
def test_undo_restores_the_ids_before_the_change(
    before: list[str], wanted: list[str], op: str
) -> None:
    operations = rel.operations(op, wanted, many=True, current=before)  # type: ignore[arg-type]
    after = apply_all(before, operations)
    touched = rel.touched_ids(operations, before)
    restored = apply_all(after, rel.inverse(before, after, touched, many=True))
    assert set(restored) == set(before)


def test_an_undo_token_carries_its_operations() -> None:
    token = rel.sign_undo("con_1", "$account", [{"add": ["acc_1"]}])
    assert rel.read_undo(token, "con_1", "$account") == ([{"add": ["acc_1"]}], False)


def test_an_undo_token_is_refused_for_another_contact_or_relationship() -> None:
    token = rel.sign_undo("con_1", "$account", [{"add": ["acc_1"]}])
    assert rel.read_undo(token, "con_2", "$account") is None
    assert rel.read_undo(token, "con_1", "$opportunities") is None


def test_a_tampered_undo_token_is_refused() -> None:
    token = rel.sign_undo("con_1", "$account", [{"add": ["acc_1"]}])
    assert rel.read_undo(token[:-2] + "xx", "con_1", "$account") is None


def test_an_undo_token_expires_with_the_idempotency_window() -> None:
    token = rel.sign_undo("con_1", "$account", [{"add": ["acc_1"]}])
    with mock.patch("django.core.signing.time.time", return_value=2e10):
        assert rel.read_undo(token, "con_1", "$account") is None


def test_an_undo_token_with_a_made_up_operation_is_refused() -> None:
    token = signing.dumps(
        {"c": "con_1", "k": "$account", "s": [{"delete": ["acc_1"]}]}, salt=rel.UNDO_SALT
    )
    assert rel.read_undo(token, "con_1", "$account") is None


# -- keys and ids ----------------------------------------------------------------------------


def test_the_same_action_sent_twice_has_the_same_idempotency_key() -> None:
    one = rel.idempotency_key("f" * 32, "con_1", "$account", 0, {"add": ["acc_1"]})
    two = rel.idempotency_key("f" * 32, "con_1", "$account", 0, {"add": ["acc_1"]})
    assert one == two
    assert len(one) <= 255


def test_another_payload_from_the_same_form_has_another_key() -> None:
    one = rel.idempotency_key("f" * 32, "con_1", "$account", 0, {"add": ["acc_1"]})
    other = rel.idempotency_key("f" * 32, "con_1", "$account", 0, {"add": ["acc_2"]})
    assert one != other


def test_a_form_without_a_usable_key_gets_a_fresh_one() -> None:
    assert rel.clean_form_key("../../etc") != "../../etc"
    assert rel.clean_form_key("0123456789abcdef") == "0123456789abcdef"


@pytest.mark.parametrize(
    ("typed", "object_type", "expected"),
    [
        ("acc_5m0ihu169stg", "account", True),
        ("Acme Corp", "account", False),
        ("con_1", "account", False),
        ("mem_2", "member", True),
        ("obj_abc", "custom-thing", True),
        ("acc_1 x", "account", False),
    ],
)
def test_an_id_typed_in_the_picker_is_told_from_a_name(
    typed: str, object_type: str, expected: bool
) -> None:
    assert rel.looks_like_id(typed, object_type) is expected


def _member(id: str, first: str, last: str, email: str) -> Record:
    return Record.model_validate(
        {
            "id": id,
            "fields": {
                "$name": {
                    "valueType": "FULL_NAME",
                    "value": {"firstName": first, "lastName": last},
                },
                "$email": {"valueType": "EMAIL", "value": email},
            },
        }
    )


def test_members_are_matched_on_any_word_of_their_name_or_their_email() -> None:
    members = [
        _member("mem_1", "Elif", "Demir", "elif@x.example"),
        _member("mem_2", "Noah", "Thompson", "noah@x.example"),
        _member("mem_3", "Élodie", "Dubois", "e.dubois@x.example"),
    ]
    assert [m.id for m in match_members(members, "dem")] == ["mem_1"]
    assert [m.id for m in match_members(members, "noah@")] == ["mem_2"]
    assert [m.id for m in match_members(members, "É")] == ["mem_3"]


def test_a_member_is_found_by_email_trimmed_and_in_any_case() -> None:
    members = [
        _member("mem_1", "Elif", "Demir", "Elif@X.example"),
        _member("mem_2", "Noah", "Thompson", "noah@x.example"),
    ]
    assert member_with_email(members, "  elif@x.EXAMPLE ").id == "mem_1"  # type: ignore[union-attr]


def test_a_member_listing_several_emails_is_found_by_any_of_them() -> None:
    member = Record.model_validate(
        {"id": "u1", "fields": {"$email": {"valueType": "EMAIL", "value": ["a@x", "b@x"]}}}
    )
    assert member_with_email([member], "B@x") is member


@pytest.mark.parametrize("email", ["nobody@x.example", "", "   "])
def test_no_member_with_that_email_means_no_member(email: str) -> None:
    members = [_member("mem_1", "Elif", "Demir", "elif@x.example")]
    assert member_with_email(members, email) is None


def test_two_members_with_one_email_are_no_answer() -> None:
    members = [
        _member("mem_1", "Elif", "Demir", "team@x.example"),
        _member("mem_2", "Noah", "Thompson", "team@x.example"),
    ]
    assert member_with_email(members, "team@x.example") is None


def _form_picker() -> rel.FormPicker:
    return rel.FormPicker(
        key="$owner",
        label="Owner",
        object_type="member",
        noun="member",
        nouns="members",
        searchable=True,
        search_url="/contacts/new/relationships/$owner/search/",
        input_id="pick-owner",
        text_name="relationships.$owner.q",
        id_name="relationships.$owner",
        shown_name="relationships.$owner.name",
        choose_name="relationships.$owner.choose",
    )


def test_a_posted_picker_means_its_id_while_the_box_shows_the_name_it_was_chosen_by() -> None:
    picker = _form_picker()
    picker.read(
        {
            "relationships.$owner": "mem_1",
            "relationships.$owner.name": "Elif Demir",
            "relationships.$owner.q": " elif  DEMIR ",
        }
    )
    assert picker.chosen
    assert picker.settle() == "mem_1"


@pytest.mark.parametrize("typed", ["", "Noah"])
def test_a_box_changed_since_the_choice_drops_the_chosen_id(typed: str) -> None:
    picker = _form_picker()
    picker.read(
        {
            "relationships.$owner": "mem_1",
            "relationships.$owner.name": "Elif Demir",
            "relationships.$owner.q": typed,
        }
    )
    assert not picker.chosen
    assert picker.chosen_id == ""


def test_a_posted_id_that_is_no_id_is_dropped() -> None:
    picker = _form_picker()
    picker.read(
        {
            "relationships.$owner": 'mem_1"><x>',
            "relationships.$owner.name": "X",
            "relationships.$owner.q": "X",
        }
    )
    assert picker.chosen_id == ""


def test_an_id_typed_into_the_box_is_taken_as_chosen() -> None:
    picker = _form_picker()
    picker.read({"relationships.$owner.q": "mem_42"})
    assert picker.settle() == "mem_42"


def test_an_empty_box_chooses_nobody() -> None:
    picker = _form_picker()
    picker.read({})
    assert picker.settle() is None
    assert picker.error == ""


def test_dom_ids_are_safe_for_keys_with_dollars() -> None:
    assert rel.dom_id(0, "$account") == "rel-0-account"
    assert rel.dom_id(3, "$champion/x") == "rel-3-champion-x"


# -- the exact bodies sent (respx) -----------------------------------------------------------


DEFINITIONS = {
    "objectType": "contact",
    "fieldDefinitions": {
        "$name": {"label": "Name", "valueType": "FULL_NAME", "typeConfiguration": {}},
    },
    "relationshipDefinitions": {
        "$account": {"label": "Accounts", "cardinality": "HAS_MANY", "objectType": "account"},
        "$owner": {"label": "Owner", "cardinality": "HAS_ONE", "objectType": "member"},
    },
}


def contact(accounts: Sequence[str] = ("acc_1",), owner: Sequence[str] = ("mem_1",)) -> dict:
    return {
        "id": "con_1",
        "createdAt": "2026-05-01T16:00:00.000Z",
        "updatedAt": "2026-05-02T09:12:00.000Z",
        "httpLink": "https://crm.lightfield.app/contacts/con_1",
        "fields": {
            "$name": {
                "valueType": "FULL_NAME",
                "value": {"firstName": "Alex", "lastName": "Rivera"},
            }
        },
        "relationships": {
            "$account": {
                "cardinality": "has_many",
                "objectType": "account",
                "values": list(accounts),
            },
            "$owner": {"cardinality": "has_one", "objectType": "member", "values": list(owner)},
        },
    }


def account(id: str, name: str, website: str = "") -> dict:
    return {
        "id": id,
        "createdAt": None,
        "updatedAt": None,
        "httpLink": f"https://crm.lightfield.app/accounts/{id}",
        "fields": {
            "$name": {"valueType": "TEXT", "value": name},
            "$website": {"valueType": "URL", "value": [website] if website else []},
        },
        "relationships": {},
    }


def members_page() -> dict:
    member = {
        "id": "mem_1",
        "createdAt": None,
        "updatedAt": None,
        "httpLink": None,
        "fields": {
            "$name": {"valueType": "FULL_NAME", "value": {"firstName": "Ana", "lastName": "Li"}},
            "$email": {"valueType": "EMAIL", "value": "ana@x.example"},
        },
        "relationships": {},
    }
    member2 = json.loads(json.dumps(member).replace("mem_1", "mem_2").replace("Ana", "Bo"))
    return {"object": "list", "data": [member, member2], "totalCount": 2}


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """The dashboard on a client whose every request is answered by respx."""
    client = LightfieldClient(api_key="sk_lf_test", base_url=BASE, sleep=no_sleep, max_retries=0)
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get("/v1/contacts/definitions").respond(json=DEFINITIONS)
        router.get("/v1/contacts/con_1").respond(json=contact())
        router.get("/v1/accounts/acc_1").respond(json=account("acc_1", "Acme"))
        router.get("/v1/accounts/acc_2").respond(json=account("acc_2", "Beta"))
        router.get("/v1/members").respond(json=members_page())
        yield from _installed(client, router)


def _installed(client: LightfieldClient, router: respx.MockRouter) -> Iterator[respx.MockRouter]:
    for _ in install_client(client):
        yield router


def sent(route: respx.Route) -> list[dict[str, Any]]:
    return [json.loads(call.request.content) for call in route.calls]


URL = "/contacts/con_1/relationships/$account/"


@pytest.mark.django_db
def test_writes_send_the_operation_as_given_with_the_idempotency_key(
    api: respx.MockRouter,
) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=contact(accounts=()))

    writes.update_relationships(
        Actor(user=None, username="ana@example.com"),
        "con_1",
        "$account",
        {"remove": ["acc_1"]},
        "key-1",
    )

    assert sent(route) == [{"relationships": {"$account": {"remove": ["acc_1"]}}}]
    assert route.calls.last.request.headers["Idempotency-Key"] == "key-1"


@pytest.mark.django_db
def test_the_remove_button_sends_exactly_one_remove(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=contact(accounts=()))

    response = client.post(URL, {"op": "remove", "id": "acc_1", "action_key": "a" * 32})

    assert response.status_code == 303
    assert sent(route) == [{"relationships": {"$account": {"remove": ["acc_1"]}}}]
    assert route.calls.last.request.headers["Idempotency-Key"].startswith("a" * 32 + "-")


@pytest.mark.django_db
def test_the_add_picker_sends_exactly_one_add(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=contact(accounts=("acc_1", "acc_2")))

    client.post(URL, {"op": "add", "id": "acc_2", "q": "Beta"}, headers=HX)

    assert sent(route) == [{"relationships": {"$account": {"add": ["acc_2"]}}}]


@pytest.mark.django_db
def test_choosing_an_owner_sends_replace(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=contact(owner=("mem_2",)))

    client.post(
        "/contacts/con_1/relationships/$owner/", {"op": "replace", "id": "mem_2"}, headers=HX
    )

    assert sent(route) == [{"relationships": {"$owner": {"replace": "mem_2"}}}]


@pytest.mark.django_db
def test_undo_sends_the_inverse_operation(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/v1/contacts/con_1")
    route.side_effect = [
        httpx.Response(200, json=contact(accounts=())),
        httpx.Response(200, json=contact(accounts=("acc_1",))),
    ]
    html = client.post(URL, {"op": "remove", "id": "acc_1"}, headers=HX).content.decode()
    token = html.split('name="undo" value="', 1)[1].split('"', 1)[0]

    client.post(URL, {"op": "undo", "undo": token}, headers=HX)

    assert sent(route) == [
        {"relationships": {"$account": {"remove": ["acc_1"]}}},
        {"relationships": {"$account": {"add": ["acc_1"]}}},
    ]


@pytest.mark.django_db
def test_htmx_gets_the_panel_fragment_only(client: Client, api: respx.MockRouter) -> None:
    api.post("/v1/contacts/con_1").respond(json=contact(accounts=()))

    response = client.post(URL, {"op": "remove", "id": "acc_1"}, headers=HX)

    html = response.content.decode().strip()
    assert html.startswith("<section")
    assert html.endswith("</section>")
    assert "Removed Acme from Accounts." in html


@pytest.mark.django_db
def test_the_picker_query_uses_name_starts_with_and_a_small_limit(
    client: Client, api: respx.MockRouter
) -> None:
    route = api.get("/v1/accounts").respond(
        json={
            "object": "list",
            "data": [account("acc_2", "Beta", "https://beta.example")],
            "totalCount": 1,
        }
    )

    response = client.get(URL + "search/", {"q": "Be", "list": "rel-0-account-listbox"}, headers=HX)

    params = route.calls.last.request.url.params
    assert params["$name[startsWith]"] == "Be"
    assert params["limit"] == "10"
    html = response.content.decode()
    assert 'id="rel-0-account-listbox-1"' in html
    assert "beta.example" in html


@pytest.mark.django_db
def test_a_rate_limit_shows_in_the_panel_and_keeps_the_choice(
    client: Client, api: respx.MockRouter
) -> None:
    api.post("/v1/contacts/con_1").respond(
        429,
        headers={"Retry-After": "30"},
        json={"type": "too_many_requests", "message": "Rate limit exceeded."},
    )

    html = client.post(URL, {"op": "add", "q": "acc_2"}, headers=HX).content.decode()

    assert 'role="alert"' in html
    assert "The CRM is busy right now" in html
    assert 'name="q" value="acc_2"' in html


@pytest.mark.django_db
def test_a_missing_scope_shows_in_the_panel(client: Client, api: respx.MockRouter) -> None:
    api.post("/v1/contacts/con_1").respond(
        403, json={"error": {"type": "forbidden", "message": "Missing scope contacts:update"}}
    )

    html = client.post(URL, {"op": "remove", "id": "acc_1"}, headers=HX).content.decode()

    assert 'role="alert"' in html
    assert "contacts:update" in html
    assert ">Acme</span>" in html  # nothing is shown as removed


@pytest.mark.django_db
def test_an_unknown_id_names_the_problem(client: Client, api: respx.MockRouter) -> None:
    api.post("/v1/contacts/con_1").respond(
        400,
        json={
            "error": {
                "type": "bad_request",
                "message": "no account acc_zz",
                "code": "relationship_entity_missing",
                "param": "relationships.$account",
            }
        },
    )

    html = client.post(URL, {"op": "add", "q": "acc_zz"}, headers=HX).content.decode()

    assert "The CRM has no account with that id" in html
    assert 'name="q" value="acc_zz"' in html


@pytest.mark.django_db
def test_a_split_change_that_fails_half_way_says_so_and_offers_undo_of_the_done_part(
    client: Client, api: respx.MockRouter
) -> None:
    new = [f"acc_n{n}" for n in range(30)]
    route = api.post("/v1/contacts/con_1")
    route.side_effect = [
        httpx.Response(200, json=contact(accounts=())),
        httpx.Response(200, json=contact(accounts=new[:25])),
        httpx.Response(503, json={"type": "service_unavailable", "message": "down"}),
    ]
    api.get(url__regex=r"/v1/accounts/acc_n\d+").respond(json=account("acc_n0", "N"))

    html = client.post(
        URL, {"op": "replace", "confirm": "1", "ids": new}, headers=HX
    ).content.decode()

    assert [next(iter(b["relationships"]["$account"])) for b in sent(route)] == [
        "remove",
        "add",
        "add",
    ]
    assert "2 of 3 requests went through" in html
    assert 'name="op" value="undo"' in html
