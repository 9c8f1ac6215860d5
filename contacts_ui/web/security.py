"""Security headers on every response, and a request id for logs and the audit trail.

The Content-Security-Policy allows nothing inline and nothing from another host: every script
and style is a file under static/. Its base is ``settings.SECURE_CSP``, shaped like Django 6's
setting of that name, so moving to ``django.middleware.csp`` later is deleting code; what varies
with the setup is added here: ``frame-ancestors`` from EMBED_ALLOWED_ORIGINS (the dashboard can
live in an intranet portal's iframe and nowhere else), the OIDC provider for ``form-action``, and
PHOTO_ORIGINS for ``img-src`` on the pages that show contacts' photos (``allow_photos``) only.
Permissions-Policy comes from django-permissions-policy (``settings.PERMISSIONS_POLICY``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from contacts_ui.identity.provider import form_action_origins

REQUEST_ID_HEADER = "X-Request-Id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def build_policy(policy: Mapping[str, Sequence[str]]) -> str:
    """Serialise a policy shaped like Django 6's ``SECURE_CSP`` into a header value."""
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items() if values)


def content_security_policy(
    embed_origins: list[str],
    form_targets: list[str] | None = None,
    image_origins: Sequence[str] = (),
) -> str:
    """Build the CSP header value: ``settings.SECURE_CSP`` plus what depends on the setup.

    ``embed_origins`` become ``frame-ancestors`` (none: no framing); ``form_targets`` are other
    origins a form may lead to (the OIDC provider, for sign-out); ``image_origins`` are other
    origins this page may show images from (contacts' photos).
    """
    policy = {name: list(values) for name, values in settings.SECURE_CSP.items()}
    policy["form-action"] = [*policy.get("form-action", ["'self'"]), *(form_targets or [])]
    policy["frame-ancestors"] = list(embed_origins) or ["'none'"]
    if image_origins:
        policy["img-src"] = [*policy.get("img-src", ["'self'"]), *image_origins]
    return build_policy(policy)


# The response attribute that carries the extra image origins from the view to the middleware.
_IMAGE_ORIGINS_ATTR = "contacts_csp_image_origins"


def allow_photos(response: HttpResponse) -> HttpResponse:
    """Let this page show contacts' photos from PHOTO_ORIGINS (its CSP img-src names them).

    Every allowed origin, not only those of the photos shown now: a photo changed in place on
    the page is swapped in under the policy the page was loaded with.
    """
    setattr(response, _IMAGE_ORIGINS_ATTR, tuple(settings.DASHBOARD.PHOTO_ORIGINS))
    return response


class SecurityHeadersMiddleware:
    """Give each request an id and each response the CSP and related headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        # A proxy's id is kept so one request can be followed across systems; junk is replaced.
        request.id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        request.embedded = request.headers.get("Sec-Fetch-Dest") == "iframe"  # type: ignore[attr-defined]
        response = self.get_response(request)
        origins = settings.DASHBOARD.EMBED_ALLOWED_ORIGINS
        response.headers.setdefault(
            "Content-Security-Policy",
            content_security_policy(
                origins,
                form_action_origins(settings.DASHBOARD),
                getattr(response, _IMAGE_ORIGINS_ATTR, ()),
            ),
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if origins:
            # X-Frame-Options cannot name an allow-list; CSP frame-ancestors decides instead.
            response.headers.pop("X-Frame-Options", None)
            # Inside the portal's iframe our cookies are third-party, which browsers block more
            # and more; partitioned cookies (CHIPS) still work, kept apart per portal site.
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies and response.cookies[name]["secure"]:
                    response.cookies[name]["partitioned"] = True
        response.headers[REQUEST_ID_HEADER] = request.id  # type: ignore[attr-defined]
        return response
