"""Checks at the CRM boundary: what the CRM sends is data, never markup, code or a crash.

Every URL that the CRM sends and that may become an HTML attribute goes through
``safe_http_url``; every string in a response goes through ``scrub_text`` before it is
validated; every moment goes through ``representable`` before anyone converts it to a zone.
No Django here: this is the CRM layer.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

REPLACEMENT_CHARACTER: Final = "\ufffd"
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# A browser drops or folds these inside a URL, so "java\tscript:" would still run as script.
_URL_NOISE: Final = re.compile(r"[\x00-\x20\x7f-\x9f]")
# The furthest any zone is from UTC is under a day; a moment this far from datetime's limits
# converts to every zone (and back) without overflowing.
_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST_NAME: Final = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_ZONE_MARGIN: Final = timedelta(days=2)
_EARLIEST: Final = datetime.min.replace(tzinfo=UTC) + _ZONE_MARGIN
_LATEST: Final = datetime.max.replace(tzinfo=UTC) - _ZONE_MARGIN


def safe_http_url(value: object) -> str | None:
    """Return ``value`` if it is an absolute http(s) URL with a host, else None.

    Anything else (``javascript:``, ``data:``, scheme-relative, control characters, mixed case
    tricks) is refused rather than repaired: the caller then shows text instead of a link.
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    if not candidate or _URL_NOISE.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return candidate


def http_origin(value: object) -> str | None:
    """Return the origin of an http(s) URL, as browsers compare them, or None.

    ``HTTPS://Photos.Example:443/a.png`` → ``https://photos.example``: scheme and host lower-case,
    the scheme's default port left out. A URL with user info (``https://a.example@b.example``)
    has no origin here: what it appears to name is not where it leads.
    """
    url = safe_http_url(value)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if not host or "@" in parts.netloc:
        return None
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    elif not _HOST_NAME.match(host):
        # Only plain host names: an origin ends up in a CSP header, where "*" or ";" would
        # widen or rewrite the policy.
        return None
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def scrub_text(value: str) -> str:
    """Replace lone UTF-16 surrogates (a truncated emoji) with U+FFFD, visibly."""
    if value.isascii():
        return value
    return _LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, value)


def scrub(payload: Any) -> Any:
    """Return a decoded JSON payload with every string (keys too) passed through scrub_text.

    A lone surrogate survives JSON parsing but fails when a page is encoded as UTF-8, so it
    must not get past the client.
    """
    if isinstance(payload, str):
        return scrub_text(payload)
    if isinstance(payload, list):
        return [scrub(item) for item in payload]
    if isinstance(payload, dict):
        return {scrub_text(k) if isinstance(k, str) else k: scrub(v) for k, v in payload.items()}
    return payload


def representable(moment: datetime) -> datetime | None:
    """Return an aware ``moment`` if it converts to any time zone without overflowing, else None.

    Year 1 at +14:00 or year 9999 at -12:00 parse, but astimezone() on them raises.
    """
    try:
        in_utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if _EARLIEST <= in_utc <= _LATEST else None
