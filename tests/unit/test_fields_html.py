"""Values rendered as HTML: links only where safe, CRM content always escaped or sanitised."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from contacts_ui.crm.models import FieldDefinition
from contacts_ui.fields import DisplayContext, display_html

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _definition(value_type: str, **type_configuration: object) -> FieldDefinition:
    return FieldDefinition.model_validate(
        {
            "label": "x",
            "description": None,
            "valueType": value_type,
            "typeConfiguration": type_configuration,
        }
    )


def test_emails_become_mailto_links() -> None:
    html = display_html("EMAIL", ["ana@example.com"])
    assert '<a href="mailto:ana@example.com">ana@example.com</a>' in html


def test_phone_numbers_are_formatted_and_dial_as_e164() -> None:
    html = display_html("TELEPHONE", ["+33141815209;ext=12"])
    assert 'href="tel:+33141815209;ext=12"' in html
    assert "+33 1 41 81 52 09 ext. 12" in html


def test_a_javascript_url_is_never_a_link() -> None:
    html = display_html("URL", "javascript:alert(1)")
    assert "<a" not in html
    assert "javascript:alert(1)" in html


def test_a_web_address_opens_safely_in_a_new_tab() -> None:
    html = display_html("URL", "https://www.example.com/about/")
    assert 'href="https://www.example.com/about/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_markdown_is_rendered_and_sanitised() -> None:
    html = display_html("MARKDOWN", "**bold** <script>alert(1)</script> [x](javascript:alert(2))")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html


def test_html_values_are_sanitised() -> None:
    html = display_html("HTML", '<p onclick="x()">hi<img src=x onerror=alert(1)></p>')
    assert "onclick" not in html
    assert "onerror" not in html


def test_text_is_escaped() -> None:
    assert "&lt;b&gt;" in display_html("TEXT", "<b>")


def test_select_options_are_chips_with_labels() -> None:
    definition = _definition(
        "MULTI_SELECT", options=[{"id": "o1", "label": "AI"}, {"id": "o2", "label": "Cloud"}]
    )
    html = display_html("MULTI_SELECT", ["o1", "o2"], definition)
    assert html == '<span class="chip">AI</span> <span class="chip">Cloud</span>'


def test_a_list_cell_shows_three_chips_and_counts_the_rest() -> None:
    options = [{"id": f"o{i}", "label": f"L{i}"} for i in range(5)]
    definition = _definition("MULTI_SELECT", options=options)
    html = display_html(
        "MULTI_SELECT", [f"o{i}" for i in range(5)], definition, DisplayContext(compact=True)
    )
    assert html.count('class="chip"') == 3
    assert "+2" in html


def test_a_datetime_in_the_list_is_relative_with_the_absolute_time_on_hover() -> None:
    context = DisplayContext(tz=ZoneInfo("Asia/Tokyo"), now=NOW, compact=True)
    html = display_html("DATETIME", "2026-11-20T12:00:00.000Z", None, context)
    assert ">2\xa0days ago<" in html
    assert 'title="2026-11-20 21:00 JST"' in html


def test_a_datetime_on_the_contact_page_is_absolute_in_the_viewers_zone() -> None:
    context = DisplayContext(tz=ZoneInfo("America/New_York"), now=NOW)
    html = display_html("DATETIME", "2026-11-20T12:00:00.000Z", None, context)
    assert ">2026-11-20 07:00 EST<" in html


def test_a_bare_social_handle_links_to_its_profile() -> None:
    html = display_html(
        "SOCIAL_HANDLE", "@ana_b", _definition("SOCIAL_HANDLE", handleService="TWITTER")
    )
    assert 'href="https://x.com/ana_b"' in html
    assert ">@ana_b<" in html


def test_an_address_reads_on_one_line_with_the_country_name() -> None:
    html = display_html(
        "ADDRESS", {"street": "Rue X 1", "city": "Paris", "country": "FR", "latitude": 48.8}
    )
    assert html == "Rue X 1, Paris, France"


def test_an_empty_value_shows_the_one_empty_marker() -> None:
    assert display_html("EMAIL", []) == '<span class="empty">—</span>'


def test_an_unknown_type_is_escaped_text() -> None:
    assert display_html("HOLOGRAM", "<i>x</i>") == "&lt;i&gt;x&lt;/i&gt;"
