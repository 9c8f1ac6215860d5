"""Error pages: what the user sees when something goes wrong, never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contacts_ui.crm.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    CRMError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)


def describe_crm_error(exc: CRMError) -> str:
    """Turn a CRM failure into one sentence a salesperson can act on."""
    if isinstance(exc, RateLimitError):
        wait = f" Try again in {exc.retry_after:.0f} s." if exc.retry_after else ""
        return f"The CRM is busy right now (too many requests from the team).{wait}"
    if isinstance(exc, APITimeoutError):
        return "The CRM took too long to answer. Try again in a moment."
    if isinstance(exc, APIConnectionError):
        return "The CRM cannot be reached right now. Try again in a moment."
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return "The CRM refused the dashboard's API key. Ask IT to check the key and its scopes."
    if isinstance(exc, APIStatusError) and exc.status_code >= 500:
        return "The CRM had a problem answering. Try again in a moment."
    return "The CRM could not answer this request."


def crm_error_response(request: HttpRequest, exc: CRMError) -> HttpResponse:
    """Render the CRM-trouble banner page (404 for a record the CRM does not know)."""
    if isinstance(exc, NotFoundError):
        return not_found(request)
    return render(
        request,
        "errors/crm_error.html",
        {"message": describe_crm_error(exc), "retry_url": request.get_full_path()},
        status=503 if not isinstance(exc, APIStatusError) or exc.status_code >= 429 else 502,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 404 page."""
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page without touching anything that might have failed."""
    return render(request, "errors/500.html", status=500)
