"""Nothing the CRM sends can break a page, leak a script, or lose a person's data.

Each property draws a CRM workspace of any shape the JSON contract allows and some it does not
(see hostile_support), serves it through respx at the real client's HTTP transport, and drives
the dashboard's views with Django's test client.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts_ui.models import AuditEntry
from tests.integration.hostile_support import (
    CONTACT_ID,
    HostileCRM,
    Scenario,
    foreign_markup,
    hostile_crm,
    post_form,
    read_form,
    record_ids,
    scenarios,
    text,
)

pytestmark = pytest.mark.django_db
DETAIL = f"/contacts/{CONTACT_ID}/"
EDIT = f"/contacts/{CONTACT_ID}/edit/"
HTMX = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{DETAIL}"}
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

AUDIT_PROPERTY = settings(PROPERTY, max_examples=60)


def typed(strings: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Return what a person could type of ``strings``: a browser sends U+FFFD for a surrogate."""
    return strings.map(lambda value: value.encode("utf-8", "replace").decode("utf-8"))


@pytest.fixture
def crm() -> Iterator[HostileCRM]:
    yield from hostile_crm()


def serve(crm: HostileCRM, scenario: Scenario) -> None:
    """Make the CRM answer ``scenario``, with nothing left over from the previous example."""
    crm.scenario = scenario
    crm.writes.clear()
    cache.clear()


def assert_page_is_ours(response: Any) -> str:
    assert response.status_code < 500, response.status_code
    html = response.content.decode("utf-8")
    assert foreign_markup(html) == []
    return html


@PROPERTY
@given(scenario=scenarios())
def test_the_list_page_renders_any_payload_safely(
    client: Client, crm: HostileCRM, scenario: Scenario
) -> None:
    serve(crm, scenario)
    assert_page_is_ours(client.get("/contacts/"))


@PROPERTY
@given(scenario=scenarios())
def test_an_htmx_search_renders_any_payload_safely(
    client: Client, crm: HostileCRM, scenario: Scenario
) -> None:
    serve(crm, scenario)
    assert_page_is_ours(client.get("/contacts/?q=a&page=2", headers={"HX-Request": "true"}))


@PROPERTY
@given(scenario=scenarios())
def test_the_contact_page_renders_any_payload_safely(
    client: Client, crm: HostileCRM, scenario: Scenario
) -> None:
    serve(crm, scenario)
    assert_page_is_ours(client.get(DETAIL))


@PROPERTY
@given(scenario=scenarios())
def test_the_edit_page_renders_any_payload_safely(
    client: Client, crm: HostileCRM, scenario: Scenario
) -> None:
    serve(crm, scenario)
    assert_page_is_ours(client.get(EDIT))


@PROPERTY
@given(scenario=scenarios())
def test_a_browser_can_submit_any_edit_form_it_was_given(
    client: Client, crm: HostileCRM, scenario: Scenario
) -> None:
    serve(crm, scenario)
    form = read_form(assert_page_is_ours(client.get(EDIT)))
    assert form.blocked == []


@PROPERTY
@given(scenario=scenarios())
def test_an_edit_form_posted_back_untouched_sends_nothing(
    client: Client, crm: HostileCRM, scenario: Scenario
) -> None:
    serve(crm, scenario)
    form = read_form(assert_page_is_ours(client.get(EDIT)))
    response = post_form(client, EDIT, form)
    assert crm.writes == []
    assert response.status_code == 302, response.content.decode()[:2000]


@PROPERTY
@given(scenario=scenarios(), chosen=typed(record_ids))
def test_a_relationship_panel_action_renders_any_payload_safely(
    client: Client, crm: HostileCRM, scenario: Scenario, chosen: str
) -> None:
    serve(crm, scenario)
    assert_page_is_ours(
        client.post(
            f"{DETAIL}relationships/$account/",
            {"op": "add", "id": chosen, "q": chosen},
            headers=HTMX,
        )
    )


@PROPERTY
@given(scenario=scenarios(), query=typed(text))
def test_the_relationship_picker_renders_any_payload_safely(
    client: Client, crm: HostileCRM, scenario: Scenario, query: str
) -> None:
    serve(crm, scenario)
    assert_page_is_ours(
        client.get(f"{DETAIL}relationships/$account/search/", {"q": query}, headers=HTMX)
    )


audit_values = st.one_of(text, st.lists(text, max_size=2), st.none())


@AUDIT_PROPERTY
@given(
    username=text,
    record_id=record_ids,
    before=audit_values,
    after=audit_values,
    replaced=st.one_of(record_ids, st.none(), st.lists(record_ids, max_size=2)),
)
def test_the_audit_log_renders_any_recorded_text_safely(
    client: Client, username: str, record_id: str, before: Any, after: Any, replaced: Any
) -> None:
    AuditEntry.objects.all().delete()
    AuditEntry.objects.create(
        username=scrub_for_db(username),
        action=AuditEntry.Action.RELATIONSHIP,
        record_id=scrub_for_db(record_id)[:100],
        changes={"$title": {"before": before, "after": after}},
        relationships={"$owner": {"replace": replaced}},
        result=AuditEntry.Result.OK,
    )
    assert_page_is_ours(client.get("/audit/"))


def scrub_for_db(value: str) -> str:
    """Drop what SQLite cannot store; the audit log only ever holds text that came through."""
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


@AUDIT_PROPERTY
@given(username=text, record_id=record_ids)
def test_no_audit_csv_cell_starts_a_spreadsheet_formula(
    client: Client, username: str, record_id: str
) -> None:
    AuditEntry.objects.all().delete()
    AuditEntry.objects.create(
        username=scrub_for_db(username),
        action=AuditEntry.Action.UPDATE,
        record_id=scrub_for_db(record_id)[:100],
        error_code="=1+1",
        result=AuditEntry.Result.FAILED,
    )
    response = client.get("/audit/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
