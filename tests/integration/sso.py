"""The company's sign-in proxy as the tests play it: header mode's settings, and its headers."""

from __future__ import annotations

import ipaddress

from dashboard.config import AuthMode

HEADER_MODE = {
    "AUTH_MODE": AuthMode.HEADER,
    "TRUSTED_PROXIES": [ipaddress.ip_network("127.0.0.1/32")],
    "ROLE_VIEWER_GROUPS": ["sales-viewers"],
    "ROLE_EDITOR_GROUPS": ["sales"],
    "ROLE_ADMIN_GROUPS": ["it-admins"],
    "EMBED_ALLOWED_ORIGINS": ["https://intranet.example.com"],
    "SECRET_KEY": "k",
}


def sso(email: str, groups: str) -> dict[str, str]:
    """Headers the SSO proxy would set for a person."""
    return {"X-Forwarded-Email": email, "X-Forwarded-Groups": groups}
