"""The builtin ``{% static %}`` and ``{% url %}``: Django's URLs, worked out once each."""

from __future__ import annotations

import pytest
from django.template import engines
from django.templatetags.static import static as django_static
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix


def render(source: str) -> str:
    return engines["django"].from_string(source).render({})


def test_it_gives_djangos_url_without_load_static() -> None:
    assert render("{% static 'css/app.css' %}") == django_static("css/app.css")
    assert render("{% static 'css/app.css' as u %}[{{ u }}]") == f"[{django_static('css/app.css')}]"


def test_a_changed_static_url_is_followed() -> None:
    before = render("{% static 'css/app.css' %}")
    with override_settings(STATIC_URL="/elsewhere/static/"):
        moved = render("{% static 'css/app.css' %}")
    assert moved.startswith("/elsewhere/static/")
    assert render("{% static 'css/app.css' %}") == before


def test_what_it_prints_cannot_break_out_of_an_attribute() -> None:
    printed = render("{% static path %}".replace("path", "'<x\"y>.css'"))
    assert "<" not in printed
    assert '"' not in printed


def test_url_gives_djangos_url_with_arguments_and_as() -> None:
    assert render("{% url 'contacts:list' %}") == reverse("contacts:list")
    assert render("{% url 'contacts:detail' 'con_1' %}") == reverse(
        "contacts:detail", args=["con_1"]
    )
    assert render("{% url 'contacts:detail' 'a&b' as u %}[{{ u }}]") == (
        f"[{reverse('contacts:detail', args=['a&b']).replace('&', '&amp;')}]"
    )


def test_url_follows_the_script_prefix_of_each_request() -> None:
    try:
        set_script_prefix("/crm/")
        assert render("{% url 'contacts:list' %}") == "/crm/contacts/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'contacts:list' %}") == "/contacts/"


def test_url_still_refuses_what_django_refuses() -> None:
    with pytest.raises(NoReverseMatch):
        render("{% url 'contacts:nowhere' %}")
    assert render("{% url 'contacts:nowhere' as u %}[{{ u }}]") == "[]"
