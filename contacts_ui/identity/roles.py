"""Roles from SSO groups: viewers read, editors also write, admins also see the audit log.

Checked in every view (never only in a template), before any upstream call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from dashboard.config import AppSettings, AuthMode


class Role(IntEnum):
    NONE = 0
    VIEWER = 1
    EDITOR = 2
    ADMIN = 3


ROLE_NAMES = {
    Role.NONE: "no access",
    Role.VIEWER: "viewer",
    Role.EDITOR: "editor",
    Role.ADMIN: "admin",
}


def role_for(groups: Iterable[str], app_settings: AppSettings) -> Role:
    """Return the highest role any of a person's groups grants.

    With no role groups configured at all, every signed-in person is a viewer: reading is the
    safe default, and writing must be granted on purpose.
    """
    if app_settings.AUTH_MODE is AuthMode.DEV:
        return Role.ADMIN
    mine = {group.strip().lower() for group in groups if group.strip()}
    table = (
        (Role.ADMIN, app_settings.ROLE_ADMIN_GROUPS),
        (Role.EDITOR, app_settings.ROLE_EDITOR_GROUPS),
        (Role.VIEWER, app_settings.ROLE_VIEWER_GROUPS),
    )
    if not any(configured for _, configured in table):
        return Role.VIEWER
    for role, configured in table:
        if mine & {group.lower() for group in configured}:
            return role
    return Role.NONE


def request_role(request: HttpRequest) -> Role:
    """Return the role the sign-in middleware found for this request."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return Role.NONE
    return getattr(request, "role", Role.NONE)


def refuse(request: HttpRequest, minimum: Role) -> HttpResponse | None:
    """Return the 401/403 answer when the request may not do what ``minimum`` allows, else None."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return render(
            request,
            "errors/403.html",
            {"message": "Sign in through your company's single sign-on to use the dashboard."},
            status=401,
        )
    role = request_role(request)
    if role < minimum:
        return render(
            request,
            "errors/403.html",
            {
                "message": (
                    f"This needs the {ROLE_NAMES[minimum]} role; you are signed in as "
                    f"{ROLE_NAMES[role]}. Ask IT to add you to the right group."
                )
            },
            status=403,
        )
    return None


def require_role(
    minimum: Role,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Decorate a view so it answers 401/403 (and calls nothing upstream) below ``minimum``."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refused = refuse(request, minimum)
            return refused if refused is not None else view(request, *args, **kwargs)

        wrapped.minimum_role = minimum  # type: ignore[attr-defined]
        return wrapped

    return decorate


def role_context(request: HttpRequest) -> dict[str, object]:
    """Tell templates what the person may do, so pages hide what they may not."""
    role = request_role(request)
    app = settings.DASHBOARD
    return {
        "role": ROLE_NAMES[role],
        "can_edit": role >= Role.EDITOR,
        "is_admin": role >= Role.ADMIN,
        "sign_out_url": app.SSO_LOGOUT_URL if app.AUTH_MODE is AuthMode.HEADER else None,
        # AUTH_MODE=oidc signs out with a POST (CSRF-protected) to the oidc_logout view.
        "oidc_sign_out": app.AUTH_MODE is AuthMode.OIDC,
        "embed_origins": app.EMBED_ALLOWED_ORIGINS,
    }
