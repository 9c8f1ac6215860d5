"""Error pages: what the user sees when something goes wrong, never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contacts_ui.crm.errors import APIStatusError, CRMError, NotFoundError
from contacts_ui.services.errors import describe_crm_error

__all__ = ["crm_error_response", "describe_crm_error", "not_found", "server_error"]


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
