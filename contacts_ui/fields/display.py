"""Display renderers: one per value type, as plain text and as safe HTML.

CRM data is untrusted: every renderer builds HTML with format_html/format_html_join (which
escape), links only http(s)/mailto/tel targets, and passes markdown through nh3 before marking
it safe. Odd values never raise: display_html/display_text fall back to escaped text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

import nh3
import phonenumbers
from babel import Locale
from babel.numbers import format_decimal
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from markdown_it import MarkdownIt

from contacts_ui.crm.models import FieldDefinition
from contacts_ui.crm.safety import http_origin, representable, safe_http_url
from contacts_ui.fields.social import SERVICES

EMPTY = "—"
# The contact's photo (a URL field the CRM fills in); shown as a picture where allowed.
PROFILE_PHOTO_KEY = "$profilePhotoUrl"
# Shown at a fixed size, so the page does not move when (or whether) the picture arrives.
PHOTO_SIZE = 96
# How many chips a list cell shows before it says "+N".
COMPACT_CHIPS = 3


@dataclass(frozen=True)
class DisplayContext:
    """Carry what rendering depends on besides the value: the viewer's zone, now, and density."""

    tz: tzinfo = UTC
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    locale: str = "en_US"
    compact: bool = False
    # Origins whose photos the page may show (PHOTO_ORIGINS; the page's CSP allows them).
    photo_origins: frozenset[str] = frozenset()


DEFAULT_CONTEXT = DisplayContext()

HtmlFn = Callable[[Any, FieldDefinition | None, DisplayContext], SafeString]
TextFn = Callable[[Any, FieldDefinition | None], str]


def is_empty(value: Any) -> bool:
    """Tell whether a value counts as unset (None, blank, empty list or object)."""
    if value is None or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, Mapping):
        return all(is_empty(part) for part in value.values())
    if isinstance(value, list | tuple):
        return all(is_empty(item) for item in value)
    return False


