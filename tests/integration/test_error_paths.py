"""Error paths: htmx failures answer with a banner, the 500 page needs nothing, CSV is inert."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from django.test import Client, RequestFactory

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.models import AuditEntry
from contacts_ui.templatetags.contacts_tags import id_list
from contacts_ui.views.audit import csv_cell
from contacts_ui.views.errors import server_error
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, install_client, no_sleep
from tests.integration.hostile_support import post_form, read_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_crm(make_sandbox: Callable[..., object]) -> Iterator[LightfieldClient]:
    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=make_sandbox(error_rate=1.0)),
        max_retries=0,
        sleep=no_sleep,
    )
    yield from install_client(client)


def test_an_htmx_request_that_meets_a_crm_failure_gets_a_banner_it_can_swap(
    client: Client, failing_crm: LightfieldClient
) -> None:
    response = client.get(
        "/contacts/?page=2",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/contacts/"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#crm-banner"
    assert response["HX-Reswap"] == "innerHTML"
    assert response["HX-Push-Url"] == "false"
    assert b'role="alert"' in response.content
    assert b"<html" not in response.content


def test_a_full_page_that_meets_a_crm_failure_still_gets_the_error_page(
    client: Client, failing_crm: LightfieldClient
) -> None:
    response = client.get("/contacts/")
    assert response.status_code in {502, 503}
    assert b"<html" in response.content


def test_the_500_page_renders_without_a_request_context() -> None:
    request = RequestFactory().get("/contacts/")
    response = server_error(request)
    assert response.status_code == 500
    assert b'href="/contacts/"' in response.content


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_csv_cell_that_would_start_a_formula_is_quoted_as_text(cell: str) -> None:
    assert csv_cell(cell) == f"'{cell}"


def test_a_has_one_replace_is_one_id_not_its_characters() -> None:
    assert id_list("mem_9") == ["mem_9"]
    assert id_list(None) == []


def test_the_audit_table_shows_a_has_one_replace_as_one_id(client: Client) -> None:
    AuditEntry.objects.create(
        username="ana@example.com",
        action=AuditEntry.Action.RELATIONSHIP,
        record_id="con_1",
        relationships={"$owner": {"replace": "mem_9"}},
        result=AuditEntry.Result.OK,
    )
    html = client.get("/audit/").content.decode()
    assert "set to mem_9" in html
    assert "m, e, m" not in html


def test_a_one_time_message_rides_the_session_not_an_unpartitioned_cookie(
    client: Client, crm: LightfieldClient
) -> None:
    contact = crm.list_contacts(limit=1).data[0]
    edit = f"/contacts/{contact.id}/edit/"
    response = post_form(client, edit, read_form(client.get(edit).content.decode()))
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert list(client.get(response["Location"]).context["messages"])
