"""The contact's photo: a picture only from an allowed origin, else a link; never markup."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from contacts_ui.crm.models import FieldDefinition
from contacts_ui.crm.safety import http_origin
from contacts_ui.fields import DisplayContext, display_html
from contacts_ui.fields.display import PROFILE_PHOTO_KEY, allowed_photo_url
from contacts_ui.web.security import content_security_policy
from dashboard.config import AppSettings

PHOTO = "https://avatars.example/contacts/con_1.jpg"
ALLOWED = DisplayContext(photo_origins=frozenset({"https://avatars.example"}))
DEFINITION = FieldDefinition(label="Profile photo", value_type="URL")


def _photo(value: object, context: DisplayContext = ALLOWED) -> str:
    return str(display_html("URL", value, DEFINITION, context, key=PROFILE_PHOTO_KEY))


def test_a_photo_from_an_allowed_origin_is_a_fixed_size_lazy_picture_that_sends_no_referrer() -> (
    None
):
    html = _photo(PHOTO)
    assert html == (
        f'<img class="photo" src="{PHOTO}" alt="Profile photo" width="96" height="96" '
        'loading="lazy" decoding="async" referrerpolicy="no-referrer">'
    )


def test_without_allowed_origins_a_photo_is_a_link() -> None:
    html = _photo(PHOTO, DisplayContext())
    assert "<img" not in html
    assert f'<a href="{PHOTO}" rel="noopener noreferrer nofollow" target="_blank">' in html


def test_a_photo_from_another_origin_is_a_link() -> None:
    html = _photo("https://tracker.example/pixel.gif")
    assert "<img" not in html
    assert 'href="https://tracker.example/pixel.gif"' in html


@pytest.mark.parametrize(
    "url",
    [
        "https://avatars.example@tracker.example/x.png",  # looks allowed, leads elsewhere
        "https://avatars.example.tracker.example/x.png",
        "http://avatars.example/x.png",  # another scheme is another origin
        "https://avatars.example:8443/x.png",
    ],
)
def test_a_photo_that_only_resembles_an_allowed_origin_is_not_a_picture(url: str) -> None:
    assert "<img" not in _photo(url)


def test_an_allowed_origin_matches_whatever_the_case_and_the_default_port() -> None:
    assert "<img" in _photo("HTTPS://Avatars.Example:443/x.png")


@pytest.mark.parametrize(
    "value",
    [
        "\x01javascript:alert('photo')",
        "javascript:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        '"><script>alert(1)</script>',
    ],
)
def test_a_hostile_photo_value_is_escaped_text_never_a_picture_or_a_link(value: str) -> None:
    html = _photo(value)
    assert "<img" not in html
    assert "<a" not in html
    assert "<script" not in html


def test_markup_in_an_allowed_photo_url_stays_inside_the_attribute() -> None:
    html = _photo('https://avatars.example/a.png?x="><script>alert(1)</script>')
    assert "<script" not in html
    assert html.count("<") == 1  # the <img> itself


def test_in_a_list_cell_a_photo_stays_a_link() -> None:
    compact = DisplayContext(photo_origins=ALLOWED.photo_origins, compact=True)
    assert "<img" not in _photo(PHOTO, compact)


def test_only_the_photo_field_becomes_a_picture() -> None:
    html = str(display_html("URL", PHOTO, DEFINITION, ALLOWED, key="website"))
    assert "<img" not in html


def test_a_photo_field_of_another_type_is_shown_as_that_type() -> None:
    html = str(display_html("TEXT", PHOTO, DEFINITION, ALLOWED, key=PROFILE_PHOTO_KEY))
    assert html == PHOTO


def test_the_first_allowed_url_of_several_is_the_photo() -> None:
    value = ["https://tracker.example/x.png", PHOTO]
    assert allowed_photo_url(value, ALLOWED.photo_origins) == PHOTO


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://avatars.example/x.png", "https://avatars.example"),
        ("HTTPS://Avatars.Example:443/x.png", "https://avatars.example"),
        ("http://localhost:80/x", "http://localhost"),
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000"),
        ("http://[::1]:8000/x", "http://[::1]:8000"),
        ("https://a.example@b.example/x", None),
        ("https://a.example;script-src/x", None),
        ("https://*.example/x", None),
        ("https://a.example:99999/", None),
        ("ftp://a.example/x", None),
        ("//a.example/x", None),
        (None, None),
    ],
)
def test_an_origin_is_read_as_browsers_compare_them(url: object, origin: str | None) -> None:
    assert http_origin(url) == origin


def test_the_policy_names_extra_image_origins_only_when_asked() -> None:
    plain = content_security_policy([])
    with_photos = content_security_policy([], image_origins=["https://avatars.example"])
    assert re.search(r"img-src 'self' data:(;|$)", plain)
    assert "img-src 'self' data: https://avatars.example;" in with_photos
    assert "default-src 'self';" in with_photos


@override_settings(SECURE_CSP={"default-src": ["'self'"]})
def test_extra_image_origins_start_from_self_when_the_base_policy_has_no_img_src() -> None:
    assert "img-src 'self' https://a.example" in content_security_policy(
        [], image_origins=["https://a.example"]
    )


def test_no_photo_origins_are_allowed_by_default() -> None:
    assert AppSettings(SECRET_KEY="k").PHOTO_ORIGINS == []


def test_photo_origins_are_read_as_a_comma_list_and_kept_as_browsers_compare_them() -> None:
    settings = AppSettings(
        SECRET_KEY="k", PHOTO_ORIGINS="https://Avatars.Example:443/, http://photos.local:8080"
    )
    assert settings.PHOTO_ORIGINS == ["https://avatars.example", "http://photos.local:8080"]


@pytest.mark.parametrize(
    "bad",
    [
        "avatars.example",
        "https://avatars.example/photos",
        "*",
        "https://*.example",
        "https://a.example;script-src",
        "https://user@avatars.example",
        "https://avatars.example:99999",
    ],
)
def test_a_photo_origin_that_is_no_origin_stops_the_start_naming_the_variable(bad: str) -> None:
    with pytest.raises(ValueError, match="PHOTO_ORIGINS"):
        AppSettings(SECRET_KEY="k", PHOTO_ORIGINS=bad)


@pytest.mark.parametrize(
    "given",
    [
        "HTTPS://Avatars.Example:443",
        "http://LOCALHOST:80/",
        "http://[::1]:8000",
        "https://a.b:8443",
    ],
)
def test_the_setting_keeps_an_origin_exactly_as_a_photo_url_there_is_read(given: str) -> None:
    (kept,) = AppSettings(SECRET_KEY="k", PHOTO_ORIGINS=given).PHOTO_ORIGINS
    assert kept == http_origin(f"{given.rstrip('/')}/photo.png")
