"""The one typed settings object, read from the environment.

Everything the dashboard can be configured with is declared here, validated once at start-up, and
turned into a clear message that names the bad variable when something is wrong.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import phonenumbers
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BASE_DIR = Path(__file__).resolve().parent.parent

# Only used when DEBUG is on and no SECRET_KEY is given; production refuses to start without one.
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105


class CRMBackend(StrEnum):
    SANDBOX = "sandbox"
    HIGHLEVEL_SANDBOX = "highlevel-sandbox"
    LIGHTFIELD = "lightfield"
    HIGHLEVEL = "highlevel"

    @property
    def is_sandbox(self) -> bool:
        """Tell whether this backend is an embedded sandbox (a demo that fronts no real CRM)."""
        return self in (CRMBackend.SANDBOX, CRMBackend.HIGHLEVEL_SANDBOX)


class LogFormat(StrEnum):
    JSON = "json"
    PLAIN = "plain"


class AuthMode(StrEnum):
    DEV = "dev"
    HEADER = "header"
    OIDC = "oidc"


class ConfigError(Exception):
    """Raised at start-up when the environment does not describe a runnable dashboard."""


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class AppSettings(BaseSettings):
    """Validate and hold every environment variable the dashboard reads."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    CRM_BACKEND: CRMBackend = CRMBackend.SANDBOX
    LIGHTFIELD_API_KEY: SecretStr | None = None
    LIGHTFIELD_BASE_URL: str = "https://api.lightfield.app"
    HIGHLEVEL_TOKEN: SecretStr | None = None
    HIGHLEVEL_LOCATION_ID: str | None = None
    HIGHLEVEL_BASE_URL: str = "https://services.leadconnectorhq.com"

    AUTH_MODE: AuthMode | None = None
    DEBUG: bool = False
    SECRET_KEY: SecretStr | None = None
    ALLOWED_HOSTS: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "[::1]"]
    )
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None

    # AUTH_MODE=header: who the SSO proxy says the user is, trusted only from these addresses.
    SSO_USER_HEADER: str = "X-Forwarded-Email"
    SSO_GROUPS_HEADER: str = "X-Forwarded-Groups"
    TRUSTED_PROXIES: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list
    )
    SSO_LOGOUT_URL: str | None = None
    # AUTH_MODE=oidc: the company's OpenID Connect provider (discovery at ISSUER/.well-known/…).
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: SecretStr | None = None
    OIDC_GROUPS_CLAIM: str = "groups"
    OIDC_SCOPES: str = "openid email profile"
    # How long a sign-in's groups are trusted before the next page load checks them again at
    # the provider (someone removed from a group loses the role then, not in two weeks).
    OIDC_RECHECK_SECONDS: int = Field(default=900, ge=60, le=86_400)
    # Roles from SSO groups (comma lists). A person in none of them may not use the dashboard.
    ROLE_VIEWER_GROUPS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ROLE_EDITOR_GROUPS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ROLE_ADMIN_GROUPS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    AUDIT_RETENTION_DAYS: int = Field(default=365, ge=1, le=36_500)
    # Origins allowed to show the dashboard in an iframe (CSP frame-ancestors); none = no framing.
    EMBED_ALLOWED_ORIGINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Origins whose profile photos the contact page may show (CSP img-src on that page only);
    # a photo from anywhere else is a link. None by default: the dashboard loads nothing from
    # other hosts unless IT says so.
    PHOTO_ORIGINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Serve under a path prefix such as /tools/contacts (when the proxy does not set SCRIPT_NAME).
    FORCE_SCRIPT_NAME: str | None = None
    # Redirect plain HTTP to HTTPS (DEBUG off). Turn off only if TLS ends before the proxy.
    SECURE_SSL_REDIRECT: bool = True

    # Without REDIS_URL, what every process of this host must see alike (related names,
    # definitions, members, list positions) is kept in files here; the budget uses BUDGET_DIR.
    CACHE_DIR: Path = BASE_DIR / "var" / "cache"
    # Share of the CRM's published rate limit the whole team may use (the rest is slack for
    # clock skew between our hosts and the CRM).
    CRM_RATE_HEADROOM: float = Field(default=0.9, gt=0.0, le=1.0)
    # /metrics answers loopback and TRUSTED_PROXIES, and anyone presenting this bearer token.
    METRICS_TOKEN: SecretStr | None = None
    # json (one object a line, with the request id) for log shippers; plain for a terminal.
    LOG_FORMAT: LogFormat | None = None
    LOG_LEVEL: str = "WARNING"

    # Where the embedded sandbox keeps its data, so edits survive a restart.
    SANDBOX_DB_PATH: Path = BASE_DIR / "var" / "sandbox.sqlite3"
    HIGHLEVEL_SANDBOX_DB_PATH: Path = BASE_DIR / "var" / "highlevel-sandbox.sqlite3"
    # Where processes of one host share the CRM rate budget when REDIS_URL is not set.
    BUDGET_DIR: Path = BASE_DIR / "var" / "budget"
    # How long CRM definitions (the field schema) stay cached before they are fetched again.
    DEFINITIONS_CACHE_SECONDS: int = Field(default=300, ge=0, le=86_400)
    # Phone numbers typed without +country code are read as numbers of this region (ISO 3166-1).
    PHONE_DEFAULT_REGION: str = "US"

    @field_validator(
        "ALLOWED_HOSTS",
        "TRUSTED_PROXIES",
        "ROLE_VIEWER_GROUPS",
        "ROLE_EDITOR_GROUPS",
        "ROLE_ADMIN_GROUPS",
        "EMBED_ALLOWED_ORIGINS",
        "PHOTO_ORIGINS",
        mode="before",
    )
    @classmethod
    def _split_lists(cls, value: object) -> object:
        return _split_commas(value)

    @field_validator("TRUSTED_PROXIES", mode="before")
    @classmethod
    def _read_networks(cls, value: object) -> object:
        if isinstance(value, list):
            return [ipaddress.ip_network(str(item), strict=False) for item in value]
        return value

    @field_validator("EMBED_ALLOWED_ORIGINS")
    @classmethod
    def _check_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            parts = urlsplit(origin)
            is_origin = parts.netloc and parts.path in {"", "/"} and not parts.query
            if parts.scheme not in {"http", "https"} or not is_origin:
                raise ValueError(
                    f"{origin!r} is not an origin such as https://intranet.example.com"
                )
        return [origin.rstrip("/") for origin in value]

    @field_validator("PHOTO_ORIGINS")
    @classmethod
    def _check_photo_origins(cls, value: list[str]) -> list[str]:
        # Kept as browsers compare origins (lower case, no default port): each photo's own
        # origin (contacts_ui.crm.safety.http_origin) is compared with these.
        return [_normal_origin(origin) for origin in value]

    @field_validator("FORCE_SCRIPT_NAME")
    @classmethod
    def _check_prefix(cls, value: str | None) -> str | None:
        if value is None or value in {"", "/"}:
            return None
        if not value.startswith("/"):
            raise ValueError("must be a path that starts with /, such as /tools/contacts")
        return value.rstrip("/")

    @field_validator("PHONE_DEFAULT_REGION")
    @classmethod
    def _check_phone_region(cls, value: str) -> str:
        region = value.strip().upper()
        if len(region) != 2 or region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("must be a 2-letter region code phone numbers know, such as US or DE")
        return region

    @field_validator("LIGHTFIELD_BASE_URL", "HIGHLEVEL_BASE_URL")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("must be an http(s) URL such as https://api.lightfield.app")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _check_combination(self) -> AppSettings:
        if self.AUTH_MODE is None:
            # The sandbox is a demo: sign everyone in as the demo user unless told otherwise.
            object.__setattr__(
                self,
                "AUTH_MODE",
                AuthMode.DEV if self.CRM_BACKEND.is_sandbox else AuthMode.HEADER,
            )
        if self.CRM_BACKEND is CRMBackend.LIGHTFIELD and not self.LIGHTFIELD_API_KEY:
            raise ValueError("LIGHTFIELD_API_KEY is required when CRM_BACKEND=lightfield")
        if self.CRM_BACKEND is CRMBackend.HIGHLEVEL and not (
            self.HIGHLEVEL_TOKEN and self.HIGHLEVEL_LOCATION_ID
        ):
            raise ValueError(
                "HIGHLEVEL_TOKEN and HIGHLEVEL_LOCATION_ID are required when CRM_BACKEND=highlevel"
            )
        if self.AUTH_MODE is AuthMode.DEV and not self.dev_auth_is_safe:
            raise ValueError(
                "AUTH_MODE=dev signs everyone in as the demo user, so it only runs with "
                "DEBUG=true, CRM_BACKEND=sandbox, or a CRM base URL on a loopback address"
            )
        if self.AUTH_MODE is AuthMode.HEADER and not self.TRUSTED_PROXIES:
            raise ValueError(
                "TRUSTED_PROXIES is required with AUTH_MODE=header (the SSO proxy's addresses, "
                "e.g. 10.0.0.5/32): headers from anywhere else are never trusted"
            )
        if self.AUTH_MODE is AuthMode.OIDC and not (
            self.OIDC_ISSUER and self.OIDC_CLIENT_ID and self.OIDC_CLIENT_SECRET
        ):
            raise ValueError(
                "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required with "
                "AUTH_MODE=oidc"
            )
        if not self.DEBUG and self.SECRET_KEY is None:
            raise ValueError("SECRET_KEY is required when DEBUG is off")
        if self.LOG_FORMAT is None:
            object.__setattr__(
                self, "LOG_FORMAT", LogFormat.PLAIN if self.DEBUG else LogFormat.JSON
            )
        return self

    @property
    def crm_base_url(self) -> str:
        """Return the base URL of the configured CRM backend."""
        if self.CRM_BACKEND in (CRMBackend.HIGHLEVEL, CRMBackend.HIGHLEVEL_SANDBOX):
            return self.HIGHLEVEL_BASE_URL
        return self.LIGHTFIELD_BASE_URL

    @property
    def dev_auth_is_safe(self) -> bool:
        """Tell whether dev sign-in cannot front a real CRM by accident."""
        if self.DEBUG or self.CRM_BACKEND.is_sandbox:
            return True
        return _is_loopback_host(urlsplit(self.crm_base_url).hostname or "")

    @property
    def secret_key(self) -> str:
        """Return the Django secret key (a fixed dev key only when DEBUG is on)."""
        return self.SECRET_KEY.get_secret_value() if self.SECRET_KEY else INSECURE_DEV_SECRET_KEY


