"""Sign-in with the company's OpenID Connect provider (AUTH_MODE=oidc), on mozilla-django-oidc.

- **Where the provider is**: OIDC_ISSUER only. Its endpoints come from OpenID discovery
  (``{OIDC_ISSUER}/.well-known/openid-configuration``), fetched at the first sign-in and kept for
  the life of the process, so ``manage.py check``, migrations and a start-up with the provider
  briefly down never need it.
- **Settings**: mozilla-django-oidc reads its settings through ``get_settings``; ours answers the
  ``OIDC_OP_*`` names from discovery and the ``OIDC_RP_*`` names (and a few fixed choices: RS256,
  PKCE, timeouts) from ``settings.DASHBOARD``, so the typed settings object stays the one source
  and tests swap it with ``override_settings``. Any other name falls through to Django settings.
- **Who**: the ``email`` claim, lower-cased, is the username (as in AUTH_MODE=header, so the same
  person is the same user in both modes). A login without a plausible email, or with
  ``email_verified`` false, is refused.
- **Groups**: from the claim named by OIDC_GROUPS_CLAIM (a list or a comma string; absent means
  none), stored in the session at every sign-in, so a role change at the provider applies at the
  next sign-in. contacts_ui.identity.signin.SignInMiddleware reads them from there.
- **Re-check**: a sign-in's groups are trusted for OIDC_RECHECK_SECONDS (15 min by default); the
  next full page load after that goes through the provider again (see ``recheck_sign_in``).
- **Failures**: a provider that cannot be reached, a refused code, a forged state, a bad token…
  end on a "sign-in did not complete" page, logged with the request id, never a 500.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.generic import View
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from contacts_ui.identity.provider import (
    OIDCDiscoveryError,
    ProviderMetadata,
    discover,
    normal_issuer,
)
from contacts_ui.identity.signin import MAX_GROUPS, OIDC_GROUPS_SESSION_KEY
from dashboard.config import AppSettings

logger = logging.getLogger(__name__)

# Token, userinfo and JWKS calls (mozilla-django-oidc's default is to wait forever).
PROVIDER_TIMEOUT_SECONDS = 10
SIGN_ALGORITHM = "RS256"
# The URL names of the sign-in pages: reachable without being signed in.
SIGN_IN_URL_NAMES = frozenset(
    {"oidc_authentication_init", "oidc_authentication_callback", "oidc_logout", "oidc_signed_out"}
)
_FAILURE_REASON = "_oidc_failure_reason"


def provider_metadata() -> ProviderMetadata:
    """Return the metadata of the provider the current settings name."""
    return discover(_oidc_app().OIDC_ISSUER or "")


def _oidc_app() -> AppSettings:
    app: AppSettings = settings.DASHBOARD
    if not (app.OIDC_ISSUER and app.OIDC_CLIENT_ID and app.OIDC_CLIENT_SECRET):
        # dashboard.config refuses AUTH_MODE=oidc without them; this is the belt to those braces.
        raise OIDCDiscoveryError("OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are not set")
    return app


def _use_basic_auth() -> bool:
    methods = provider_metadata().token_endpoint_auth_methods_supported
    return "client_secret_basic" in methods or "client_secret_post" not in methods


_FROM_DASHBOARD: dict[str, Any] = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: provider_metadata().authorization_endpoint,
    "OIDC_OP_TOKEN_ENDPOINT": lambda: provider_metadata().token_endpoint,
    "OIDC_OP_USER_ENDPOINT": lambda: provider_metadata().userinfo_endpoint,
    "OIDC_OP_JWKS_ENDPOINT": lambda: provider_metadata().jwks_uri,
    "OIDC_RP_CLIENT_ID": lambda: _oidc_app().OIDC_CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": lambda: _oidc_app().OIDC_CLIENT_SECRET.get_secret_value(),  # type: ignore[union-attr]
    "OIDC_RP_SCOPES": lambda: settings.DASHBOARD.OIDC_SCOPES,
    "OIDC_RP_SIGN_ALGO": lambda: SIGN_ALGORITHM,
    "OIDC_RP_IDP_SIGN_KEY": lambda: None,
    "OIDC_TOKEN_USE_BASIC_AUTH": _use_basic_auth,
    "OIDC_USE_PKCE": lambda: True,
    "OIDC_USE_NONCE": lambda: True,
    "OIDC_TIMEOUT": lambda: PROVIDER_TIMEOUT_SECONDS,
    "OIDC_CREATE_USER": lambda: True,
    # Kept for id_token_hint at sign-out.
    "OIDC_STORE_ID_TOKEN": lambda: True,
    "OIDC_OP_LOGOUT_URL_METHOD": lambda: "contacts_ui.identity.oidc.provider_logout_url",
    # When a sign-in's claims are due for a re-check (recheck_due below).
    "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS": lambda: settings.DASHBOARD.OIDC_RECHECK_SECONDS,
    "LOGIN_REDIRECT_URL": lambda: "contacts:list",
    "LOGOUT_REDIRECT_URL": lambda: "oidc_signed_out",
}


def oidc_setting(name: str, *default: Any) -> Any:
    """Answer mozilla-django-oidc's settings: ours from DASHBOARD and discovery, others Django's."""
    derive = _FROM_DASHBOARD.get(name)
    if derive is not None:
        return derive()
    return import_from_settings(name, *default)


def _setting_property(name: str) -> property:
    return property(lambda self: oidc_setting(name))


# --- claims ------------------------------------------------------------------------------------


def groups_from_claims(claims: Mapping[str, Any], claim: str) -> tuple[str, ...]:
    """Read a person's groups from ``claims[claim]``: a list, or one comma-separated string.

    A dotted name (``realm_access.roles``) reaches into nested objects when no claim has that
    exact name. Absent, empty or odd values mean no groups; items that are not text are ignored.
    """
    value: Any = claims.get(claim)
    if value is None and "." in claim:
        value = claims
        for part in claim.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = []
    names = (item.strip() for item in items if isinstance(item, str))
    return tuple(dict.fromkeys(name for name in names if name))[:MAX_GROUPS]


def email_from_claims(claims: Mapping[str, Any]) -> str | None:
    """Return the lower-cased email the claims vouch for, or None when they do not.

    Refused: no email, one that does not look like an address, one longer than a username may
    be, and one the provider itself marks ``email_verified: false`` (providers that do not send
    ``email_verified`` at all are trusted to hand out only their own addresses).
    """
    email = claims.get("email")
    if not isinstance(email, str):
        return None
    email = email.strip().lower()
    verified = claims.get("email_verified", True)
    if verified is False or (isinstance(verified, str) and verified.strip().lower() == "false"):
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    max_length = get_user_model()._meta.get_field("username").max_length or 150
    return email if len(email) <= max_length else None


def _names_from_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    first, last = claims.get("given_name"), claims.get("family_name")
    if not isinstance(first, str) and not isinstance(last, str):
        name = claims.get("name")
        if isinstance(name, str) and name.strip():
            first, _, last = name.strip().partition(" ")
    return {
        "first_name": (first if isinstance(first, str) else "").strip()[:150],
        "last_name": (last if isinstance(last, str) else "").strip()[:150],
    }


# --- the authentication backend ----------------------------------------------------------------


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with users keyed by email and groups kept in the session."""

    get_settings = staticmethod(oidc_setting)

    # mozilla-django-oidc reads these in __init__; Django builds a backend for every request that
    # loads a signed-in user, so here they are read only when a sign-in uses them.
    OIDC_OP_TOKEN_ENDPOINT = _setting_property("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _setting_property("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _setting_property("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting_property("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _setting_property("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = _setting_property("OIDC_RP_SIGN_ALGO")
    OIDC_RP_IDP_SIGN_KEY = _setting_property("OIDC_RP_IDP_SIGN_KEY")

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # no discovery here, see above
        self.UserModel = get_user_model()

    def get_user(self, user_id: Any):  # type: ignore[no-untyped-def]
        """Return the signed-in user, unless IT has since deactivated them (as ModelBackend)."""
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Return the verified ID token's claims, completed by the userinfo endpoint's."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("the userinfo answer is about someone else than the ID token")
        return {**payload, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if email_from_claims(claims) is None:
            self._fail(
                "Your company account has no verified email address, which the dashboard needs."
            )
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]):  # type: ignore[no-untyped-def]
        email = email_from_claims(claims)
        if email is None:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=email)

    def create_user(self, claims: dict[str, Any]):  # type: ignore[no-untyped-def]
        email = email_from_claims(claims)
        if email is None:  # verify_claims ran first; never reached
            raise SuspiciousOperation("no verified email")
        # get_or_create: two first sign-ins at once must not both try to insert the user.
        user, created = self.UserModel.objects.get_or_create(
            username=email, defaults={"email": email, **_names_from_claims(claims)}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            logger.info("created user %s at their first OIDC sign-in", email)
        return self.update_user(user, claims)

    def update_user(self, user, claims: dict[str, Any]):  # type: ignore[no-untyped-def]
        fields = {"email": email_from_claims(claims) or user.email, **_names_from_claims(claims)}
        changed = [name for name, value in fields.items() if value and getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            user.save(update_fields=changed)
        self._remember_groups(user, claims)
        return user

    def _remember_groups(self, user, claims: Mapping[str, Any]) -> None:  # type: ignore[no-untyped-def]
        groups = groups_from_claims(claims, settings.DASHBOARD.OIDC_GROUPS_CLAIM)
        self.request.session[OIDC_GROUPS_SESSION_KEY] = list(groups)
        # Also on the user, for the callback to put back if logging in flushes the session.
        user.oidc_groups = groups

    def _fail(self, reason: str) -> None:
        request = getattr(self, "request", None)
        if request is not None:
            setattr(request, _FAILURE_REASON, reason)


# --- views ---------------------------------------------------------------------------------------


def _local_path(url: str | None) -> str | None:
    """Return ``url`` if it is a path on this site (never another host), else None."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url


def _failure_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    sign_in = reverse("oidc_authentication_init")
    next_url = (
        _local_path(request.session.get("oidc_login_next")) if hasattr(request, "session") else None
    )
    return render(
        request,
        "oidc/sign_in_failed.html",
        {
            "message": message,
            "retry_url": f"{sign_in}?{urlencode({'next': next_url})}" if next_url else sign_in,
            "request_id": getattr(request, "id", ""),
        },
        status=status,
    )


UNREACHABLE = "The company sign-in service cannot be reached right now. Try again in a moment."
NOT_COMPLETED = (
    "Signing in with your company account did not complete. Try again; if it keeps failing, "
    "tell IT and quote the reference below."
)


class SignInView(OIDCAuthenticationRequestView):
    """Send the person to the provider (``?next=`` must be a path on this site)."""

    get_settings = staticmethod(oidc_setting)
    OIDC_OP_AUTH_ENDPOINT = _setting_property("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting_property("OIDC_RP_CLIENT_ID")

    def __init__(self, **kwargs: Any) -> None:  # mozilla's reads the endpoints here: see above
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response = super().get(request)
        except OIDCDiscoveryError as exc:
            logger.error(
                "OIDC sign-in unavailable (request %s): %s", getattr(request, "id", ""), exc
            )
            return _failure_page(request, UNREACHABLE, status=503)
        # mozilla-django-oidc accepts any URL on this host; keep paths only.
        request.session["oidc_login_next"] = _local_path(request.session.get("oidc_login_next"))
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """Finish the sign-in; every way it can fail ends on the failure page."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        reference = getattr(request, "id", "")
        try:
            issuer = request.GET.get("iss")
            # RFC 9207: a provider that says who answered must be ours (mix-up attacks).
            if issuer is not None and normal_issuer(issuer) != normal_issuer(
                _oidc_app().OIDC_ISSUER or ""
            ):
                raise SuspiciousOperation(f"the answer came from another issuer: {issuer!r}")
            return super().get(request)
        except OIDCDiscoveryError as exc:
            logger.error("OIDC sign-in failed (request %s): %s", reference, exc)
            return _failure_page(request, UNREACHABLE, status=503)
        except (
            requests.RequestException,
            SuspiciousOperation,
            jwt.PyJWTError,
            KeyError,
            ValueError,
        ) as exc:
            logger.warning(
                "OIDC sign-in failed (request %s): %s: %s", reference, type(exc).__name__, exc
            )
            return _failure_page(request, NOT_COMPLETED, status=403)

    def login_failure(self) -> HttpResponse:
        request = self.request
        reason = getattr(request, _FAILURE_REASON, None)
        if request.GET.get("error"):
            logger.warning(
                "OIDC provider refused the sign-in (request %s): %r",
                getattr(request, "id", ""),
                request.GET.get("error", "")[:100],
            )
        else:
            logger.warning(
                "OIDC sign-in failed (request %s): %s",
                getattr(request, "id", ""),
                reason or "no sign-in under way in this session, or the user is inactive here",
            )
        return _failure_page(request, reason or NOT_COMPLETED, status=403)

    def login_success(self) -> HttpResponse:
        request = self.request
        next_url = self.success_url
        # auth.login() flushes the session when someone else was signed in in this browser: keep
        # what this sign-in just stored.
        kept = {
            key: request.session[key]
            for key in (OIDC_GROUPS_SESSION_KEY, "oidc_id_token")
            if key in request.session
        }
        if not request.user.is_authenticated or request.user != self.user:
            auth.login(request, self.user)
        request.session.update(kept)
        request.session[OIDC_GROUPS_SESSION_KEY] = list(getattr(self.user, "oidc_groups", ()))
        request.session[RECHECK_SESSION_KEY] = time.time() + self.get_settings(
            "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS", 60 * 15
        )
        return HttpResponseRedirect(next_url)


class SignOutView(OIDCLogoutView):
    """Sign out here (POST), then at the provider when it offers an end-session endpoint."""

    get_settings = staticmethod(oidc_setting)


def provider_logout_url(request: HttpRequest) -> str:
    """Return where to send the browser after signing out here (OIDC RP-initiated logout)."""
    signed_out = request.build_absolute_uri(reverse("oidc_signed_out"))
    try:
        metadata = provider_metadata()
    except OIDCDiscoveryError as exc:
        logger.warning("signed out locally only: %s", exc)
        return signed_out
    if not metadata.end_session_endpoint:
        return signed_out
    params = {"client_id": _oidc_app().OIDC_CLIENT_ID, "post_logout_redirect_uri": signed_out}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in metadata.end_session_endpoint else "?"
    return f"{metadata.end_session_endpoint}{separator}{urlencode(params)}"


def signed_out(request: HttpRequest) -> HttpResponse:
    """Say that the person is signed out, with a way back in."""
    if request.user.is_authenticated:
        return redirect("contacts:list")
    back = urlencode({"next": reverse("contacts:list")})
    sign_in_url = f"{reverse('oidc_authentication_init')}?{back}"
    return render(request, "oidc/signed_out.html", {"sign_in_url": sign_in_url})


# --- what the sign-in middleware does with someone not signed in --------------------------------

RECHECK_SESSION_KEY = "oidc_id_token_expiration"


def recheck_due(request: HttpRequest) -> bool:
    """Tell whether a signed-in person's groups are older than OIDC_RECHECK_SECONDS."""
    checked_until = request.session.get(RECHECK_SESSION_KEY)
    return not isinstance(checked_until, int | float) or time.time() >= checked_until


def recheck_sign_in(request: HttpRequest) -> HttpResponse | None:
    """Send a full-page GET whose sign-in is due for a re-check through the provider again.

    Like mozilla-django-oidc's SessionRefresh, only plain page loads are redirected: an htmx
    swap or a form post goes through (nothing typed is lost), and the next page load checks.
    The provider signs a still-valid person straight back in, with the groups it gives now.
    """
    if request.method != "GET" or HtmxDetails(request) or not recheck_due(request):
        return None
    try:
        url_name = resolve(request.path_info).url_name
    except Resolver404:
        url_name = None
    if url_name in SIGN_IN_URL_NAMES:
        return None
    return redirect_to_login(request.get_full_path(), reverse("oidc_authentication_init"))


def sign_in_required(request: HttpRequest) -> HttpResponse | None:
    """Answer a request from someone not signed in, or None for the sign-in pages themselves.

    Full-page GETs go to the sign-in (back to the same path afterwards), htmx requests get an
    HX-Redirect to it (back to the page the person was on), anything else a 401 page.
    """
    try:
        url_name = resolve(request.path_info).url_name
    except Resolver404:
        url_name = None
    if url_name in SIGN_IN_URL_NAMES:
        return None
    sign_in = reverse("oidc_authentication_init")
    htmx = HtmxDetails(request)
    if htmx:
        page = _local_path(htmx.current_url_abs_path) or reverse("contacts:list")
        return HttpResponseClientRedirect(f"{sign_in}?{urlencode({'next': page})}")
    if request.method in {"GET", "HEAD"}:
        return redirect_to_login(request.get_full_path(), sign_in)
    return render(
        request,
        "errors/403.html",
        {"message": "Your sign-in has expired. Reload the page to sign in again."},
        status=401,
    )
