"""The new-contact form's account and owner: the contact page's picker, with and without
JavaScript, a failed save that keeps the choice, and the owner that starts as the signed-in
person when a CRM member has their email."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test import Client, override_settings

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from dashboard.config import AppSettings
from tests.conftest import SANDBOX_KEY, SANDBOX_URL
from tests.integration.form_support import (  # noqa: F401 — the `recorder` fixture
    FormData,
    Recorder,
    crm_error,
    form_data,
    open_form,
    recorder_fixture,
)
from tests.integration.sso import HEADER_MODE, sso

pytestmark = pytest.mark.django_db

NEW = "/contacts/new/"
HX = {"HX-Request": "true"}
ACCOUNT_ID, ACCOUNT_Q, ACCOUNT_NAME = (
    "relationships.$account",
    "relationships.$account.q",
    "relationships.$account.name",
)
OWNER_ID, OWNER_Q, OWNER_NAME = (
    "relationships.$owner",
    "relationships.$owner.q",
    "relationships.$owner.name",
)


def _person(client: Client, email: str = "ada.picker@example.com") -> FormData:
    data = open_form(client, NEW)
    data["fields.$name_firstName"] = ["Ada"]
    data["fields.$name_lastName"] = ["Lovelace"]
    data["fields.$email"] = [email]
    return data


def _chosen(data: FormData, prefix: str, record: Record) -> FormData:
    """Fill a picker in as the typeahead does: the id, the name it was chosen by, the box."""
    data[prefix] = [record.id]
    data[f"{prefix}.name"] = [record.display_name]
    data[f"{prefix}.q"] = [record.display_name]
    return data


def _account(crm: LightfieldClient, offset: int = 0) -> Record:
    return crm.list_accounts(limit=1, offset=offset).data[0]


def _created(crm: LightfieldClient, response: Any) -> Record:
    assert response.status_code == 302, response.content.decode()[:2000]
    return crm.get_contact(response["Location"].split("/")[2])


def _value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no input named {name}"
    return match.group(1)


def _new_account(sandbox_app: Any, name: str, website: str) -> str:
    with httpx.Client(
        transport=httpx.WSGITransport(app=sandbox_app),
        base_url=SANDBOX_URL,
        headers={"Authorization": f"Bearer {SANDBOX_KEY}", "Lightfield-Version": "2026-03-01"},
    ) as http:
        response = http.post(
            "/v1/accounts", json={"fields": {"$name": name, "$website": [website]}}
        )
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])


# -- the account -----------------------------------------------------------------------------


def test_the_account_is_the_contact_pages_picker_not_a_datalist(
    client: Client, recorder: Recorder
) -> None:
    html = client.get(NEW).content.decode()
    box = re.search(r'<input type="text" id="pick-account"[^>]*>', html)
    assert box
    assert 'role="combobox"' in box.group(0)
    assert 'data-picker="fill"' in box.group(0)
    assert 'hx-get="/contacts/new/relationships/$account/search/"' in box.group(0)
    assert '<ul role="listbox" id="pick-account-listbox"' in html
    assert 'name="find" value="$account"' in html
    assert "<datalist" not in html
    assert "js/relationships.js" in html


def test_the_old_account_suggestions_address_is_gone(client: Client, recorder: Recorder) -> None:
    assert client.get("/contacts/new/accounts/", {"q": "Ced"}, headers=HX).status_code == 404


def test_the_account_search_lists_options_with_a_detail_that_tells_namesakes_apart(
    client: Client, recorder: Recorder
) -> None:
    response = client.get(
        "/contacts/new/relationships/$account/search/",
        {ACCOUNT_Q: "Cedar", "list": "pick-account-listbox"},
        headers=HX,
    )
    html = response.content.decode()
    assert re.search(
        r'<li role="option" id="pick-account-listbox-1" class="option" aria-selected="false" '
        r'data-id="acc_[^"]+" data-name="Cedar Logistics[^"]*">',
        html,
    )
    assert '<span class="detail">cedar-logistics.example</span>' in html
    assert "aria-disabled" not in html  # nothing is linked to a contact that does not exist


def test_the_account_search_says_when_nothing_matches(client: Client, recorder: Recorder) -> None:
    html = client.get(
        "/contacts/new/relationships/$account/search/", {"q": "Zzyzx", "list": "x"}, headers=HX
    ).content.decode()
    assert "No account name starts with “Zzyzx”." in html


def test_the_search_of_a_relationship_the_crm_does_not_have_is_a_404(
    client: Client, recorder: Recorder
) -> None:
    response = client.get("/contacts/new/relationships/$nope/search/", {"q": "A"}, headers=HX)
    assert response.status_code == 404


def test_a_chosen_account_is_sent_as_the_account_relationship_of_the_create(
    client: Client, recorder: Recorder
) -> None:
    crm = recorder_client()
    account = _account(crm, 7)
    data = _chosen(_person(client), ACCOUNT_ID, account)
    contact = _created(crm, client.post(NEW, data))
    (body,) = recorder.bodies()
    assert body["relationships"]["$account"] == account.id
    assert contact.related_ids("$account") == (account.id,)


def test_without_javascript_find_lists_the_matches_keeps_everything_and_creates_nothing(
    client: Client, recorder: Recorder
) -> None:
    data = _person(client)
    data["fields.$title"] = ["Analyst"]
    data[ACCOUNT_Q] = ["Cedar"]
    data["find"] = ["$account"]
    response = client.post(NEW, data)
    html = response.content.decode()

    assert response.status_code == 200
    assert recorder.writes() == []
    assert "was not saved" not in html  # a search, not a failed save
    assert 'class="errorlist"' not in html
    assert 'value="Analyst"' in html
    assert 'value="ada.picker@example.com"' in html
    assert _value(html, ACCOUNT_Q) == "Cedar"
    assert re.search(r"<legend>Accounts starting with “Cedar”</legend>", html)
    first = re.search(r'<button type="submit" name="relationships\.\$account\.choose"[^>]*>', html)
    assert first
    assert "formnovalidate" in first.group(0)
    assert "autofocus" in first.group(0)  # the keyboard lands on the first match
    assert '<span class="detail">cedar-logistics.example</span>' in html
    assert 'data-dirty="true"' in html  # leaving would lose what was typed
    assert _value(html, "idempotency_key") == data["idempotency_key"][0]


def test_find_with_nothing_typed_says_what_to_type(client: Client, recorder: Recorder) -> None:
    data = _person(client)
    data["find"] = ["$account"]
    html = client.post(NEW, data).content.decode()
    assert "Type the start of a name to find accounts." in html
    assert recorder.writes() == []


def test_without_javascript_choosing_a_match_fills_the_picker_in_and_creates_nothing(
    client: Client, recorder: Recorder
) -> None:
    crm = recorder_client()
    data = _person(client)
    data[ACCOUNT_Q] = ["Cedar"]
    data["find"] = ["$account"]
    found = client.post(NEW, data).content.decode()
    choose = re.search(r'name="relationships\.\$account\.choose" value="([^"]+)"', found)
    assert choose

    chosen = form_data(found)
    chosen[f"{ACCOUNT_ID}.choose"] = [choose.group(1)]
    html = client.post(NEW, chosen).content.decode()
    assert recorder.writes() == []
    assert _value(html, ACCOUNT_ID) == choose.group(1)
    assert _value(html, ACCOUNT_Q) == _value(html, ACCOUNT_NAME)
    assert _value(html, ACCOUNT_NAME).startswith("Cedar")
    assert re.search(r'<input type="text" id="pick-account"[^>]*autofocus', html)

    contact = _created(crm, client.post(NEW, form_data(html)))
    assert contact.related_ids("$account") == (choose.group(1),)


def test_a_failed_save_keeps_the_chosen_account(client: Client, recorder: Recorder) -> None:
    account = _account(recorder_client(), 3)
    data = _chosen(_person(client, email="not an email"), ACCOUNT_ID, account)
    html = client.post(NEW, data).content.decode()
    assert "The contact was not saved." in html
    assert _value(html, ACCOUNT_ID) == account.id
    assert _value(html, ACCOUNT_NAME) == account.display_name
    assert _value(html, ACCOUNT_Q) == account.display_name
    assert recorder.writes() == []


def test_crm_trouble_on_save_keeps_the_chosen_account_and_everything_typed(
    client: Client, recorder: Recorder
) -> None:
    account = _account(recorder_client(), 4)
    data = _chosen(_person(client), ACCOUNT_ID, account)
    recorder.override = lambda request: (
        crm_error(503, {"type": "service_unavailable", "message": "down"})
        if request.method == "POST"
        else None
    )
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 502  # CRM trouble: a bad gateway
    assert "Nothing you typed is lost" in html
    assert _value(html, ACCOUNT_ID) == account.id
    assert _value(html, ACCOUNT_Q) == account.display_name


def test_the_crms_complaint_about_the_account_lands_on_the_account_picker(
    client: Client, recorder: Recorder
) -> None:
    data = _person(client)
    data[ACCOUNT_ID] = ["acc_doesnotexist"]
    data[ACCOUNT_NAME] = ["Gone Ltd"]
    data[ACCOUNT_Q] = ["Gone Ltd"]
    html = client.post(NEW, data).content.decode()
    error = re.search(r'<ul class="errorlist" id="pick-account-error"><li>([^<]+)</li>', html)
    assert error
    assert "The CRM did not accept this" in error.group(1)
    assert '<a href="#pick-account" data-error-link>Account:' in html
    assert re.search(r'<input type="text" id="pick-account"[^>]*aria-invalid="true"', html)
    assert _value(html, ACCOUNT_ID) == "acc_doesnotexist"  # kept, to fix or clear


def test_an_exact_account_name_typed_without_choosing_is_linked(
    client: Client, recorder: Recorder
) -> None:
    crm = recorder_client()
    account = _account(crm, 9)
    data = _person(client)
    data[ACCOUNT_Q] = [account.display_name]
    contact = _created(crm, client.post(NEW, data))
    assert contact.related_ids("$account") == (account.id,)


def test_a_name_several_accounts_share_lists_them_to_choose_from_and_creates_nothing(
    client: Client, recorder: Recorder, sandbox_app: Any
) -> None:
    first = _new_account(sandbox_app, "Twin Works", "https://twin-berlin.example")
    second = _new_account(sandbox_app, "Twin Works", "https://twin-lyon.example")
    recorder.requests.clear()
    data = _person(client)
    data[ACCOUNT_Q] = ["Twin Works"]
    html = client.post(NEW, data).content.decode()

    assert recorder.writes() == []
    assert "Several accounts are called “Twin Works”" in html
    for account_id, detail in ((first, "twin-berlin.example"), (second, "twin-lyon.example")):
        assert re.search(
            rf'value="{account_id}"[^>]*>Choose Twin Works</button> '
            rf'<span class="detail">{detail}</span>',
            html,
        )
    assert 'value="Ada"' in html


def test_an_unknown_account_name_is_an_error_on_the_picker_and_nothing_is_created(
    client: Client, recorder: Recorder
) -> None:
    data = _person(client)
    data[ACCOUNT_Q] = ["No Such Account Ltd"]
    html = client.post(NEW, data).content.decode()
    assert re.search(r'id="pick-account-error"><li>No account name starts with', html)
    assert _value(html, ACCOUNT_Q) == "No Such Account Ltd"
    assert recorder.writes() == []


def test_a_box_changed_after_choosing_no_longer_means_the_chosen_account(
    client: Client, recorder: Recorder
) -> None:
    crm = recorder_client()
    chosen, typed = _account(crm, 1), _account(crm, 2)
    data = _chosen(_person(client), ACCOUNT_ID, chosen)
    data[ACCOUNT_Q] = [typed.display_name]  # no JavaScript cleared the id
    contact = _created(crm, client.post(NEW, data))
    assert contact.related_ids("$account") == (typed.id,)


def test_a_duplicate_email_is_still_offered_and_the_chosen_account_kept(
    client: Client, recorder: Recorder
) -> None:
    crm = recorder_client()
    existing = next(r for r in crm.list_contacts(limit=25).data if r.value("$email"))
    account = _account(crm, 5)
    data = _chosen(_person(client, email=existing.value("$email")[0]), ACCOUNT_ID, account)
    html = client.post(NEW, data).content.decode()
    assert "is already in the CRM" in html
    assert _value(html, ACCOUNT_ID) == account.id
    assert recorder.writes() == []


def test_the_edit_form_has_no_pickers(client: Client, recorder: Recorder) -> None:
    contact = recorder_client().list_contacts(limit=1).data[0]
    html = client.get(f"/contacts/{contact.id}/edit/").content.decode()
    assert "data-picker" not in html
    assert 'name="find"' not in html


# -- the owner -------------------------------------------------------------------------------


@pytest.fixture
def header_mode() -> Iterator[None]:
    with override_settings(DASHBOARD=AppSettings(**HEADER_MODE)):
        yield


def _member(crm: LightfieldClient, first_name: str) -> Record:
    return next(m for m in crm.list_members(limit=25).data if m.display_name.startswith(first_name))


def _as(email: str) -> Client:
    return Client(headers=sso(email, "sales"))


@pytest.mark.parametrize(
    "signed_in_as",
    ["alex.rivera@lightfield-demo.example", "  Alex.Rivera@Lightfield-Demo.EXAMPLE "],
)
def test_the_owner_starts_as_the_member_with_the_signed_in_email(
    recorder: Recorder, header_mode: None, signed_in_as: str
) -> None:
    alex = _member(recorder_client(), "Alex")
    html = _as(signed_in_as).get(NEW).content.decode()
    assert _value(html, OWNER_ID) == alex.id
    assert _value(html, OWNER_Q) == alex.display_name == _value(html, OWNER_NAME)
    assert "Set to you" in html


def test_without_a_member_with_that_email_the_owner_starts_empty(
    recorder: Recorder, header_mode: None
) -> None:
    html = _as("someone.else@example.com").get(NEW).content.decode()
    assert _value(html, OWNER_ID) == ""
    assert _value(html, OWNER_Q) == ""
    assert "Set to you" not in html


def test_the_demo_user_is_no_member_so_the_owner_starts_empty(
    client: Client, recorder: Recorder
) -> None:
    assert _value(client.get(NEW).content.decode(), OWNER_ID) == ""


def test_the_default_owner_is_sent_as_the_owner_relationship_of_the_create(
    recorder: Recorder, header_mode: None
) -> None:
    crm = recorder_client()
    alex = _member(crm, "Alex")
    client = _as("alex.rivera@lightfield-demo.example")
    contact = _created(crm, client.post(NEW, _person(client)))
    (body,) = recorder.bodies()
    assert body["relationships"] == {"$owner": alex.id}
    assert contact.related_ids("$owner") == (alex.id,)


def test_the_person_can_give_the_contact_another_owner(
    recorder: Recorder, header_mode: None
) -> None:
    crm = recorder_client()
    grace = _member(crm, "Grace")
    client = _as("alex.rivera@lightfield-demo.example")
    data = _chosen(_person(client), OWNER_ID, grace)
    contact = _created(crm, client.post(NEW, data))
    assert contact.related_ids("$owner") == (grace.id,)


def test_clearing_the_owner_box_creates_the_contact_without_an_owner(
    recorder: Recorder, header_mode: None
) -> None:
    crm = recorder_client()
    client = _as("alex.rivera@lightfield-demo.example")
    data = _person(client)
    data[OWNER_Q] = [""]  # without JavaScript the id stays; the empty box is what counts
    contact = _created(crm, client.post(NEW, data))
    (body,) = recorder.bodies()
    assert "relationships" not in body
    assert contact.related_ids("$owner") == ()


def test_an_owner_typed_by_exact_name_is_found_in_the_member_list(
    recorder: Recorder, header_mode: None
) -> None:
    crm = recorder_client()
    grace = _member(crm, "Grace")
    client = _as("someone.else@example.com")
    data = _person(client)
    data[OWNER_Q] = [grace.display_name.upper()]
    contact = _created(crm, client.post(NEW, data))
    assert contact.related_ids("$owner") == (grace.id,)


def test_the_default_owner_costs_one_member_list_call_per_cache_lifetime(
    recorder: Recorder, header_mode: None, sandbox_app: Any
) -> None:
    client = _as("alex.rivera@lightfield-demo.example")
    sandbox_app.request_log.reset()
    client.get(NEW)
    first = len(sandbox_app.request_log.matching("GET", "/v1/members"))
    sandbox_app.request_log.reset()
    for _ in range(3):
        client.get(NEW)
    assert first == 1
    # Every later form reads the cached list: no CRM call at all for the default.
    assert sandbox_app.request_log.entries == []


def test_when_the_crm_cannot_list_members_the_form_opens_without_a_default_owner(
    recorder: Recorder, header_mode: None
) -> None:
    recorder.override = lambda request: (
        crm_error(503, {"type": "service_unavailable", "message": "down"})
        if request.url.path == "/v1/members"
        else None
    )
    response = _as("alex.rivera@lightfield-demo.example").get(NEW)
    assert response.status_code == 200
    assert _value(response.content.decode(), OWNER_ID) == ""


def recorder_client() -> LightfieldClient:
    """Return the client the dashboard uses (the recording one)."""
    from contacts_ui.services.backend import get_crm

    crm = get_crm()
    assert isinstance(crm, LightfieldClient)
    return crm