def _items(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return [item for item in value if not is_empty(item)]
    return [value]


def _escape_text(value: Any) -> SafeString:
    return format_html("{}", value)


# --- plain text -------------------------------------------------------------------------------


def _text(value: Any, _definition: FieldDefinition | None) -> str:
    return ", ".join(str(item) for item in _items(value))


def _decimal(value: Any) -> Decimal | None:
    """Read a CRM number exactly (no float rounding), or None for anything that is not one."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _number_text(value: Any, _definition: FieldDefinition | None, locale: str = "en_US") -> str:
    number = _decimal(value)
    if number is None:
        return str(value)
    return format_decimal(number, format="#,##0.##", locale=locale)


def _currency_text(value: Any, definition: FieldDefinition | None, locale: str = "en_US") -> str:
    number = _decimal(value)
    if number is None:
        return str(value)
    amount = format_decimal(number, format="#,##0.00", locale=locale)
    code = definition.type_configuration.currency if definition else None
    return f"{amount} {code}" if code else amount


def _checkbox_text(value: Any, _definition: FieldDefinition | None) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def parse_datetime(value: Any) -> datetime | None:
    """Read an ISO-8601 string into an aware datetime (naive ones are UTC), or None.

    None also for a moment too close to the calendar's limits to convert to every zone.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    # A moment at the calendar's edge overflows in the viewer's zone: callers show it as text.
    return representable(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def format_absolute(moment: datetime, tz: tzinfo) -> str:
    """Format a moment in the viewer's zone, with the zone's name."""
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".strip()


# The unit format_relative counts in, by how far away the moment is (depth=1 shows one unit).
_MINUTE, _HOUR, _DAY = 60.0, 3600.0, 86400.0


def relative_valid_until(moment: datetime, now: datetime) -> float:
    """Return the POSIX time until which ``format_relative(moment, now)`` keeps the same text.

    timesince() counts whole minutes under an hour, whole hours under a day, and whole days
    (or weeks, months and years, which only turn over on day boundaries of the moment's time)
    beyond: the text can only change when the distance crosses a multiple of that unit.
    """
    try:
        distance = (now - moment).total_seconds()
        span = abs(distance)
        unit = _MINUTE if span < _HOUR else _HOUR if span < _DAY else _DAY
        if distance >= 0:
            # "N units ago" until the age reaches the next whole unit.
            return moment.timestamp() + (span // unit + 1) * unit
        # "in N units" until the distance drops below its current whole unit.
        return now.timestamp() + span % unit
    except (OverflowError, ValueError):
        # A moment at the calendar's edge: valid for no time at all, so never kept.
        return now.timestamp()


def format_relative(moment: datetime, now: datetime) -> str:
    """Say how long ago (or how far ahead) a moment is, to the largest unit."""
    if abs((now - moment).total_seconds()) < 60:
        return "just now"
    if moment <= now:
        return f"{timesince(moment, now, depth=1)} ago"
    return f"in {timeuntil(moment, now, depth=1)}"


def _datetime_text(value: Any, _definition: FieldDefinition | None) -> str:
    moment = parse_datetime(value)
    return format_absolute(moment, UTC) if moment else str(value)


def _full_name_text(value: Any, _definition: FieldDefinition | None) -> str:
    if isinstance(value, Mapping):
        parts = (value.get("firstName"), value.get("lastName"))
        return " ".join(str(part).strip() for part in parts if part and str(part).strip())
    return str(value)


_ADDRESS_PARTS = ("street", "street2", "city", "state", "postalCode")


@lru_cache(maxsize=8)
def _territories(locale: str) -> Mapping[str, str]:
    return Locale.parse(locale).territories


def country_name(code: Any, locale: str = "en_US") -> str:
    """Return a country's name for its ISO 3166-1 alpha-2 code (the code itself if unknown)."""
    if not isinstance(code, str):
        return str(code)
    return _territories(locale).get(code.upper(), code)


def _address_text(value: Any, _definition: FieldDefinition | None) -> str:
    if not isinstance(value, Mapping):
        return str(value)
    parts = [str(value[key]) for key in _ADDRESS_PARTS if value.get(key)]
    if value.get("country"):
        parts.append(country_name(value["country"]))
    return ", ".join(parts)


def _option_label(option_id: Any, definition: FieldDefinition | None) -> str:
    if definition is not None and isinstance(option_id, str):
        label = definition.option_label(option_id)
        if label is not None:
            return label
    return str(option_id)


def _select_text(value: Any, definition: FieldDefinition | None) -> str:
    return ", ".join(_option_label(item, definition) for item in _items(value))


def format_phone(number: str) -> str:
    """Format an E.164 number (extension kept) for reading; leave anything else as it is."""
    # Parsing costs tens of microseconds and the same numbers come back page after page.
    return _format_phone(number) if len(number) <= MAX_REMEMBERED_PHONE else _parse_phone(number)


MAX_REMEMBERED_PHONE = 64


@lru_cache(maxsize=4096)
def _format_phone(number: str) -> str:
    return _parse_phone(number)


def _parse_phone(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number.replace(";ext=", " ext. "), None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _phone_text(value: Any, _definition: FieldDefinition | None) -> str:
    return ", ".join(format_phone(str(item)) for item in _items(value))


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str) -> SafeString:
    """Render markdown to HTML and sanitise it, so CRM content can never inject markup."""
    html = _markdown.render(source)
    cleaned = nh3.clean(
        html,
        link_rel="noopener noreferrer nofollow",
        url_schemes={"http", "https", "mailto"},
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 has just sanitised it.


def _markdown_text(value: Any, _definition: FieldDefinition | None) -> str:
    return str(value)


def _html_text(value: Any, _definition: FieldDefinition | None) -> str:
    return nh3.clean(str(value), tags=set())


# --- HTML ---------------------------------------------------------------------------------------


def _link(url: str, label: str) -> SafeString:
    return format_html(
        '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>', url, label
    )


def _short_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return f"{parts.netloc.removeprefix('www.')}{path}"


def _text_html(value: Any, definition: FieldDefinition | None, _ctx: DisplayContext) -> SafeString:
    return _escape_text(_text(value, definition))


def _number_html(value: Any, definition: FieldDefinition | None, ctx: DisplayContext) -> SafeString:
    return format_html('<span class="num">{}</span>', _number_text(value, definition, ctx.locale))


def _currency_html(
    value: Any, definition: FieldDefinition | None, ctx: DisplayContext
) -> SafeString:
    return format_html('<span class="num">{}</span>', _currency_text(value, definition, ctx.locale))


def _checkbox_html(
    value: Any, definition: FieldDefinition | None, _ctx: DisplayContext
) -> SafeString:
    if value is True:
        return format_html('<span class="check yes">✓ {}</span>', "Yes")
    if value is False:
        return format_html('<span class="check no">✗ {}</span>', "No")
    return _escape_text(value)


def _datetime_html(
    value: Any, _definition: FieldDefinition | None, ctx: DisplayContext
) -> SafeString:
    moment = parse_datetime(value)
    if moment is None:
        return _escape_text(value)
    absolute = format_absolute(moment, ctx.tz)
    relative = format_relative(moment, ctx.now)
    shown, hover = (relative, absolute) if ctx.compact else (absolute, relative)
    return format_html('<time datetime="{}" title="{}">{}</time>', moment.isoformat(), hover, shown)


def _email_html(value: Any, _definition: FieldDefinition | None, ctx: DisplayContext) -> SafeString:
    items = _items(value)
    shown = items[:1] if ctx.compact else items
    html = format_html_join(
        ", ", '<a href="mailto:{}">{}</a>', ((quote(str(i), safe="@+.-_"), i) for i in shown)
    )
    return _with_more(html, len(items) - len(shown))


def _phone_html(value: Any, _definition: FieldDefinition | None, ctx: DisplayContext) -> SafeString:
    items = [str(item) for item in _items(value)]
    shown = items[:1] if ctx.compact else items
    html = format_html_join(
        ", ",
        '<a href="tel:{}">{}</a>',
        ((quote(item.replace(" ", ""), safe="+;=-"), format_phone(item)) for item in shown),
    )
    return _with_more(html, len(items) - len(shown))


def _url_html(value: Any, _definition: FieldDefinition | None, ctx: DisplayContext) -> SafeString:
    items = _items(value)
    shown = items[:1] if ctx.compact else items
    parts = []
    for item in shown:
        url = safe_http_url(item)
        parts.append(_link(url, _short_url(url)) if url else _escape_text(item))
    return _with_more(mark_safe(", ".join(parts)), len(items) - len(shown))  # noqa: S308


def profile_url(value: Any, handle_service: str | None) -> str | None:
    """Return the profile URL of a social handle, whether the CRM stored a URL or a bare handle."""
    url = safe_http_url(value)
    if url:
        return url
    if not isinstance(value, str) or not value.strip() or handle_service not in SERVICES:
        return None
    handle = value.strip().lstrip("@")
    if not handle.replace("-", "").replace("_", "").replace(".", "").isalnum():
        return None
    return SERVICES[handle_service].profile_url(quote(handle))


def _social_label(url: str) -> str:
    path = urlsplit(url).path.strip("/")
    return f"@{path.rsplit('/', 1)[-1]}" if path else _short_url(url)


def _social_html(
    value: Any, definition: FieldDefinition | None, _ctx: DisplayContext
) -> SafeString:
    service = definition.type_configuration.handle_service if definition else None
    url = profile_url(value, service)
    return _link(url, _social_label(url)) if url else _escape_text(value)


def allowed_photo_url(value: Any, origins: frozenset[str]) -> str | None:
    """Return the first http(s) URL in ``value`` whose origin is one of ``origins``, or None."""
    for item in _items(value):
        if http_origin(item) in origins:
            return safe_http_url(item)
    return None


def photo_html(url: str, alt: str, size: int = PHOTO_SIZE) -> SafeString:
    """Return an <img> for a photo from an allowed origin: fixed size, lazy, no referrer sent."""
    return format_html(
        '<img class="photo" src="{}" alt="{}" width="{}" height="{}" loading="lazy" '
        'decoding="async" referrerpolicy="no-referrer">',
        url,
        alt,
        size,
        size,
    )


def _photo_html(value: Any, definition: FieldDefinition | None, ctx: DisplayContext) -> SafeString:
    # A list cell stays a link: only the contact page's policy allows photos from elsewhere.
    url = None if ctx.compact else allowed_photo_url(value, ctx.photo_origins)
    if url is None:
        return _url_html(value, definition, ctx)
    return photo_html(url, definition.label if definition else "Profile photo")


def _full_name_html(
    value: Any, definition: FieldDefinition | None, _ctx: DisplayContext
) -> SafeString:
    return _escape_text(_full_name_text(value, definition))


def _address_html(
    value: Any, definition: FieldDefinition | None, _ctx: DisplayContext
) -> SafeString:
    return _escape_text(_address_text(value, definition))


def _with_more(html: SafeString, hidden: int) -> SafeString:
    if hidden <= 0:
        return html
    return format_html('{} <span class="more">+{}</span>', html, hidden)


def _select_html(value: Any, definition: FieldDefinition | None, ctx: DisplayContext) -> SafeString:
    labels = [_option_label(item, definition) for item in _items(value)]
    shown = labels[:COMPACT_CHIPS] if ctx.compact else labels
    chips = format_html_join(" ", '<span class="chip">{}</span>', ((label,) for label in shown))
    return _with_more(chips, len(labels) - len(shown))


def _markdown_html(
    value: Any, _definition: FieldDefinition | None, ctx: DisplayContext
) -> SafeString:
    if not isinstance(value, str):
        return _escape_text(value)
    if ctx.compact:
        first_line = next((line for line in value.splitlines() if line.strip()), "")
        return _escape_text(first_line.lstrip("#>*- ").strip())
    return format_html('<div class="markdown">{}</div>', render_markdown(value))


def _html_html(value: Any, _definition: FieldDefinition | None, ctx: DisplayContext) -> SafeString:
    if ctx.compact:
        return _escape_text(_html_text(value, None))
    cleaned = nh3.clean(str(value), link_rel="noopener noreferrer nofollow")
    return format_html('<div class="markdown">{}</div>', mark_safe(cleaned))  # noqa: S308


@dataclass(frozen=True)
class Renderer:
    """Pair the plain-text and HTML renderings of one value type."""

    text: TextFn
    html: HtmlFn


# One renderer per way of showing a value; the registry (fields/registry.py) says which type
# uses which.
TEXT = Renderer(_text, _text_html)
NUMBER = Renderer(_number_text, _number_html)
CURRENCY = Renderer(_currency_text, _currency_html)
CHECKBOX = Renderer(_checkbox_text, _checkbox_html)
DATETIME = Renderer(_datetime_text, _datetime_html)
EMAIL = Renderer(_text, _email_html)
TELEPHONE = Renderer(_phone_text, _phone_html)
URL = Renderer(_text, _url_html)
# Not a value type of its own: a URL field the registry knows to be a photo (by its key).
PHOTO = Renderer(_text, _photo_html)
ADDRESS = Renderer(_address_text, _address_html)
FULL_NAME = Renderer(_full_name_text, _full_name_html)
SOCIAL_HANDLE = Renderer(_text, _social_html)
SELECT = Renderer(_select_text, _select_html)
MARKDOWN = Renderer(_markdown_text, _markdown_html)
HTML = Renderer(_html_text, _html_html)
FALLBACK = Renderer(_text, _text_html)
