"""A list that stays in view: filters close after Apply, URLs stay clean, results come into
view, and old rows cannot be clicked while the next ones load."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
RESULTS_TOP_IN_VIEW = (
    "(() => { const t = document.getElementById('results').getBoundingClientRect().top;"
    " return t >= -1 && t < innerHeight; })()"
)


def _apply_newsletter_filter(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("#filters-panel summary").click()
    page.locator("#filters-panel").get_by_label("Newsletter").select_option("true")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"f.newsletter=true"))


def test_applying_filters_puts_only_the_filled_ones_in_the_url(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    _apply_newsletter_filter(page)
    assert parse_qs(urlsplit(page.url).query, keep_blank_values=True) == {"f.newsletter": ["true"]}


def test_the_filter_panel_closes_after_apply(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    _apply_newsletter_filter(page)
    assert page.locator("#filters-panel").get_attribute("open") is None
    assert page.get_by_role("list", name="Active filters").is_visible()


def test_filtering_brings_the_results_into_view_on_a_phone(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=PHONE)
    page.goto("/contacts/")
    _apply_newsletter_filter(page)
    assert page.evaluate(RESULTS_TOP_IN_VIEW)


def test_paging_brings_the_results_into_view_on_a_phone(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=PHONE)
    page.goto("/contacts/")
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2$"))
    page.wait_for_function(RESULTS_TOP_IN_VIEW)


def test_the_old_rows_are_marked_busy_while_the_next_page_loads(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contacts/")
    page.evaluate(
        """() => {
            window.busyStates = [];
            const results = document.getElementById('results');
            new MutationObserver(() => window.busyStates.push(
                [results.getAttribute('aria-busy'), getComputedStyle(results).pointerEvents]
            )).observe(results, {attributes: true, attributeFilter: ['aria-busy']});
        }"""
    )
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2$"))
    assert ["true", "none"] in page.evaluate("window.busyStates")


def test_a_search_without_words_leaves_q_out_of_the_url(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(java_script_enabled=True)
    page.goto("/contacts/?page=2")
    # Until htmx and our script are up, the button submits the plain form (empty q included).
    page.wait_for_function("() => !!window.htmx")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/contacts/\?page=2$"))
