"""The relationships panel against the sandbox: the exact operations sent, undo, the picker."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.cache import cache
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record, RelationshipDefinition
from contacts_ui.services import shared_cache
from contacts_ui.services.definitions import cache_key as definitions_cache_key
from contacts_ui.services.definitions import get_definitions
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, install_client, no_sleep
from tests.integration.sso import sso

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


# -- harness ---------------------------------------------------------------------------------


@dataclass
class Write:
    path: str
    body: dict[str, Any]
    idempotency_key: str | None


@dataclass
class Recorder:
    """Sit in front of the sandbox and keep the body and key of every POST it receives."""

    app: Callable[..., Any]
    writes: list[Write] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ["REQUEST_METHOD"] == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            self.writes.append(
                Write(environ["PATH_INFO"], json.loads(raw), environ.get("HTTP_IDEMPOTENCY_KEY"))
            )
        return self.app(environ, start_response)

    def bodies(self) -> list[dict[str, Any]]:
        return [w.body for w in self.writes]


@pytest.fixture
def recorder(sandbox_app: Any) -> Recorder:
    return Recorder(sandbox_app)


@pytest.fixture
def crm(recorder: Recorder) -> Iterator[LightfieldClient]:
    """The dashboard's client, reaching the sandbox through the recorder."""
    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=recorder),
        sleep=no_sleep,
    )
    yield from install_client(client)


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]]
    buttons: list[tuple[str, str, str]]  # (name, value, text)
    attrs: dict[str, str]

    def data(self, **overrides: str) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in overrides.items():
            data[name] = [value]
        return data

    def field(self, name: str) -> str:
        return next(value for n, value in self.fields if n == name)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._button: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), [], [], a))
        elif tag == "input" and self.forms and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.forms[-1].fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and self.forms:
            self._button = [a.get("name", ""), a.get("value", ""), ""]

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None and self.forms:
            name, value, text = self._button
            self.forms[-1].buttons.append((name, value, " ".join(text.split())))
            self._button = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, op: str, *, button: str = "") -> Form:
    """Return the first form that posts ``op`` (and has a button whose text contains ``button``)."""
    for form in forms(html):
        if ("op", op) in form.fields and any(button in text for _, _, text in form.buttons):
            return form
    raise AssertionError(f"no {op!r} form with a {button!r} button on the page")


def find_contact(crm: LightfieldClient, *, accounts: int = 1) -> Record:
    """Return a seeded contact with at least ``accounts`` accounts and an owner."""
    for offset in range(0, 500, 25):
        for record in crm.list_contacts(limit=25, offset=offset).data:
            if len(record.related_ids("$account")) >= accounts and record.related_ids("$owner"):
                return record
    raise AssertionError("the seed has no such contact")


def unlinked_account(crm: LightfieldClient, contact: Record, offset: int = 0) -> Record:
    linked = set(contact.related_ids("$account"))
    return next(a for a in crm.list_accounts(limit=25, offset=offset).data if a.id not in linked)


def page_of(client: Client, contact: Record, **params: str) -> str:
    response = client.get(f"/contacts/{contact.id}/", params)
    assert response.status_code == 200
    return response.content.decode()


def post(client: Client, form: Form, *, htmx: bool = False, **overrides: str) -> Any:
    return client.post(form.action, form.data(**overrides), headers=HX if htmx else {})


def linked_now(crm: LightfieldClient, contact_id: str, key: str = "$account") -> set[str]:
    return set(crm.get_contact(contact_id).related_ids(key))


# -- the panel -------------------------------------------------------------------------------


