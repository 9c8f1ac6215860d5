"""Links to our own pages about CRM records, which never fail a page."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.urls.converters import get_converters
from django.utils.http import RFC3986_SUBDELIMS

# Stands for the id while the URL is reversed once; the converter accepts it as an id.
_PLACEHOLDER = "RECORD-ID-PLACEHOLDER"


def record_url(name: str, *args: str) -> str | None:
    """Return the URL of a page about a CRM record, or None when its id cannot be in a URL.

    The CRM's ids are opaque: one with a "/" (or spelled "." or "..") has no URL of ours, and
    the record is then shown without a link rather than failing the page.
    """
    try:
        return reversed_url(name, args)
    except NoReverseMatch:
        return None


def reversed_url(
    name: str,
    args: tuple[object, ...] = (),
    kwargs: tuple[tuple[str, object], ...] = (),
    current_app: str | None = None,
) -> str:
    """Return ``reverse(name, ...)``, worked out once per URL, prefix and URL configuration.

    A page links the same few views and records again and again (a contact page: its panels
    and its fields' editors; every page: the list, the new-contact form). Raises
    ``NoReverseMatch`` like reverse(); arguments must be hashable (strings, numbers).
    """
    return _reversed(
        get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, name, args, kwargs, current_app
    )


@lru_cache(maxsize=8192)
def _reversed(
    _prefix: str,
    _urlconf: object,
    name: str,
    args: tuple[object, ...],
    kwargs: tuple[tuple[str, object], ...],
    current_app: str | None,
) -> str:
    return reverse(name, args=args, kwargs=dict(kwargs) or None, current_app=current_app)


def record_urls(name: str) -> Callable[[str], str | None]:
    """Return a function from a record id to ``record_url(name, id)``, after one reverse().

    For pages that link many records (a list page links 25): each link is then a string join.
    The id goes through the same converter check and percent-encoding reverse() applies, so
    both spell every URL alike, and an id reverse() would refuse gives None here too.
    """
    converter = get_converters()["record_id"]
    pattern = re.compile(converter.regex)
    head, _, tail = reversed_url(name, (_PLACEHOLDER,)).rpartition(_PLACEHOLDER)

    def url(record_id: str) -> str | None:
        try:
            value = converter.to_url(record_id)
        except ValueError:
            return None
        if not pattern.fullmatch(value):
            return None
        return head + quote(value, safe=RFC3986_SUBDELIMS + "/~:@") + tail

    return url
