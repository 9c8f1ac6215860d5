"""Links to our own pages about CRM records, which never fail a page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def record_url(name: str, *args: str) -> str | None:
    """Return the URL of a page about a CRM record, or None when its id cannot be in a URL.

    The CRM's ids are opaque: one with a "/" (or spelled "." or "..") has no URL of ours, and
    the record is then shown without a link rather than failing the page.
    """
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None
