"""The builtin ``{% static %}``: Django's URLs, worked out once per path and setting."""

from __future__ import annotations

from django.template import engines
from django.templatetags.static import static as django_static
from django.test import override_settings


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
