"""The list and contact pages, through the real client against the embedded sandbox."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, install_client, no_sleep

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r'class="row-link" href="/contacts/(con_[^/"]+)/', html)


def _summary(html: str) -> str:
    match = re.search(r'<p class="summary"[^>]*>([^<]+)</p>', html)
    assert match, "the page has no summary line"
    return match.group(1)


def test_the_list_shows_25_contacts_and_a_total_of_at_least_2000(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.get("/contacts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(_rows(html)) == 25
    first, last, total = re.match(r"(\d+)–(\d+) of ([\d,]+)", _summary(html)).groups()
    assert (first, last) == ("1", "25")
    assert int(total.replace(",", "")) >= 2000


def test_page_two_shows_the_next_25_contacts(client: Client, crm: LightfieldClient) -> None:
    first_page = _rows(client.get("/contacts/").content.decode())
    html = client.get("/contacts/?page=2").content.decode()
    assert _summary(html).startswith("26–50 of ")
    assert len(_rows(html)) == 25
    assert not set(first_page) & set(_rows(html))


def test_page_two_links_back_to_page_one_and_on_to_page_three(
    client: Client, crm: LightfieldClient
) -> None:
    html = client.get("/contacts/?page=2").content.decode()
    assert re.search(r'<a href="/contacts/\?page=1"[^>]* rel="prev"', html)
    assert re.search(r'<a href="/contacts/\?page=3"[^>]* rel="next"', html)


@pytest.mark.parametrize("junk", ["abc", "0", "-3", "1.5", ""])
def test_a_junk_page_number_redirects_to_the_first_page(
    client: Client, crm: LightfieldClient, junk: str
) -> None:
    response = client.get("/contacts/", {"page": junk})
    assert response.status_code == 302
    assert response["Location"] == "/contacts/?page=1"
    assert crm.request_count == 0


def test_a_page_past_the_end_redirects_to_the_last_page(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.get("/contacts/?page=100000")
    assert response.status_code == 302
    last_page = int(response["Location"].rsplit("=", 1)[1])
    landed = client.get(response["Location"])
    assert landed.status_code == 200
    assert 1 <= len(_rows(landed.content.decode())) <= 25
    assert f'aria-current="page">{last_page:,}<' in landed.content.decode()


def test_the_contact_page_shows_every_defined_field_with_its_label(
    client: Client, crm: LightfieldClient
) -> None:
    contact_id = _rows(client.get("/contacts/").content.decode())[0]
    definitions = crm.contact_definitions()
    html = client.get(f"/contacts/{contact_id}/").content.decode()
    for definition in definitions.field_definitions.values():
        assert f"<dt>{definition.label}" in html.replace("&#x27;", "'")


def test_the_contact_page_shows_values_as_readable_text(
    client: Client, crm: LightfieldClient
) -> None:
    record = crm.list_contacts(limit=25).data[0]
    name = record.value("$name")
    html = client.get(f"/contacts/{record.id}/").content.decode()
    assert f"{name['firstName']} {name['lastName']}".strip() in html
    assert "{&#x27;firstName" not in html
    assert "opt_" not in re.sub(r"<code>[^<]*</code>", "", html)


def test_read_only_fields_are_marked_on_the_contact_page(
    client: Client, crm: LightfieldClient
) -> None:
    definitions = crm.contact_definitions()
    read_only = [d.label for d in definitions.field_definitions.values() if d.read_only]
    assert read_only, "the demo workspace must have read-only fields"
    record = crm.list_contacts(limit=1).data[0]
    html = client.get(f"/contacts/{record.id}/").content.decode()
    for label in read_only:
        assert re.search(rf"<dt>{re.escape(label)} <span class=\"badge\"[^>]*>read-only", html)


def test_the_contact_page_links_to_the_record_in_lightfield(
    client: Client, crm: LightfieldClient
) -> None:
    record = crm.list_contacts(limit=1).data[0]
    html = client.get(f"/contacts/{record.id}/").content.decode()
    assert f'href="{record.http_link}"' in html


def test_an_unknown_contact_id_gives_the_404_page(client: Client, crm: LightfieldClient) -> None:
    response = client.get("/contacts/con_doesnotexist/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_an_id_with_odd_characters_never_reaches_the_crm(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.get("/contacts/con_1%2F..%2Fsecret/")
    assert response.status_code == 404
    assert crm.request_count == 0


def test_crm_values_are_escaped_not_rendered_as_html(client: Client, crm: LightfieldClient) -> None:
    record = crm.create_contact(
        fields={"$name": {"firstName": "<script>alert(1)</script>", "lastName": "X"}}
    )
    html = client.get(f"/contacts/{record.id}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_with_warm_caches_a_list_view_costs_at_most_one_upstream_call(
    client: Client, crm: LightfieldClient
) -> None:
    for page in range(1, 11):
        client.get(f"/contacts/?page={page}")
    before = crm.request_count
    for page in range(1, 11):
        assert client.get(f"/contacts/?page={page}").status_code == 200
    # Identical list requests within a couple of seconds share one answer, so it may be fewer.
    assert crm.request_count - before <= 10


def test_with_warm_caches_a_refreshed_contact_view_costs_one_upstream_call(
    client: Client, crm: LightfieldClient
) -> None:
    ids = _rows(client.get("/contacts/").content.decode())[:10]
    for contact_id in ids:
        client.get(f"/contacts/{contact_id}/")
    before = crm.request_count
    for contact_id in ids:
        assert client.get(f"/contacts/{contact_id}/?refresh=1").status_code == 200
    assert crm.request_count - before == 10


def test_a_contact_viewed_again_within_a_minute_costs_no_upstream_call(
    client: Client, crm: LightfieldClient
) -> None:
    contact_id = _rows(client.get("/contacts/").content.decode())[0]
    client.get(f"/contacts/{contact_id}/")
    before = crm.request_count
    response = client.get(f"/contacts/{contact_id}/")
    assert crm.request_count == before
    assert b"Fetched just now" in response.content


def test_a_cold_list_page_never_repeats_a_get(
    client: Client, crm: LightfieldClient, sandbox_app: object
) -> None:
    sandbox_app.request_log.reset()
    assert client.get("/contacts/?page=7").status_code == 200
    entries = sandbox_app.request_log.entries
    assert len(entries) == len(set(entries)) > 1


def test_a_cold_contact_page_never_repeats_a_get(
    client: Client, crm: LightfieldClient, sandbox_app: object
) -> None:
    record = crm.list_contacts(limit=25, offset=100).data[0]
    sandbox_app.request_log.reset()
    assert client.get(f"/contacts/{record.id}/").status_code == 200
    entries = sandbox_app.request_log.entries
    assert len(entries) == len(set(entries)) > 1


def test_definitions_are_fetched_once_not_per_view(
    client: Client, crm: LightfieldClient, sandbox_app: object
) -> None:
    sandbox_app.request_log.reset()
    for page in (1, 2, 3):
        client.get(f"/contacts/?page={page}")
    paths = [entry[1] for entry in sandbox_app.request_log.entries]
    assert paths.count("/v1/contacts/definitions") == 1


@pytest.fixture
def unreachable_crm() -> Iterator[LightfieldClient]:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.MockTransport(refuse),
        sleep=no_sleep,
    )
    yield from install_client(client)


def test_a_crm_that_cannot_be_reached_gives_a_banner_with_a_retry_link(
    client: Client, unreachable_crm: LightfieldClient
) -> None:
    response = client.get("/contacts/?page=3")
    html = response.content.decode()
    assert response.status_code == 502
    assert 'role="alert"' in html
    assert "cannot be reached" in html
    assert 'href="/contacts/?page=3"' in html
    assert "Traceback" not in html


def test_the_detail_page_of_an_unreachable_crm_gives_the_banner_too(
    client: Client, unreachable_crm: LightfieldClient
) -> None:
    response = client.get("/contacts/con_abc/")
    assert response.status_code == 502
    assert b"cannot be reached" in response.content


@pytest.fixture
def rate_limited_crm(make_sandbox) -> Iterator[LightfieldClient]:  # type: ignore[no-untyped-def]
    # A frozen clock means the sandbox's token bucket never refills: every request past the
    # first is answered 429, and the client must give up within its retry budget.
    app = make_sandbox(rate_limit=1.0, clock=lambda: 1_900_000_000.0)
    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=app),
        sleep=no_sleep,
    )
    client.list_contacts(limit=1)  # spends the search bucket's only token
    yield from install_client(client)


def test_a_rate_limit_beyond_the_retry_budget_gives_a_busy_banner(
    client: Client, rate_limited_crm: LightfieldClient
) -> None:
    response = client.get("/contacts/")
    assert response.status_code == 503
    assert b"The CRM is busy" in response.content


def test_reloading_definitions_by_hand_fetches_them_again(
    client: Client, crm: LightfieldClient, sandbox_app: object
) -> None:
    client.get("/contacts/")
    sandbox_app.request_log.reset()
    response = client.post("/contacts/definitions/refresh/", {"next": "/contacts/?page=4"})
    assert response.status_code == 302
    assert response["Location"] == "/contacts/?page=4"
    assert [entry[1] for entry in sandbox_app.request_log.entries] == ["/v1/contacts/definitions"]


def test_reloading_definitions_never_redirects_to_another_site(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.post("/contacts/definitions/refresh/", {"next": "//evil.example/x"})
    assert response["Location"] == "/contacts/"


def test_reloading_definitions_needs_the_csrf_token(crm: LightfieldClient) -> None:
    response = Client(enforce_csrf_checks=True).post("/contacts/definitions/refresh/")
    assert response.status_code == 403


def test_a_contact_changed_in_the_crm_shows_its_new_value_once_refreshed(
    client: Client, crm: LightfieldClient
) -> None:
    contact = crm.list_contacts(limit=1).data[0]
    client.get(f"/contacts/{contact.id}/")  # fields rendered and kept
    crm.update_contact(contact.id, fields={"$title": "Chief Cartographer"})
    html = client.get(f"/contacts/{contact.id}/?refresh=1").content.decode()
    assert "Chief Cartographer" in html
