"""Answer /healthz, /readyz and /metrics before anything else sees the request.

Probes and scrapers reach pods by IP over plain HTTP and never sign in: the host check, the
HTTPS redirect and the sign-in middleware would all turn them away.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from contacts_ui.views import ops

OPS_ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": ops.healthz,
    "/readyz": ops.readyz,
    "/metrics": ops.metrics,
}


class OpsEndpointsMiddleware:
    """Serve the ops endpoints directly; pass every other request on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = OPS_ENDPOINTS.get(request.path_info.rstrip("/"))
        if view is None:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = view(request)
        response.headers["Cache-Control"] = "no-store"
        return response
