"""contacts_ui.identity.oidc alone: the groups claim, the email rule, users, settings, discovery."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory, override_settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from contacts_ui.identity import oidc, provider
from contacts_ui.identity.signin import MAX_GROUPS, OIDC_GROUPS_SESSION_KEY
from contacts_ui.web.security import content_security_policy
from dashboard.config import AuthMode
from tests.oidc.harness import oidc_app_settings
from tests.oidc.transport import Answer, CannedProvider

ISSUER = "https://login.example.com/realms/staff"
DISCOVERY = f"{ISSUER}/.well-known/openid-configuration"
METADATA = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/certs",
    "end_session_endpoint": "https://logout.example.com/end",
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}


@pytest.fixture(autouse=True)
def _fresh_discovery() -> Iterator[None]:
    provider.forget_discovery()
    yield
    provider.forget_discovery()


@pytest.fixture(autouse=True)
def idp() -> Iterator[CannedProvider]:
    """Answer every https request of discovery from canned answers (real http stays real)."""
    canned = CannedProvider()
    session = requests.Session()
    session.mount("https://", canned)
    previous = provider.use_session(session)
    yield canned
    provider.use_session(previous)


# --- the groups claim ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"groups": ["sales", "emea"]}, ("sales", "emea")),
        ({"groups": "sales, emea ,,"}, ("sales", "emea")),
        ({"groups": " sales "}, ("sales",)),
        ({"groups": ["sales", "sales", " emea "]}, ("sales", "emea")),
        ({"groups": ["sales", 7, None, {"x": 1}, ""]}, ("sales",)),
        ({}, ()),
        ({"groups": None}, ()),
        ({"groups": ""}, ()),
        ({"groups": 42}, ()),
        ({"groups": {"sales": True}}, ()),
    ],
)
def test_groups_come_from_a_list_or_a_comma_string_and_anything_else_is_none(
    claims: dict[str, Any], expected: tuple[str, ...]
) -> None:
    assert oidc.groups_from_claims(claims, "groups") == expected


def test_the_groups_claim_name_is_the_configured_one() -> None:
    claims = {"groups": ["wrong"], "roles": "sales,emea"}
    assert oidc.groups_from_claims(claims, "roles") == ("sales", "emea")


def test_a_dotted_claim_name_reaches_into_nested_claims() -> None:
    claims = {"realm_access": {"roles": ["sales"]}}
    assert oidc.groups_from_claims(claims, "realm_access.roles") == ("sales",)
    assert oidc.groups_from_claims(claims, "realm_access.missing") == ()
    assert oidc.groups_from_claims({"realm_access": ["x"]}, "realm_access.roles") == ()


def test_a_claim_name_with_dots_is_first_read_as_it_is() -> None:
    claims = {"https://example.com/groups": ["sales"]}
    assert oidc.groups_from_claims(claims, "https://example.com/groups") == ("sales",)


def test_groups_are_capped() -> None:
    claims = {"groups": [f"g{index}" for index in range(MAX_GROUPS + 50)]}
    assert len(oidc.groups_from_claims(claims, "groups")) == MAX_GROUPS


# --- the email rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "Ana.Lima@Example.COM", "email_verified": True}, "ana.lima@example.com"),
        ({"email": " ana@example.com "}, "ana@example.com"),  # no email_verified claim at all
        ({"email": "ana@example.com", "email_verified": "true"}, "ana@example.com"),
        ({"email": "ana@example.com", "email_verified": False}, None),
        ({"email": "ana@example.com", "email_verified": "false"}, None),
        ({}, None),
        ({"email": None}, None),
        ({"email": ["ana@example.com"]}, None),
        ({"email": "ana"}, None),
        ({"email": "ana@"}, None),
        ({"email": "ana@example.com\nbcc: x@example.com"}, None),
        ({"email": "a" * 140 + "@example.com"}, None),  # longer than a username may be
    ],
)
def test_only_a_plausible_unrefuted_email_is_accepted(
    claims: dict[str, Any], expected: str | None
) -> None:
    assert oidc.email_from_claims(claims) == expected


# --- users --------------------------------------------------------------------------------------


@pytest.fixture
def oidc_settings() -> Iterator[None]:
    with override_settings(DASHBOARD=oidc_app_settings(ISSUER, client_secret="s3cret")):
        yield


def _backend() -> oidc.OIDCBackend:
    request = RequestFactory().get("/oidc/callback/")
    request.session = SessionStore()
    backend = oidc.OIDCBackend()
    backend.request = request
    return backend


def _sign_in(
    backend: oidc.OIDCBackend, monkeypatch: pytest.MonkeyPatch, claims: dict[str, Any]
) -> Any:
    """Run mozilla-django-oidc's user step with ``claims`` as the provider's userinfo answer."""
    monkeypatch.setattr(OIDCAuthenticationBackend, "get_userinfo", lambda self, *args: dict(claims))
    payload = {"sub": claims.get("sub", "sub-1"), "iss": ISSUER}
    return backend.get_or_create_user("access", "id-token", payload)


ANA = {
    "sub": "sub-1",
    "email": "Ana@Example.com",
    "email_verified": True,
    "given_name": "Ana",
    "family_name": "Lima",
    "groups": ["sales"],
}


@pytest.mark.django_db
def test_a_first_sign_in_creates_the_user_keyed_by_lower_cased_email(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _backend()
    user = _sign_in(backend, monkeypatch, ANA)
    assert user.username == "ana@example.com"
    assert (user.email, user.first_name, user.last_name) == ("ana@example.com", "Ana", "Lima")
    assert not user.has_usable_password()
    assert backend.request.session[OIDC_GROUPS_SESSION_KEY] == ["sales"]


@pytest.mark.django_db
def test_a_later_sign_in_updates_the_same_user_and_replaces_the_groups(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _sign_in(_backend(), monkeypatch, ANA)
    backend = _backend()
    again = _sign_in(
        backend, monkeypatch, {**ANA, "family_name": "Lima-Souza", "groups": "it-admins"}
    )
    assert again.pk == first.pk
    assert get_user_model().objects.count() == 1
    again.refresh_from_db()
    assert again.last_name == "Lima-Souza"
    assert backend.request.session[OIDC_GROUPS_SESSION_KEY] == ["it-admins"]


@pytest.mark.django_db
def test_a_user_from_header_sign_in_is_the_same_person(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = get_user_model().objects.create(username="ana@example.com", email="ana@example.com")
    assert _sign_in(_backend(), monkeypatch, ANA).pk == existing.pk


@pytest.mark.django_db
def test_no_groups_claim_means_no_groups(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _backend()
    _sign_in(backend, monkeypatch, {k: v for k, v in ANA.items() if k != "groups"})
    assert backend.request.session[OIDC_GROUPS_SESSION_KEY] == []


@pytest.mark.django_db
def test_only_a_name_claim_still_gives_first_and_last_name(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = {"sub": "sub-1", "email": "ana@example.com", "name": "Ana Maria Lima"}
    user = _sign_in(_backend(), monkeypatch, claims)
    assert (user.first_name, user.last_name) == ("Ana", "Maria Lima")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "claims",
    [
        {**ANA, "email_verified": False},
        {k: v for k, v in ANA.items() if k != "email"},
        {**ANA, "email": "not an address"},
    ],
)
def test_no_user_without_a_verified_looking_email(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch, claims: dict[str, Any]
) -> None:
    backend = _backend()
    # mozilla-django-oidc's authenticate() turns this into "no user" (and the callback into the
    # failure page, see tests/integration/test_oidc.py).
    with pytest.raises(SuspiciousOperation):
        _sign_in(backend, monkeypatch, claims)
    assert not get_user_model().objects.exists()
    assert OIDC_GROUPS_SESSION_KEY not in backend.request.session
    assert "no verified email" in getattr(backend.request, "_oidc_failure_reason", "")


@pytest.mark.django_db
def test_userinfo_about_someone_else_than_the_id_token_is_refused(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _backend()
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "get_userinfo", lambda self, *args: {**ANA, "sub": "other"}
    )
    with pytest.raises(SuspiciousOperation, match="someone else"):
        backend.get_or_create_user("access", "id-token", {"sub": "sub-1"})
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_claims_only_in_the_id_token_count_too(
    oidc_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some providers put groups in the ID token only, not in the userinfo answer.
    backend = _backend()
    monkeypatch.setattr(
        OIDCAuthenticationBackend,
        "get_userinfo",
        lambda self, *args: {"sub": "sub-1", "email": "ana@example.com"},
    )
    backend.get_or_create_user("access", "id-token", {"sub": "sub-1", "groups": ["sales"]})
    assert backend.request.session[OIDC_GROUPS_SESSION_KEY] == ["sales"]


@pytest.mark.django_db
def test_a_user_deactivated_here_is_signed_out_at_the_next_request(oidc_settings: None) -> None:
    user = get_user_model().objects.create(username="ana@example.com")
    assert oidc.OIDCBackend().get_user(user.pk) == user
    user.is_active = False
    user.save()
    assert oidc.OIDCBackend().get_user(user.pk) is None


def test_building_the_backend_needs_no_provider(oidc_settings: None, idp: CannedProvider) -> None:
    # Django builds it for every request with a signed-in user: no discovery may happen there.
    oidc.OIDCBackend()
    assert not idp.calls


# --- settings -----------------------------------------------------------------------------------


def test_mozilla_django_oidc_settings_come_from_dashboard_and_discovery(
    oidc_settings: None, idp: CannedProvider
) -> None:
    idp.route(DISCOVERY, Answer(json=METADATA))
    assert oidc.oidc_setting("OIDC_RP_CLIENT_ID") == "contacts-dashboard"
    assert oidc.oidc_setting("OIDC_RP_CLIENT_SECRET") == "s3cret"
    assert oidc.oidc_setting("OIDC_RP_SCOPES") == "openid email profile"
    assert oidc.oidc_setting("OIDC_RP_SIGN_ALGO") == "RS256"
    assert oidc.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT") == f"{ISSUER}/auth"
    assert oidc.oidc_setting("OIDC_OP_TOKEN_ENDPOINT") == f"{ISSUER}/token"
    assert oidc.oidc_setting("OIDC_OP_USER_ENDPOINT") == f"{ISSUER}/userinfo"
    assert oidc.oidc_setting("OIDC_OP_JWKS_ENDPOINT") == f"{ISSUER}/certs"
    assert oidc.oidc_setting("OIDC_TOKEN_USE_BASIC_AUTH") is False  # the provider takes post only
    assert oidc.oidc_setting("OIDC_TIMEOUT") > 0
    assert oidc.oidc_setting("SOMETHING_ELSE", "default") == "default"
    assert idp.calls.count(DISCOVERY) == 1  # once per process


def test_a_new_issuer_is_discovered_afresh(oidc_settings: None, idp: CannedProvider) -> None:
    idp.route(DISCOVERY, Answer(json=METADATA))
    other = "https://other.example.com"
    idp.route(
        f"{other}/.well-known/openid-configuration",
        Answer(json={**METADATA, "issuer": other, "authorization_endpoint": f"{other}/authorize"}),
    )
    assert oidc.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT") == f"{ISSUER}/auth"
    with override_settings(DASHBOARD=oidc_app_settings(other)):
        assert oidc.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT") == f"{other}/authorize"


# --- discovery failures -------------------------------------------------------------------------


def test_an_unreachable_provider_is_an_error_naming_oidc_issuer() -> None:
    with pytest.raises(provider.OIDCDiscoveryError, match=r"OIDC_ISSUER=http://127\.0\.0\.1:9\b"):
        provider.discover("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer(status=404), "could not be fetched"),
        (Answer(text="<html>login</html>"), "not an OpenID discovery document"),
        (Answer(json={"issuer": ISSUER}), "not an OpenID discovery document"),
        (
            Answer(json={**METADATA, "token_endpoint": "javascript:alert(1)"}),
            "not an OpenID discovery document",
        ),
        (
            Answer(json={**METADATA, "issuer": "https://elsewhere.example.com"}),
            "names itself",
        ),
    ],
)
def test_a_bad_discovery_answer_is_an_error_naming_oidc_issuer(
    answer: Answer, message: str, idp: CannedProvider
) -> None:
    idp.route(DISCOVERY, answer)
    with pytest.raises(provider.OIDCDiscoveryError, match=message) as error:
        provider.discover(ISSUER)
    assert f"OIDC_ISSUER={ISSUER}" in str(error.value)


def test_a_failed_discovery_is_tried_again_next_time(idp: CannedProvider) -> None:
    idp.route(DISCOVERY, requests.ConnectionError("down"), Answer(json=METADATA))
    with pytest.raises(provider.OIDCDiscoveryError):
        provider.discover(ISSUER)
    assert provider.discover(ISSUER).token_endpoint == f"{ISSUER}/token"


# --- sign-out -----------------------------------------------------------------------------------


def test_sign_out_goes_to_the_providers_end_session_endpoint(
    oidc_settings: None, idp: CannedProvider
) -> None:
    idp.route(DISCOVERY, Answer(json=METADATA))
    request = RequestFactory().post("/oidc/logout/")
    request.session = SessionStore()
    request.session["oidc_id_token"] = "the.id.token"
    with override_settings(ROOT_URLCONF="tests.oidc.urls"):
        url = oidc.provider_logout_url(request)
    assert url.startswith("https://logout.example.com/end?")
    assert "id_token_hint=the.id.token" in url
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Foidc%2Fsigned-out%2F" in url
    assert "client_id=contacts-dashboard" in url


def test_without_an_end_session_endpoint_sign_out_stays_here(
    oidc_settings: None, idp: CannedProvider
) -> None:
    idp.route(DISCOVERY, Answer(json={**METADATA, "end_session_endpoint": None}))
    request = RequestFactory().post("/oidc/logout/")
    request.session = SessionStore()
    with override_settings(ROOT_URLCONF="tests.oidc.urls"):
        assert oidc.provider_logout_url(request) == "http://testserver/oidc/signed-out/"


def test_the_sign_out_form_may_lead_to_the_provider_under_the_csp(
    oidc_settings: None, idp: CannedProvider
) -> None:
    from django.conf import settings

    assert provider.form_action_origins(settings.DASHBOARD) == ["https://login.example.com"]
    idp.route(DISCOVERY, Answer(json=METADATA))
    provider.discover(ISSUER)
    origins = provider.form_action_origins(settings.DASHBOARD)
    assert origins == ["https://login.example.com", "https://logout.example.com"]
    assert "form-action 'self' https://login.example.com https://logout.example.com;" in (
        content_security_policy([], origins)
    )
    assert provider.form_action_origins(oidc_app_settings(ISSUER, AUTH_MODE=AuthMode.DEV)) == []
