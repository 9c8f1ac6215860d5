"""The list's row renderer: the registry's HTML, escaped, reused only while it is valid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.safestring import SafeString

from contacts_ui.crm.models import Definitions, Record
from contacts_ui.fields import DisplayContext, display_html
from contacts_ui.fields.display import format_relative, relative_valid_until
from contacts_ui.listing.columns import Column
from contacts_ui.listing.rows import RowRenderer, clear_cache

NOW = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)
DEFINITIONS = Definitions.model_validate(
    {
        "objectType": "contact",
        "fieldDefinitions": {
            "$name": {"label": "Name", "valueType": "FULL_NAME"},
            "$title": {"label": "Title", "valueType": "TEXT"},
        },
        "relationshipDefinitions": {
            "$account": {"label": "Account", "objectType": "account", "slug": "account"},
        },
    }
)
COLUMNS = [
    Column("$title", "Title", "field"),
    Column("rel:$account", "Account", "relationship"),
    Column("meta:updatedAt", "Updated", "meta"),
]


def record(title: str, updated_at: str = "2026-05-02T11:00:00Z", account: str = "acc_1") -> Record:
    return Record.model_validate(
        {
            "id": "con_1",
            "updatedAt": updated_at,
            "fields": {
                "$name": {
                    "valueType": "FULL_NAME",
                    "value": {"firstName": "Ana", "lastName": "Li"},
                },
                "$title": {"valueType": "TEXT", "value": title},
            },
            "relationships": {"$account": {"cardinality": "has_one", "values": [account]}},
        }
    )


def render(rec: Record, names: dict[str, str], now: datetime = NOW) -> str:
    renderer = RowRenderer(
        COLUMNS,
        DEFINITIONS,
        DisplayContext(now=now, compact=True),
        list_base="/contacts/",
        detail_url=lambda i: f"/contacts/{i}/",
        here="page=2",
        backend_key="test",
    )
    return str(renderer.rows([rec], names)[0].html)


@pytest.fixture(autouse=True)
def _fresh_rows() -> None:
    clear_cache()


def test_a_row_shows_the_cells_the_field_registry_renders() -> None:
    html = render(record("CFO"), {"acc_1": "Acme"})
    context = DisplayContext(now=NOW, compact=True)
    title = display_html("TEXT", "CFO", None, context)
    updated = display_html("DATETIME", "2026-05-02T11:00:00Z", None, context)
    assert f'<td data-label="Title">{title}</td>' in html
    assert f'<td data-label="Updated">{updated}</td>' in html
    assert '<a class="row-link" href="/contacts/con_1/?from=page%3D2">Ana Li</a>' in html
    assert '<a href="/contacts/?f.%24account=acc_1">Acme</a>' in html


def test_a_record_whose_id_cannot_be_routed_is_shown_without_a_link() -> None:
    renderer = RowRenderer(
        COLUMNS,
        DEFINITIONS,
        DisplayContext(now=NOW, compact=True),
        list_base="/contacts/",
        detail_url=lambda _id: None,
        here="page=2",
        backend_key="test",
    )
    html = str(renderer.rows([record("CFO")], {})[0].html)
    assert html.startswith('<tr><th scope="row">Ana Li</th>')


def test_values_from_the_crm_are_escaped_in_every_cell() -> None:
    html = render(record("<b>boss</b>"), {"acc_1": '"><script>x</script>'})
    assert "<b>" not in html
    assert "<script>" not in html
    assert "&lt;b&gt;boss&lt;/b&gt;" in html


def test_a_record_updated_since_is_rendered_again() -> None:
    render(record("CFO"), {"acc_1": "Acme"})
    html = render(record("CEO", updated_at="2026-05-02T11:30:00Z"), {"acc_1": "Acme"})
    assert "CEO" in html


def test_an_unchanged_record_is_served_from_the_cache() -> None:
    render(record("CFO"), {"acc_1": "Acme"})
    # Same id and updatedAt: the cached cells win even over different data, which is exactly
    # why the key holds updatedAt (the CRM changes it on every write).
    assert "CFO" in render(record("CEO"), {"acc_1": "Acme"})


def test_a_renamed_related_record_shows_its_new_name() -> None:
    render(record("CFO"), {"acc_1": "Acme"})
    assert ">Acme Corp</a>" in render(record("CFO"), {"acc_1": "Acme Corp"})


def test_a_newly_linked_record_shows_even_when_updated_at_did_not_move() -> None:
    render(record("CFO"), {"acc_1": "Acme"})
    assert ">Globex</a>" in render(record("CFO", account="acc_2"), {"acc_2": "Globex"})


def test_a_relative_date_is_rendered_again_once_its_text_would_change() -> None:
    first = render(record("CFO"), {"acc_1": "Acme"})
    later = render(record("CFO"), {"acc_1": "Acme"}, now=NOW + timedelta(hours=2))
    assert ">1\xa0hour ago</time>" in first
    assert ">3\xa0hours ago</time>" in later


@pytest.mark.parametrize(
    "distance",
    [
        timedelta(seconds=5),
        timedelta(seconds=59),
        timedelta(minutes=7, seconds=13),
        timedelta(hours=5, minutes=59),
        timedelta(days=3, hours=4),
        timedelta(days=40),
        timedelta(days=800, minutes=3),
        -timedelta(seconds=30),
        -timedelta(minutes=90),
        -timedelta(days=10, hours=2),
    ],
)
def test_relative_text_holds_until_the_moment_it_is_said_to_change(distance: timedelta) -> None:
    moment = NOW - distance
    until = datetime.fromtimestamp(relative_valid_until(moment, NOW), UTC)
    assert until > NOW or distance < timedelta(0)
    text = format_relative(moment, NOW)
    steps = 50
    for step in range(steps):
        when = NOW + (until - NOW) * step / steps
        assert format_relative(moment, when) == text, when


def test_a_cell_drawn_while_a_name_was_pending_is_drawn_again_once_it_is_known() -> None:
    pending = SafeString('<span class="name-pending rn-1">acc_1 (name pending)</span>')
    assert "(name pending)" in render(record("CFO"), {"acc_1": pending})
    named = SafeString('<span class="name rn-1">Acme</span>')
    html = render(record("CFO"), {"acc_1": named})
    assert ">Acme</span></a>" in html
    assert "pending" not in html
