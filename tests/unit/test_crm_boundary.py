"""What the CRM sends is data at the boundary: links, strings, moments and ids, one check each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from contacts_ui.crm.models import Record
from contacts_ui.crm.safety import representable, safe_http_url, scrub
from contacts_ui.web.links import record_url


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>",
        "//evil.example/x",
        "/relative",
        "https:no-host",
        "mailto:a@b.example",
    ],
)
def test_a_link_that_is_not_absolute_http_is_refused(link: str) -> None:
    assert safe_http_url(link) is None


def test_an_absolute_https_link_is_kept_as_sent() -> None:
    assert safe_http_url("HTTPS://crm.example/c/1?x=1") == "HTTPS://crm.example/c/1?x=1"


def test_a_record_drops_an_http_link_with_another_scheme_at_parse_time() -> None:
    record = Record.model_validate({"id": "con_1", "httpLink": "javascript:alert(1)"})
    assert record.http_link is None


def test_lone_surrogates_become_visible_replacement_characters_in_keys_and_values() -> None:
    assert scrub({"a\ud83d": ["x\ude00", 1, None]}) == {"a\ufffd": ["x\ufffd", 1, None]}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
        datetime(1, 1, 2, tzinfo=UTC),
    ],
)
def test_a_moment_at_the_edge_of_the_calendar_is_not_representable(moment: datetime) -> None:
    assert representable(moment) is None


def test_a_record_reads_an_edge_created_at_as_unknown() -> None:
    record = Record.model_validate({"id": "con_1", "createdAt": "0001-01-01T00:00:00+14:00"})
    assert record.created_at is None


@pytest.mark.parametrize(
    ("record_id", "url"),
    [
        ("a.b", "/contacts/a.b/"),
        ("with space", "/contacts/with%20space/"),
        ("q?x#y", "/contacts/q%3Fx%23y/"),
        ("日本", "/contacts/%E6%97%A5%E6%9C%AC/"),
    ],
)
def test_any_id_that_fits_one_path_segment_gets_a_quoted_link(record_id: str, url: str) -> None:
    assert record_url("contacts:detail", record_id) == url


@pytest.mark.parametrize("record_id", ["", ".", "..", "x/y", "new"])
def test_an_id_no_url_can_carry_gets_no_link(record_id: str) -> None:
    assert record_url("contacts:detail", record_id) is None
