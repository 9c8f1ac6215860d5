"""From the list's query string to the CRM's filter syntax, and what the page says about it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from contacts_ui.crm.lightfield import CAPABILITIES as LIGHTFIELD
from contacts_ui.crm.models import Definitions, Filter
from contacts_ui.crm.port import Sort
from contacts_ui.listing.search import filter_fields, fold, parse_list_query, unfilterable_labels

DEFINITIONS = Definitions.model_validate(
    {
        "objectType": "contact",
        "fieldDefinitions": {
            "$name": {
                "label": "Name",
                "description": None,
                "valueType": "FULL_NAME",
                "typeConfiguration": {},
            },
            "$email": {
                "label": "Email",
                "description": None,
                "valueType": "EMAIL",
                "typeConfiguration": {"multipleValues": True},
            },
            "$title": {
                "label": "Job title",
                "description": None,
                "valueType": "TEXT",
                "typeConfiguration": {},
            },
            "stage": {
                "label": "Stage",
                "description": None,
                "valueType": "SINGLE_SELECT",
                "typeConfiguration": {
                    "options": [
                        {"id": "opt_lead", "label": "Lead"},
                        {"id": "opt_cust", "label": "Customer"},
                    ]
                },
            },
            "interests": {
                "label": "Interests",
                "description": None,
                "valueType": "MULTI_SELECT",
                "typeConfiguration": {"options": []},
            },
            "score": {
                "label": "Score",
                "description": None,
                "valueType": "NUMBER",
                "typeConfiguration": {},
            },
            "seen": {
                "label": "Last seen",
                "description": None,
                "valueType": "DATETIME",
                "typeConfiguration": {},
            },
            "vip": {
                "label": "VIP",
                "description": None,
                "valueType": "CHECKBOX",
                "typeConfiguration": {},
            },
            "notes": {
                "label": "Notes",
                "description": None,
                "valueType": "MARKDOWN",
                "typeConfiguration": {},
            },
        },
        "relationshipDefinitions": {
            "$owner": {
                "label": "Owner",
                "description": None,
                "cardinality": "HAS_ONE",
                "objectType": "member",
                "slug": "$owner-contact",
            },
            "$account": {
                "label": "Account",
                "description": None,
                "cardinality": "HAS_MANY",
                "objectType": "account",
                "slug": "$account-contact",
            },
        },
    }
)


def parse(params: dict[str, str], tz=UTC):  # type: ignore[no-untyped-def]
    return parse_list_query(params, DEFINITIONS, tz, capabilities=LIGHTFIELD)


def test_a_plain_search_asks_for_names_and_folded_emails_separately_on_lightfield() -> None:
    query = parse({"q": "Ali Núñez"})
    assert query.filters == []
    assert query.any_of == [
        [Filter("$name", "startsWith", "Ali Núñez")],
        [Filter("$email", "contains", "ali.nunez")],
    ]
    assert "names starting with “Ali Núñez”" in query.search_note
    assert "type an @ to search emails" in query.search_note


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("João", "joao"), ("MÜLLER", "muller"), ("Bjørn", "bjorn"), ("Straße", "strasse")],
)
def test_folding_drops_accents_and_case(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_a_crm_with_free_text_search_gets_the_words_as_they_were_typed() -> None:
    free_text = replace(LIGHTFIELD, free_text_search=True, label="HighLevel")
    query = parse_list_query({"q": "Nunez"}, DEFINITIONS, UTC, capabilities=free_text)
    assert (query.search, query.filters, query.any_of) == ("Nunez", [], [])
    assert "HighLevel's search" in query.search_note


def test_a_sort_is_kept_only_where_the_crm_can_sort() -> None:
    assert parse({"sort": "-$name"}).sort is None
    assert "cannot sort" in parse({"sort": "-$name"}).notices[0]
    sortable = replace(LIGHTFIELD, sortable_fields=frozenset({"$name"}))
    query = parse_list_query({"sort": "-$name"}, DEFINITIONS, UTC, capabilities=sortable)
    assert query.sort == Sort("$name", descending=True)
    assert "sort=-%24name" in query.querystring()


def test_a_search_with_an_at_sign_looks_in_emails() -> None:
    assert parse({"q": "ali@acme"}).filters == [Filter("$email", "contains", "ali@acme")]


def test_a_select_filter_accepts_the_option_id_or_its_label() -> None:
    assert parse({"f.stage": "Customer"}).filters == [Filter("stage", "equal", "opt_cust")]
    assert parse({"f.stage": "opt_cust"}).filters == [Filter("stage", "equal", "opt_cust")]


def test_an_unknown_option_is_ignored_with_a_notice() -> None:
    query = parse({"f.stage": "Gold"})
    assert query.filters == []
    assert "not one of its options" in query.notices[0]


def test_a_number_range_becomes_two_and_ed_filters() -> None:
    query = parse({"f.score.min": "10", "f.score.max": "90.5"})
    assert set(query.filters) == {
        Filter("score", "greaterThanOrEqual", "10"),
        Filter("score", "lessThanOrEqual", "90.5"),
    }


def test_a_date_range_covers_whole_days_in_the_viewers_zone() -> None:
    query = parse(
        {"f.seen.min": "2026-03-01", "f.seen.max": "2026-03-01"}, ZoneInfo("Europe/Paris")
    )
    assert set(query.filters) == {
        Filter("seen", "greaterThanOrEqual", "2026-03-01T00:00:00.000+01:00"),
        Filter("seen", "lessThanOrEqual", "2026-03-01T23:59:59.999+01:00"),
    }


def test_a_bad_number_is_ignored_and_explained() -> None:
    query = parse({"f.score.min": "lots"})
    assert query.filters == []
    assert "is not a number" in query.notices[0]


def test_a_checkbox_filter_is_yes_or_no() -> None:
    assert parse({"f.vip": "false"}).filters == [Filter("vip", "equal", "false")]
    assert parse({"f.vip": "maybe"}).filters == []


def test_text_uses_starts_with_and_email_uses_contains() -> None:
    assert parse({"f.$title": "VP"}).filters == [Filter("$title", "startsWith", "VP")]
    assert parse({"f.$email": "acme"}).filters == [Filter("$email", "contains", "acme")]


def test_a_multi_select_filter_is_refused_plainly_rather_than_misapplied() -> None:
    query = parse({"f.interests": "opt_ai"})
    assert query.filters == []
    assert "cannot filter on Interests" in query.notices[0]


def test_a_relationship_filter_uses_the_definition_slug() -> None:
    query = parse({"f.$owner": "mem_1"})
    assert query.filters == [Filter("$owner-contact", "contains", "mem_1")]


def test_an_unknown_field_is_ignored_with_a_notice() -> None:
    query = parse({"f.bogus": "x"})
    assert query.filters == []
    assert "no such field" in query.notices[0]


def test_each_active_filter_has_a_chip_that_removes_only_it() -> None:
    query = parse({"q": "Al", "f.vip": "true", "f.score.min": "5"})
    links = dict(query.chip_links)
    assert links["VIP: yes"] == "f.score.min=5&q=Al"
    assert links["Score ≥ 5"] == "f.vip=true&q=Al"


def test_the_state_key_ignores_the_page_number() -> None:
    assert parse({"q": "Al", "page": "3"}).state_key == parse({"q": "Al"}).state_key


def test_the_filter_form_offers_only_what_the_crm_can_filter() -> None:
    offered = {
        f.key: f.kind for f in filter_fields(DEFINITIONS, LIGHTFIELD, owners=[("mem_1", "Ana")])
    }
    assert offered == {
        "$name": "text",
        "$email": "text",
        "$title": "text",
        "stage": "select",
        "score": "number",
        "seen": "date",
        "vip": "checkbox",
        "$owner": "relationship",
    }
    assert unfilterable_labels(DEFINITIONS, LIGHTFIELD) == ["Interests", "Notes"]


@pytest.mark.parametrize("long", ["x" * 500])
def test_a_very_long_search_is_cut_to_a_sane_length(long: str) -> None:
    assert len(parse({"q": long}).any_of[0][0].value) == 200
