"""Where the company's OpenID provider is: discovery, kept per process, and its origins.

Kept apart from the sign-in views so that the security-headers middleware can name the
provider's origin in the CSP without importing the OIDC stack on every request.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ConfigDict, field_validator

from dashboard.config import AppSettings, AuthMode

__all__ = [
    "OIDCDiscoveryError",
    "ProviderMetadata",
    "discover",
    "discovered",
    "forget_discovery",
    "form_action_origins",
]

DISCOVERY_TIMEOUT_SECONDS = 5.0
# mozilla-django-oidc speaks to the provider with requests; discovery does too, through one
# session that tests can give another transport adapter (no patching of library internals).
_session = requests.Session()


def use_session(session: requests.Session) -> requests.Session:
    """Fetch discovery documents through ``session`` from now on; return the previous one."""
    global _session
    previous, _session = _session, session
    return previous


class OIDCDiscoveryError(Exception):
    """The provider's discovery document could not be fetched or does not describe it."""


class ProviderMetadata(BaseModel):
    """The parts of an OpenID discovery document the dashboard uses."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None
    # OpenID Connect Discovery 1.0: absent means client_secret_basic only.
    token_endpoint_auth_methods_supported: list[str] = ["client_secret_basic"]

    @field_validator(
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise ValueError(f"{value!r} is not an http(s) URL")
        return value


_discovered: dict[str, ProviderMetadata] = {}
_discovery_lock = threading.Lock()


def normal_issuer(issuer: str) -> str:
    return issuer.strip().rstrip("/")


def discover(issuer: str) -> ProviderMetadata:
    """Return the provider's metadata, fetched once per process (failures are not kept)."""
    key = normal_issuer(issuer)
    metadata = _discovered.get(key)
    if metadata is None:
        with _discovery_lock:
            metadata = _discovered.get(key)
            if metadata is None:
                metadata = _fetch_metadata(key)
                _discovered[key] = metadata
    return metadata


def discovered(issuer: str) -> ProviderMetadata | None:
    """Return the metadata if discovery already ran in this process, without fetching."""
    return _discovered.get(normal_issuer(issuer))


def forget_discovery() -> None:
    """Drop what discovery found (tests; a provider that moved)."""
    with _discovery_lock:
        _discovered.clear()


def _fetch_metadata(issuer: str) -> ProviderMetadata:
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = _session.get(
            url, timeout=DISCOVERY_TIMEOUT_SECONDS, headers={"Accept": "application/json"}
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        raise OIDCDiscoveryError(
            f"OIDC_ISSUER={issuer}: the OpenID provider's discovery document {url} could not be "
            f"fetched ({type(exc).__name__}: {exc}). Check OIDC_ISSUER and that the provider is "
            "reachable from the dashboard."
        ) from exc
    try:
        metadata = ProviderMetadata.model_validate(response.json())
    except ValueError as exc:  # not JSON, or not a discovery document (pydantic's error too)
        raise OIDCDiscoveryError(
            f"OIDC_ISSUER={issuer}: {url} is not an OpenID discovery document ({exc})."
        ) from exc
    if normal_issuer(metadata.issuer) != issuer:
        raise OIDCDiscoveryError(
            f"OIDC_ISSUER={issuer}, but the provider names itself {metadata.issuer!r}: set "
            "OIDC_ISSUER to exactly the provider's issuer."
        )
    return metadata


def form_action_origins(app: AppSettings) -> list[str]:
    """Origins a form may lead to besides our own: the provider's, for sign-out (CSP form-action).

    Browsers apply ``form-action`` to the redirects after a form is sent, and the sign-out form
    ends at the provider's end-session endpoint.
    """
    if app.AUTH_MODE is not AuthMode.OIDC or not app.OIDC_ISSUER:
        return []
    urls = [app.OIDC_ISSUER]
    metadata = discovered(app.OIDC_ISSUER)
    if metadata is not None and metadata.end_session_endpoint:
        urls.append(metadata.end_session_endpoint)
    origins = {f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, urls)}
    return sorted(origins)