_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST_NAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _normal_origin(value: str) -> str:
    """Return an http(s) origin as browsers compare them, or raise ValueError.

    Only plain host names or IP addresses: the origin goes into a CSP header, where ``*`` or
    ``;`` would widen or rewrite the policy.
    """
    message = f"{value!r} is not an origin such as https://photos.example.com"
    parts = urlsplit(value.strip())
    try:
        port = parts.port
    except ValueError:
        raise ValueError(message) from None
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if (
        scheme not in _DEFAULT_PORTS
        or "@" in parts.netloc
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        raise ValueError(message)
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise ValueError(message) from None
    elif not _HOST_NAME.match(host):
        raise ValueError(message)
    return f"{scheme}://{host}" + (f":{port}" if port not in (None, _DEFAULT_PORTS[scheme]) else "")


def _is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def format_validation_error(error: ValidationError) -> str:
    """Turn pydantic's report into one line per bad variable, naming each variable."""
    lines = ["The dashboard cannot start; fix these environment variables:"]
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "configuration"
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"  {name}: {message}")
    return "\n".join(lines)


def load_settings() -> AppSettings:
    """Read the environment into AppSettings or raise ConfigError with a readable message."""
    try:
        return AppSettings()
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> AppSettings:
    """Return the process-wide settings, read once."""
    return load_settings()
