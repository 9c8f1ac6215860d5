"""What the contact pages share: the list's URL, the display context, the "from" parameter."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from contacts_ui.fields import DisplayContext
from contacts_ui.listing.search import FILTER_PREFIX
from contacts_ui.web.links import reversed_url

FROM_PARAM = "from"
# Set by a successful create/edit, read once by the contact page (to tell an embedding portal).
JUST_SAVED_SESSION_KEY = "contacts.just_saved"


def display_context(*, compact: bool) -> DisplayContext:
    """Return how values are shown to this viewer: their time zone, now, compact or not, and
    which hosts' photos the page may show."""
    return DisplayContext(
        tz=timezone.get_current_timezone(),
        now=timezone.now(),
        compact=compact,
        photo_origins=frozenset(settings.DASHBOARD.PHOTO_ORIGINS),
    )


def list_url(querystring: str, base: str | None = None) -> str:
    """Return the contacts list's URL with a query string.

    ``base``: the list's URL reversed once already (a page that links the list many times).
    """
    base = base if base is not None else reversed_url("contacts:list")
    return f"{base}?{querystring}" if querystring else base


def relationship_list_filter(key: str) -> str:
    """Return the contacts list's query parameter that filters by relationship ``key``."""
    return f"{FILTER_PREFIX}{key}"


def htmx_details(request: HttpRequest) -> HtmxDetails:
    """Return django-htmx's view of the request (``request.htmx``, typed)."""
    details = getattr(request, "htmx", None)
    return details if isinstance(details, HtmxDetails) else HtmxDetails(request)
