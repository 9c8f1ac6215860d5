"""Per-request plumbing for IT: the request id reaches the CRM client and every log line, and
each answer is timed and counted by outcome.

Sits right after SecurityHeadersMiddleware, which assigns ``request.id``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from contacts_ui.crm.context import using_request_id
from contacts_ui.observability.metrics import RESPONSES, VIEW_SECONDS


def outcome_of(response: HttpResponse) -> str:
    """Classify an answer so busy pages, CRM trouble and our own failures stay apart.

    htmx answers about CRM trouble are 200s (htmx 2 swaps nothing else) and say so themselves.
    """
    marked = getattr(response, "crm_outcome", None)
    if isinstance(marked, str):
        return marked
    status = response.status_code
    if status == 503 and response.has_header("Retry-After"):
        return "busy"
    if status in {502, 503, 504}:
        return "crm_error"
    if status >= 500:
        return "error"
    if status >= 400:
        return "client_error"
    if status >= 300:
        return "redirect"
    return "ok"


class RequestObservabilityMiddleware:
    """Tag the request's CRM calls and log lines with its id; time and count its answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with using_request_id(getattr(request, "id", None)):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else None) or "unmatched"
        VIEW_SECONDS.labels(view).observe(time.perf_counter() - started)
        RESPONSES.labels(outcome_of(response)).inc()
        return response
