"""Endpoints for IT's tooling: liveness, readiness and Prometheus metrics.

They are answered by ``contacts_ui.web.ops.OpsEndpointsMiddleware`` before sign-in, the HTTPS
redirect and the host check, because probes and scrapers call pod addresses over plain HTTP.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from contacts_ui.observability.metrics import CONTENT_TYPE_LATEST, exposition
from contacts_ui.services import health


def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 while the process can serve at all; touches neither database nor CRM."""
    return JsonResponse({"status": "alive"})


def readyz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when database, shared cache and CRM are reachable, else 503 naming which."""
    checks = {
        "database": health.check_database(),
        "cache": health.check_cache(),
        "crm": health.check_crm(),
    }
    ready = all(check.ok for check in checks.values())
    return JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": {name: check.detail for name, check in checks.items()},
        },
        status=200 if ready else 503,
    )


def metrics(request: HttpRequest) -> HttpResponse:
    """Expose Prometheus metrics to loopback, the trusted proxies, or a METRICS_TOKEN holder."""
    if not _may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def _may_scrape(request: HttpRequest) -> bool:
    app = settings.DASHBOARD
    token = app.METRICS_TOKEN.get_secret_value() if app.METRICS_TOKEN else ""
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and offered and hmac.compare_digest(offered.encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return False
    return address.is_loopback or any(address in net for net in app.TRUSTED_PROXIES)
