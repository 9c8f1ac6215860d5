"""Who is signed in, and with which groups.

- AUTH_MODE=dev: everyone is the demo user (dashboard.config refuses dev mode unless DEBUG is on,
  the backend is the sandbox, or the CRM is on a loopback address).
- AUTH_MODE=header: the SSO proxy names the user and groups in headers. They are trusted only
  when the request comes from an address in TRUSTED_PROXIES; from anywhere else the answer is
  403 whatever the headers say.
- AUTH_MODE=oidc: mozilla-django-oidc signs people in; their groups ride in the session.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contacts_ui.identity.roles import role_for
from contacts_ui.web.fragments import ExpiringLRU
from dashboard.config import AuthMode

logger = logging.getLogger(__name__)

DEMO_USERNAME = "demo"
DEMO_EMAIL = "demo@example.com"
OIDC_GROUPS_SESSION_KEY = "oidc_groups"
MAX_GROUPS = 200
# Who signed in lately, by username, so that a page view does not ask the database who they
# are (header and dev sign-in name the person on every request). Briefly: a user removed by
# an admin is forgotten within this time.
USER_MEMO_SECONDS = 30
_users = ExpiringLRU(4096)


def _remembered_user(username: str, load: Callable[[], Any]) -> Any:
    """Return the user named ``username``, from this process's memo or ``load()``.

    Each request gets its own copy, so what one request sets on its user stays with it.
    """
    now = time.time()
    user = _users.get(username, now)
    if user is None:
        user = load()
        _users.put(username, user, now + USER_MEMO_SECONDS)
    return copy.copy(user)


def forget_users() -> None:
    """Forget the remembered users (tests, whose database rolls back under the memo)."""
    _users.clear()


def _header_meta_name(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def parse_groups(raw: str | None) -> tuple[str, ...]:
    """Split a comma-separated groups header into clean group names."""
    if not raw:
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())[:MAX_GROUPS]


def sso_groups(request: HttpRequest) -> tuple[str, ...]:
    """Return the SSO groups the sign-in middleware found for this request."""
    groups = getattr(request, "sso_groups", ())
    return tuple(groups) if isinstance(groups, tuple | list) else ()


def from_trusted_proxy(remote_addr: str | None) -> bool:
    """Tell whether the connection comes from one of the configured SSO proxies."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in settings.DASHBOARD.TRUSTED_PROXIES)


def _user_for_email(email: str) -> Any:
    user_model = get_user_model()
    username = email.strip().lower()[:150]

    def load() -> Any:
        user, _ = user_model.objects.get_or_create(username=username, defaults={"email": username})
        return user

    return _remembered_user(username, load)


class SignInMiddleware:
    """Attach the user, their groups and their role to every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        app = settings.DASHBOARD
        mode = app.AUTH_MODE
        groups: tuple[str, ...] = ()
        if mode is AuthMode.DEV:
            request.user = self._demo_user()
            groups = ("dev",)
        elif mode is AuthMode.HEADER:
            refused = self._sign_in_from_headers(request)
            if refused is not None:
                return refused
            groups = sso_groups(request)
        elif mode is AuthMode.OIDC and request.user.is_authenticated:
            from contacts_ui.identity.oidc import recheck_sign_in

            recheck = recheck_sign_in(request)
            if recheck is not None:
                return recheck
            groups = tuple(request.session.get(OIDC_GROUPS_SESSION_KEY, ()))
        elif mode is AuthMode.OIDC:
            # Not signed in: off to the provider (contacts_ui.identity.oidc imports this module).
            from contacts_ui.identity.oidc import sign_in_required

            refused = sign_in_required(request)
            if refused is not None:
                return refused
        setattr(request, "sso_groups", groups)  # noqa: B010 - read back through sso_groups()
        setattr(request, "role", role_for(groups, app))  # noqa: B010 - read by request_role()
        return self.get_response(request)

    def _sign_in_from_headers(self, request: HttpRequest) -> HttpResponse | None:
        app = settings.DASHBOARD
        if not from_trusted_proxy(request.META.get("REMOTE_ADDR")):
            logger.warning(
                "refused a request from %s: not a trusted SSO proxy",
                request.META.get("REMOTE_ADDR"),
            )
            return render(
                request,
                "errors/403.html",
                {"message": "This dashboard is only reachable through the company's sign-in."},
                status=403,
            )
        email = request.META.get(_header_meta_name(app.SSO_USER_HEADER), "").strip()
        if not email or "@" not in email:
            return render(
                request,
                "errors/403.html",
                {"message": "The sign-in proxy did not say who you are. Sign in again."},
                status=401,
            )
        request.user = _user_for_email(email)
        groups = parse_groups(request.META.get(_header_meta_name(app.SSO_GROUPS_HEADER)))
        setattr(request, "sso_groups", groups)  # noqa: B010 - read back through sso_groups()
        return None

    def _demo_user(self) -> Any:
        def load() -> Any:
            user, _ = get_user_model().objects.get_or_create(
                username=DEMO_USERNAME,
                defaults={"email": DEMO_EMAIL, "first_name": "Demo", "last_name": "User"},
            )
            return user

        return _remembered_user(DEMO_USERNAME, load)
