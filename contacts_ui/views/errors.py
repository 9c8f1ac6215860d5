"""Error pages: what the user sees when something goes wrong, never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django_htmx.http import push_url, reselect, reswap, retarget
from django_htmx.middleware import HtmxDetails

from contacts_ui.crm.errors import CRMError, NotFoundError
from contacts_ui.services.errors import (
    describe_crm_error,
    is_busy,
    retry_after_seconds,
    status_for,
)

__all__ = [
    "crm_error_response",
    "describe_crm_error",
    "mark_busy",
    "not_found",
    "server_error",
]


def mark_busy(response: HttpResponse, exc: CRMError) -> HttpResponse:
    """Add Retry-After to an answer about a busy CRM, so clients and proxies back off too."""
    if is_busy(exc):
        response["Retry-After"] = str(retry_after_seconds(exc))
    return response


NOT_FOUND_MESSAGE = "The CRM does not know this record (it may have been deleted)."


def crm_error_response(request: HttpRequest, exc: CRMError) -> HttpResponse:
    """Render the CRM-trouble banner page: 503 + Retry-After when busy, 502 for CRM faults.

    A record the CRM does not know is a 404. An htmx request gets the banner alone,
    retargeted to the page's banner region: htmx 2 does not swap a 4xx/5xx answer, so an error
    page would vanish and the page look stuck (its outcome still counts in the metrics).
    """
    htmx = HtmxDetails(request)
    if isinstance(exc, NotFoundError) and not htmx:
        return not_found(request)
    message = NOT_FOUND_MESSAGE if isinstance(exc, NotFoundError) else describe_crm_error(exc)
    if htmx:
        # Retry the page the person is on, not the fragment the failed request asked for.
        retry_url = _local_path(htmx.current_url_abs_path) or request.get_full_path()
        response = render(
            request,
            "errors/crm_error.html#banner",
            {"message": message, "retry_url": retry_url},
        )
        response = reswap(retarget(response, "#crm-banner"), "innerHTML")
        response = reselect(response, "#crm-error-banner")
        response.crm_outcome = "busy" if is_busy(exc) else "crm_error"  # type: ignore[attr-defined]
        # The address bar keeps the page that is still shown.
        return mark_busy(push_url(response, False), exc)
    response = render(
        request,
        "errors/crm_error.html",
        {"message": message, "retry_url": request.get_full_path(), "busy": is_busy(exc)},
        status=status_for(exc),
    )
    return mark_busy(response, exc)


def _local_path(candidate: str | None) -> str | None:
    """Return ``candidate`` if it is a path on this site (never another origin), else None."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return None
    return candidate if "\\" not in candidate else None


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 404 page."""
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page without touching anything that might have failed.

    No RequestContext: context processors (the user, roles, the session) may be what broke.
    The only value is the list page's URL, and even that falls back to the site root.
    """
    try:
        home = reverse("contacts:list")
    except Exception:
        home = "/"
    # The request id comes from the first middleware and is a plain attribute: safe to read.
    context = {"home_url": home, "request_id": getattr(request, "id", "")}
    html = loader.get_template("errors/500.html").render(context)
    return HttpResponseServerError(html)
