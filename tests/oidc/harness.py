"""Run tests/oidc/provider.mjs (node-oidc-provider) and switch the dashboard to AUTH_MODE=oidc.

The provider is a real OpenID Connect server in its own process, not a stand-in for our code:
discovery, the login form, the code exchange, RS256-signed ID tokens, userinfo and end-session
all go over HTTP exactly as they would against the company's provider.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from django.test import override_settings

from contacts_ui.identity import provider as oidc_provider
from dashboard.config import AppSettings, AuthMode

PROVIDER_DIR = Path(__file__).resolve().parent
CLIENT_ID = "contacts-dashboard"
TEST_CLIENT_URL = "http://testserver"
# Who can sign in at the test provider (any other login works too, with no groups).
USERS: dict[str, dict[str, Any]] = {
    "ana@example.com": {"given_name": "Ana", "family_name": "Lima", "groups": ["sales", "emea"]},
    "bob@example.com": {"given_name": "Bob", "family_name": "Stone", "groups": ["marketing"]},
    "ida@example.com": {"given_name": "Ida", "groups": ["sales-viewers"]},
    "eve@example.com": {"email_verified": False, "groups": ["it-admins"]},
}


@dataclass(frozen=True)
class Provider:
    """A running test provider."""

    issuer: str
    client_id: str
    client_secret: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _unavailable(message: str) -> None:
    """Fail in CI (the provider is part of the suite there), skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def ensure_node_modules() -> str:
    """Install the provider's locked node modules once (`npm ci`); return the node executable."""
    node = shutil.which("node")
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        if node is None:
            _unavailable("node is not installed: the OIDC tests run tests/oidc/provider.mjs")
        return node  # type: ignore[return-value]
    npm = shutil.which("npm")
    if node is None or npm is None:
        _unavailable(
            "node and npm are needed for the OIDC tests (tests/oidc): install nodejs and npm, "
            "then run `npm ci --prefix tests/oidc`"
        )
    result = subprocess.run(
        [npm, "ci", "--prefix", str(PROVIDER_DIR), "--no-audit", "--no-fund"],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        _unavailable(f"`npm ci --prefix tests/oidc` failed:\n{result.stdout}\n{result.stderr}")
    return node  # type: ignore[return-value]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def run_provider(dashboard_url: str, log_dir: Path) -> Iterator[Provider]:
    """Start the provider for a dashboard at ``dashboard_url``; stop it afterwards."""
    node = ensure_node_modules()
    port = _free_port()
    secret = secrets.token_urlsafe(24)
    log = log_dir / "oidc-provider.log"
    env = {
        **os.environ,
        "OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "OIDC_TEST_CLIENT_SECRET": secret,
        # The live server (browser tests) and Django's test client.
        "OIDC_TEST_REDIRECT_URIS": " ".join(
            f"{base}/oidc/callback/" for base in (dashboard_url, TEST_CLIENT_URL)
        ),
        "OIDC_TEST_POST_LOGOUT_REDIRECT_URIS": " ".join(
            f"{base}/oidc/signed-out/" for base in (dashboard_url, TEST_CLIENT_URL)
        ),
        "OIDC_TEST_USERS": json.dumps(USERS),
        "NODE_ENV": "test",
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [node, str(PROVIDER_DIR / "provider.mjs"), "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}"
    provider = Provider(issuer=issuer, client_id=CLIENT_ID, client_secret=secret, log=log)
    try:
        _wait_for_discovery(process, provider)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        oidc_provider.forget_discovery()


def _wait_for_discovery(process: subprocess.Popen[bytes], provider: Provider) -> None:
    url = f"{provider.issuer}/.well-known/openid-configuration"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the OIDC test provider did not start:\n{provider.log_text()}")
        time.sleep(0.1)


def sign_in_at_provider(authorize_url: str, login: str) -> str:
    """Sign in at the provider as a browser would, without one; return the URL it sends back to.

    Follows the provider's redirects from ``authorize_url`` (where the dashboard sent the person),
    fills in its login form, and stops at the first redirect that leaves the provider: the
    dashboard's callback with ``code`` and ``state``.
    """
    issuer = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        response = browser.get(authorize_url)
        for _ in range(10):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if not location.startswith(issuer):
                    return location
                response = browser.get(location)
            elif response.status_code == 200 and 'name="login"' in response.text:
                response = browser.post(
                    str(response.url),
                    data={"prompt": "login", "login": login, "password": "any password"},
                )
            else:
                raise AssertionError(
                    f"the provider answered {response.status_code}: {response.text}"
                )
    raise AssertionError("the provider never sent the browser back")


OIDC_DJANGO_SETTINGS = {
    # What dashboard/settings.py sets when AUTH_MODE=oidc (a test checks that they agree).
    "AUTHENTICATION_BACKENDS": ["contacts_ui.identity.oidc.OIDCBackend"],
    "LOGIN_URL": "oidc_authentication_init",
    # What dashboard/urls.py mounts when AUTH_MODE=oidc.
    "ROOT_URLCONF": "tests.oidc.urls",
}


def oidc_app_settings(
    issuer: str,
    client_id: str = CLIENT_ID,
    client_secret: str = "secret",  # noqa: S107
    **overrides: Any,
) -> AppSettings:
    """Build the typed settings of a dashboard in AUTH_MODE=oidc."""
    options: dict[str, Any] = {
        "AUTH_MODE": AuthMode.OIDC,
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "ROLE_VIEWER_GROUPS": ["sales-viewers"],
        "ROLE_EDITOR_GROUPS": ["sales"],
        "ROLE_ADMIN_GROUPS": ["it-admins"],
        "SECRET_KEY": "test-secret-key",
    } | overrides
    return AppSettings(**options)


@contextmanager
def oidc_mode(app: AppSettings) -> Iterator[AppSettings]:
    """Run the dashboard (test client and live server alike) in AUTH_MODE=oidc with ``app``."""
    oidc_provider.forget_discovery()
    try:
        with override_settings(DASHBOARD=app, **OIDC_DJANGO_SETTINGS):
            yield app
    finally:
        oidc_provider.forget_discovery()