def test_the_panel_has_one_section_per_relationship_definition(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    html = page_of(client, contact)
    panel = html[html.index('id="relationships"') :]
    for label, kind in (
        ("Accounts", "has many"),
        ("Opportunities", "has many"),
        ("Owner", "has one"),
    ):
        assert re.search(rf"<h3 [^>]*>{label}</h3>\s*<span class=\"badge\">{kind}</span>", panel), (
            label
        )


def test_a_linked_account_links_to_its_contacts_in_the_dashboard(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    account = crm.get_account(contact.related_ids("$account")[0])
    html = page_of(client, contact)
    assert f'<a href="/contacts/?f.%24account={account.id}">{account.display_name}</a>' in html


def test_a_linked_account_offers_its_crm_page_as_a_separate_link(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    account = crm.get_account(contact.related_ids("$account")[0])
    html = page_of(client, contact)
    assert re.search(
        rf'<a class="crm-link" href="{re.escape(account.http_link)}" rel="noopener noreferrer"'
        rf"[^>]*>.*?Open {re.escape(account.display_name)} in the CRM",
        html,
    )


def test_a_relationship_added_to_the_definitions_appears_without_code_changes(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    definitions = get_definitions("contacts")
    extra = dict(definitions.relationship_definitions)
    extra["partners"] = RelationshipDefinition(
        label="Partner firms",
        cardinality="has_many",
        object_type="account",
        slug="partners-contact",
    )
    widened = definitions.model_copy(update={"relationship_definitions": extra})
    # The CRM's schema grew: what the definitions cache holds is what every page reads.
    shared_cache.set(definitions_cache_key("contacts"), widened, 300)
    html = page_of(client, contact)
    assert ">Partner firms</h3>" in html
    assert f'action="/contacts/{contact.id}/relationships/partners/"' in html


# -- remove, add, replace: the exact operations ----------------------------------------------


def test_a_plain_post_of_the_remove_form_sends_exactly_that_remove(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    account_id = contact.related_ids("$account")[0]
    remove = form_with(page_of(client, contact), "remove")
    assert remove.field("id") == account_id

    response = post(client, remove)

    assert response.status_code == 303
    assert response["Location"] == f"/contacts/{contact.id}/#relationships"
    assert recorder.bodies() == [{"relationships": {"$account": {"remove": [account_id]}}}]
    assert recorder.writes[0].path == f"/v1/contacts/{contact.id}"
    assert account_id not in linked_now(crm, contact.id)


def test_a_plain_post_of_the_add_form_sends_exactly_that_add(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    account = unlinked_account(crm, contact)
    add = form_with(page_of(client, contact), "add")

    response = post(client, add, id=account.id)

    assert response.status_code == 303
    assert recorder.bodies() == [{"relationships": {"$account": {"add": [account.id]}}}]
    assert account.id in linked_now(crm, contact.id)


def test_the_add_form_takes_an_id_typed_in_the_search_box(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    account = unlinked_account(crm, contact)
    add = form_with(page_of(client, contact), "add")

    post(client, add, q=account.id)

    assert recorder.bodies() == [{"relationships": {"$account": {"add": [account.id]}}}]


def test_with_hx_request_the_answer_is_the_panel_alone(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    remove = form_with(page_of(client, contact), "remove")

    response = post(client, remove, htmx=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(
        '<section aria-labelledby="relationships-heading" id="relationships"'
    )
    assert html.rstrip().endswith("</section>")
    assert "<html" not in html
    assert "<h1" not in html
    assert 'id="history"' not in html
    assert "HX-Request" in response["Vary"]


def test_the_panel_re_renders_from_the_record_the_crm_returned(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    account = unlinked_account(crm, contact)
    add = form_with(page_of(client, contact), "add")

    html = post(client, add, htmx=True, id=account.id).content.decode()

    assert f">{account.display_name}</a>" in html
    assert f"Added {account.display_name} to Accounts." in html


def test_choosing_an_owner_sends_replace_with_that_one_id(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    owner = contact.related_ids("$owner")[0]
    member = next(m for m in crm.list_members(limit=25).data if m.id != owner)
    picker = form_with(page_of(client, contact), "replace", button="Set")

    post(client, picker, id=member.id)

    assert recorder.bodies() == [{"relationships": {"$owner": {"replace": member.id}}}]
    assert linked_now(crm, contact.id, "$owner") == {member.id}


def test_replace_all_shows_a_preview_and_sends_nothing_before_confirmation(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    new = [a.id for a in crm.list_accounts(limit=3, offset=40).data]
    replace = form_with(page_of(client, contact), "preview", button="Preview")

    html = client.post(replace.action, {**replace.data(), "ids": new}, headers=HX).content.decode()

    assert recorder.writes == []
    assert "Accounts after the change: 3" in html
    assert "No longer linked:" in html
    confirm = form_with(html, "replace", button="Confirm")
    assert [v for n, v in confirm.fields if n == "ids"] == new

    post(client, confirm, htmx=True)

    assert recorder.bodies() == [{"relationships": {"$account": {"replace": new}}}]
    assert linked_now(crm, contact.id) == set(new)


def test_a_replace_post_without_confirmation_only_previews(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    replace = form_with(page_of(client, contact), "preview", button="Preview")

    response = post(client, replace, op="replace")

    assert response.status_code == 303
    assert recorder.writes == []
    assert "Confirm: replace accounts" in page_of(client, contact)


def test_a_change_of_more_than_25_ids_is_split_into_requests_of_at_most_25(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    new = [a.id for offset in (25, 50) for a in crm.list_accounts(limit=25, offset=offset).data]
    new = [i for i in new if i not in contact.related_ids("$account")][:30]
    replace = form_with(page_of(client, contact), "preview", button="Preview")
    confirm = replace.data(op="replace", confirm="1")
    confirm["ids"] = new

    client.post(replace.action, confirm)

    sizes = [len(next(iter(b["relationships"]["$account"].values()))) for b in recorder.bodies()]
    assert len(recorder.writes) > 1
    assert max(sizes) <= 25
    assert linked_now(crm, contact.id) == set(new)
    assert len({w.idempotency_key for w in recorder.writes}) == len(recorder.writes)


def test_a_double_click_sends_one_operation(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    account = unlinked_account(crm, contact)
    add = form_with(page_of(client, contact), "add")

    post(client, add, id=account.id)
    post(client, add, id=account.id)

    keys = {w.idempotency_key for w in recorder.writes}
    assert len(keys) == 1
    assert next(iter(keys)).startswith(add.field("action_key"))


def test_two_people_adding_accounts_at_once_both_keep_theirs(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    first, second = [a.id for a in crm.list_accounts(limit=25, offset=60).data[:2]]
    stale_page = page_of(client, contact)
    other = Client()
    post(other, form_with(page_of(other, contact), "add"), id=first)

    post(client, form_with(stale_page, "add"), id=second)

    assert {first, second} <= linked_now(crm, contact.id)


# -- undo ------------------------------------------------------------------------------------


def test_undoing_a_remove_sends_the_matching_add(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    account_id = contact.related_ids("$account")[0]
    html = post(client, form_with(page_of(client, contact), "remove"), htmx=True).content.decode()

    post(client, form_with(html, "undo", button="Undo"), htmx=True)

    assert recorder.bodies()[1] == {"relationships": {"$account": {"add": [account_id]}}}
    assert account_id in linked_now(crm, contact.id)


def test_undoing_an_add_sends_the_matching_remove(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    account = unlinked_account(crm, contact)
    add = form_with(page_of(client, contact), "add")
    html = post(client, add, htmx=True, id=account.id).content.decode()

    post(client, form_with(html, "undo", button="Undo"), htmx=True)

    assert recorder.bodies()[1] == {"relationships": {"$account": {"remove": [account.id]}}}
    assert linked_now(crm, contact.id) == set(contact.related_ids("$account"))


def test_undoing_an_owner_change_puts_the_previous_owner_back(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    owner = contact.related_ids("$owner")[0]
    member = next(m for m in crm.list_members(limit=25).data if m.id != owner)
    picker = form_with(page_of(client, contact), "replace", button="Set")
    html = post(client, picker, htmx=True, id=member.id).content.decode()

    post(client, form_with(html, "undo", button="Undo"), htmx=True)

    assert recorder.bodies()[1] == {"relationships": {"$owner": {"replace": owner}}}


def test_undoing_a_replace_all_sends_operations_back_to_the_previous_set(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    before = list(contact.related_ids("$account"))
    new = [a.id for a in crm.list_accounts(limit=2, offset=80).data]
    replace = form_with(page_of(client, contact), "preview", button="Preview")
    confirm = replace.data(op="replace", confirm="1")
    confirm["ids"] = new
    html = client.post(replace.action, confirm, headers=HX).content.decode()

    post(client, form_with(html, "undo", button="Undo"), htmx=True)

    assert recorder.bodies()[1:] == [
        {"relationships": {"$account": {"remove": new}}},
        {"relationships": {"$account": {"add": before}}},
    ]
    assert linked_now(crm, contact.id) == set(before)


def test_undo_leaves_links_someone_else_made_meanwhile(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    mine, theirs = [a.id for a in crm.list_accounts(limit=25, offset=100).data[:2]]
    html = post(
        client, form_with(page_of(client, contact), "add"), htmx=True, id=mine
    ).content.decode()
    crm.update_contact(contact.id, relationships={"$account": {"add": [theirs]}})

    post(client, form_with(html, "undo", button="Undo"), htmx=True)

    assert theirs in linked_now(crm, contact.id)
    assert mine not in linked_now(crm, contact.id)


def test_after_an_undo_the_panel_offers_redo(client: Client, crm: LightfieldClient) -> None:
    contact = find_contact(crm)
    html = post(client, form_with(page_of(client, contact), "remove"), htmx=True).content.decode()

    html = post(client, form_with(html, "undo", button="Undo"), htmx=True).content.decode()

    assert "Undone." in html
    form_with(html, "undo", button="Redo")


def test_after_a_plain_post_the_contact_page_offers_undo_once(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    name = crm.get_account(contact.related_ids("$account")[0]).display_name
    post(client, form_with(page_of(client, contact), "remove"))

    html = page_of(client, contact)

    assert f"Removed {name} from Accounts." in html
    form_with(html, "undo", button="Undo")
    assert "Removed " not in page_of(client, contact)


def test_a_forged_undo_token_sends_nothing(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    add = form_with(page_of(client, contact), "add")

    html = post(client, add, htmx=True, op="undo", undo="forged").content.decode()

    assert recorder.writes == []
    assert 'role="alert"' in html
    assert "no longer available" in html


def test_the_redirect_keeps_the_from_parameter(client: Client, crm: LightfieldClient) -> None:
    contact = find_contact(crm)
    remove = form_with(page_of(client, contact, **{"from": "q=Jo&page=2"}), "remove")

    response = post(client, remove)

    assert response["Location"] == f"/contacts/{contact.id}/?from=q%3DJo%26page%3D2#relationships"


# -- the picker ------------------------------------------------------------------------------


def search_url(contact: Record, key: str = "$account") -> str:
    return f"/contacts/{contact.id}/relationships/{key}/search/"


def test_the_picker_asks_for_names_starting_with_the_typed_text_with_a_limit(
    client: Client, crm: LightfieldClient, sandbox_app: Any
) -> None:
    contact = find_contact(crm)
    client.get(f"/contacts/{contact.id}/")
    sandbox_app.request_log.reset()

    response = client.get(search_url(contact), {"q": "Ced", "list": "x"}, headers=HX)

    lists = sandbox_app.request_log.matching("GET", "/v1/accounts")
    assert len(lists) == 1
    query = parse_qs(lists[0][2])
    assert query["$name[startsWith]"] == ["Ced"]
    assert query["limit"] == ["10"]
    assert "Cedar Logistics" in response.content.decode()


def test_picker_options_show_a_second_line_to_tell_records_apart(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    html = client.get(search_url(contact), {"q": "Cedar", "list": "x"}, headers=HX)
    assert '<span class="detail">cedar-logistics.example</span>' in html.content.decode()


def test_picker_options_mark_records_already_linked(client: Client, crm: LightfieldClient) -> None:
    contact = find_contact(crm)
    account = crm.get_account(contact.related_ids("$account")[0])

    html = client.get(
        search_url(contact), {"q": account.display_name, "list": "x"}, headers=HX
    ).content.decode()

    option = re.search(rf'<li role="option"[^>]*data-id="{account.id}"[^>]*>.*?</li>', html)
    assert option
    assert 'aria-disabled="true"' in option.group(0)
    assert "already linked" in option.group(0)


def test_the_owner_picker_filters_the_cached_member_list_locally(
    client: Client, crm: LightfieldClient, sandbox_app: Any
) -> None:
    contact = find_contact(crm)
    client.get(search_url(contact, "$owner"), {"q": "E", "list": "x"}, headers=HX)
    sandbox_app.request_log.reset()

    html = client.get(
        search_url(contact, "$owner"), {"q": "Elif", "list": "x"}, headers=HX
    ).content.decode()

    assert sandbox_app.request_log.entries == []
    assert "Elif Demir" in html
    assert "elif.demir@lightfield-demo.example" in html


def test_contacts_are_searched_by_name_starting_with_the_typed_text(crm: LightfieldClient) -> None:
    from contacts_ui import relationships

    found = relationships.search("contact", "Jos")
    assert found
    assert all(c.name.startswith("Jos") for c in found)


def test_without_javascript_a_typed_name_lists_matches_to_choose_from(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    add = form_with(page_of(client, contact), "add")

    response = post(client, add, q="Cedar")

    assert response.status_code == 303
    assert recorder.writes == []
    html = page_of(client, contact)
    picker = form_with(html, "add", button="Add Cedar Logistics")
    assert ("q", "Cedar") in picker.fields
    choice = next(v for n, v, t in picker.buttons if t == "Add Cedar Logistics")

    post(client, picker, id=choice)

    assert recorder.bodies() == [{"relationships": {"$account": {"add": [choice]}}}]


# -- errors ----------------------------------------------------------------------------------


def test_an_unknown_id_shows_an_error_in_the_panel_and_keeps_the_choice(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    add = form_with(page_of(client, contact), "add")

    html = post(client, add, htmx=True, q="acc_doesnotexist").content.decode()

    assert re.search(r'role="alert"[^>]*>The CRM has no account with that id', html)
    assert 'name="q" value="acc_doesnotexist"' in html


def test_without_javascript_the_error_and_the_typed_text_survive_the_redirect(
    client: Client, crm: LightfieldClient
) -> None:
    contact = find_contact(crm)
    add = form_with(page_of(client, contact), "add")

    assert post(client, add, q="acc_doesnotexist").status_code == 303

    html = page_of(client, contact)
    assert "The CRM has no account with that id" in html
    assert 'name="q" value="acc_doesnotexist"' in html


def test_an_unknown_relationship_key_is_a_404_without_a_write(
    client: Client, crm: LightfieldClient, recorder: Recorder
) -> None:
    contact = find_contact(crm)
    page_of(client, contact)

    response = client.post(
        f"/contacts/{contact.id}/relationships/$nope/", {"op": "add", "id": "acc_1"}
    )

    assert response.status_code == 404
    assert recorder.writes == []


def test_writes_need_the_csrf_token(crm: LightfieldClient, recorder: Recorder) -> None:
    contact = find_contact(crm)
    client = Client(enforce_csrf_checks=True)
    client.get(f"/contacts/{contact.id}/")

    response = client.post(
        f"/contacts/{contact.id}/relationships/$account/",
        {"op": "remove", "id": contact.related_ids("$account")[0]},
    )

    assert response.status_code == 403
    assert recorder.writes == []


# -- roles -----------------------------------------------------------------------------------


def test_a_viewer_gets_403_and_nothing_is_sent_upstream(
    client: Client, crm: LightfieldClient, header_mode: None
) -> None:
    contact = find_contact(crm)
    cache.clear()
    before = crm.request_count

    response = client.post(
        f"/contacts/{contact.id}/relationships/$account/",
        {"op": "remove", "id": contact.related_ids("$account")[0]},
        headers={**sso("vic@example.com", "sales-viewers"), **HX},
    )

    assert response.status_code == 403
    assert crm.request_count == before


def test_a_viewer_sees_the_relationships_without_write_controls(
    client: Client, crm: LightfieldClient, header_mode: None
) -> None:
    contact = find_contact(crm)

    html = client.get(
        f"/contacts/{contact.id}/", headers=sso("vic@example.com", "sales-viewers")
    ).content.decode()

    assert ">Accounts</h3>" in html
    assert "/relationships/" not in html


def test_a_viewer_may_use_the_picker_search(
    client: Client, crm: LightfieldClient, header_mode: None
) -> None:
    contact = find_contact(crm)
    response = client.get(
        search_url(contact),
        {"q": "Ced", "list": "x"},
        headers={**sso("vic@example.com", "sales-viewers"), **HX},
    )
    assert response.status_code == 200


def test_an_editor_sees_the_write_controls(
    client: Client, crm: LightfieldClient, header_mode: None
) -> None:
    contact = find_contact(crm)
    html = client.get(
        f"/contacts/{contact.id}/", headers=sso("ed@example.com", "sales")
    ).content.decode()
    assert urlsplit(form_with(html, "remove").action).path == (
        f"/contacts/{contact.id}/relationships/$account/"
    )
