"""Kept fragments: reused while their key holds, re-rendered when it changes or runs out, and
filled with each request's own values where they leave holes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.template import engines

from contacts_ui.web import fragments
from contacts_ui.web.fragments import render_fragment, render_fragment_with_holes


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    fragments.clear()
    yield
    fragments.clear()


@pytest.fixture
def template(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Render from a string template, recording every rendering's context."""
    renders: list[dict[str, Any]] = []
    source = engines["django"].from_string(
        '<p title="{{ title }}">{{ name }}</p><input name="t" value="{{ csrf_token }}">'
        '<input name="k" value="{{ form_key }}">'
    )

    def render_to_string(_name: str, context: dict[str, Any]) -> str:
        renders.append(dict(context))
        return source.render(context)

    monkeypatch.setattr(fragments, "render_to_string", render_to_string)
    return renders


def test_a_fragment_is_rendered_once_per_key_and_again_when_it_runs_out(
    template: list[dict[str, Any]],
) -> None:
    first = render_fragment("t", {"name": "Ana"}, key="a", now=100, valid_until=200)
    again = render_fragment("t", {"name": "changed"}, key="a", now=150)
    assert again == first
    assert len(template) == 1
    later = render_fragment("t", {"name": "Bo"}, key="a", now=200)
    assert "Bo" in later
    assert len(template) == 2
    assert "Cy" in render_fragment("t", lambda: {"name": "Cy"}, key="b")


def test_holes_get_each_requests_values_escaped_while_the_rest_is_kept(
    template: list[dict[str, Any]],
) -> None:
    def context() -> dict[str, Any]:
        return {"name": "<b>Ana</b>", "title": "x"}

    one = render_fragment_with_holes("t", context, "k", {"csrf_token": "tok1", "form_key": "a"})
    two = render_fragment_with_holes(
        "t", context, "k", {"csrf_token": 'tok2"><script>', "form_key": "b"}
    )
    assert len(template) == 1  # the second came from the kept HTML
    assert 'value="tok1"' in one
    assert 'value="a"' in one
    assert 'value="tok2&quot;&gt;&lt;script&gt;"' in two
    assert 'value="b"' in two
    assert "&lt;b&gt;Ana&lt;/b&gt;" in two
    assert "hole" not in two


def test_a_crm_value_cannot_pose_as_a_hole(template: list[dict[str, Any]]) -> None:
    """The marks are random per process: a value can only hold one by guessing it."""
    guess = "holecsrf_tokenx"
    html = render_fragment_with_holes(
        "t", lambda: {"name": guess}, "k", {"csrf_token": "secret", "form_key": "f"}
    )
    assert html.count("secret") == 1
    assert guess in html
