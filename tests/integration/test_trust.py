"""Trust: SSO header sign-in, roles, security headers, path prefix, and the API key's secrecy."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

from contacts_ui.crm.lightfield.client import LightfieldClient
from dashboard.config import AppSettings
from tests.integration.sso import HEADER_MODE, sso

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def test_without_sso_headers_the_answer_is_401(client: Client, header_mode: None) -> None:
    assert client.get("/contacts/").status_code == 401


def test_sso_headers_from_an_untrusted_address_count_for_nothing(
    client: Client, header_mode: None, crm: LightfieldClient
) -> None:
    response = client.get(
        "/contacts/", headers=sso("eve@example.com", "it-admins"), REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 403
    assert crm.request_count == 0


def test_sso_headers_from_the_proxy_sign_the_person_in(client: Client, header_mode: None) -> None:
    response = client.get("/contacts/", headers=sso("Ana@Example.com", "sales-viewers"))
    assert response.status_code == 200
    assert b"ana@example.com" in response.content
    assert b"(viewer)" in response.content


def test_a_person_in_no_role_group_is_refused_before_any_upstream_call(
    client: Client, header_mode: None, crm: LightfieldClient
) -> None:
    response = client.get("/contacts/", headers=sso("bob@example.com", "marketing"))
    assert response.status_code == 403
    assert crm.request_count == 0


def test_group_names_match_whatever_their_case(client: Client, header_mode: None) -> None:
    response = client.get("/contacts/", headers=sso("it@example.com", "IT-Admins"))
    assert b"(admin)" in response.content


def test_the_audit_log_is_for_admins_only(client: Client, header_mode: None) -> None:
    assert client.get("/audit/", headers=sso("ed@example.com", "sales")).status_code == 403
    assert client.get("/audit/", headers=sso("vi@example.com", "sales-viewers")).status_code == 403
    assert client.get("/audit/", headers=sso("it@example.com", "it-admins")).status_code == 200


def test_pages_hide_the_audit_link_from_non_admins(client: Client, header_mode: None) -> None:
    editor = client.get("/contacts/", headers=sso("ed@example.com", "sales")).content
    admin = client.get("/contacts/", headers=sso("it@example.com", "it-admins")).content
    assert b'href="/audit/"' not in editor
    assert b'href="/audit/"' in admin


def test_reloading_definitions_is_for_admins(
    client: Client, header_mode: None, crm: LightfieldClient
) -> None:
    response = client.post("/contacts/definitions/refresh/", headers=sso("ed@example.com", "sales"))
    assert response.status_code == 403
    assert crm.request_count == 0


def test_the_csp_allows_framing_only_by_the_configured_portal(
    client: Client, header_mode: None
) -> None:
    response = client.get("/contacts/", headers=sso("vi@example.com", "sales-viewers"))
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://intranet.example.com" in policy
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    assert "X-Frame-Options" not in response


def test_without_embedding_origins_framing_is_denied(client: Client, crm: LightfieldClient) -> None:
    response = client.get("/contacts/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_security_headers_are_on_every_response(client: Client, crm: LightfieldClient) -> None:
    for url in ("/contacts/", "/contacts/con_missing/", "/audit/"):
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-Id"])


def test_no_page_has_inline_script_or_inline_handlers(
    client: Client, crm: LightfieldClient
) -> None:
    html = client.get("/contacts/").content.decode()
    contact_id = re.search(r'class="row-link" href="/contacts/(con_[^/"]+)/', html).group(1)
    for url in ("/contacts/", f"/contacts/{contact_id}/", "/audit/"):
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\son[a-z]+=", page), url
        assert "style=" not in page, url


@pytest.fixture
def prefixed() -> Iterator[object]:
    """Serve the real WSGI application with FORCE_SCRIPT_NAME=/tools/contacts behind a proxy."""
    import httpx
    from django.core.wsgi import get_wsgi_application
    from django.urls import set_script_prefix

    prefix = "/tools/contacts"
    with override_settings(FORCE_SCRIPT_NAME=prefix, STATIC_URL=f"{prefix}/static/"):
        set_script_prefix(prefix)
        transport = httpx.WSGITransport(app=get_wsgi_application(), script_name=prefix)
        with httpx.Client(transport=transport, base_url="http://localhost") as http:
            yield http
        set_script_prefix("/")


def test_the_app_works_under_a_path_prefix(prefixed, crm: LightfieldClient) -> None:  # type: ignore[no-untyped-def]
    response = prefixed.get("/contacts/")  # the proxy strips the prefix into SCRIPT_NAME
    html = response.text
    assert response.status_code == 200
    assert 'href="/tools/contacts/contacts/?page=2"' in html
    assert 'src="/tools/contacts/static/vendor/htmx/' in html
    assert 'action="/tools/contacts/contacts/columns/"' in html
    assert prefixed.get("/static/css/app.css").status_code == 200


def test_a_redirect_under_a_path_prefix_keeps_the_prefix(prefixed, crm: LightfieldClient) -> None:  # type: ignore[no-untyped-def]
    response = prefixed.get("/contacts/", params={"page": "junk"})
    assert response.headers["Location"] == "/tools/contacts/contacts/?page=1"


def test_the_api_key_never_reaches_a_page_or_a_log_line(
    client: Client, caplog: pytest.LogCaptureFixture, sandbox_app: object
) -> None:
    import respx
    from httpx import Response

    from tests.conftest import install_client

    key = "sk_lf_Sup3rSecretKeyThatMustNeverLeak"
    crm = LightfieldClient(
        api_key=key, base_url="https://api.lightfield.test", sleep=lambda s: None
    )
    with respx.mock(base_url="https://api.lightfield.test", assert_all_called=False) as mock:
        mock.get("/v1/contacts/definitions").mock(
            return_value=Response(401, json={"type": "unauthorized", "message": f"Bad key {key}"})
        )
        mock.get(url__regex=r"/v1/contacts/con_x").mock(
            return_value=Response(500, text=f"Traceback: Authorization: Bearer {key}")
        )
        caplog.set_level(logging.DEBUG)
        for _ in install_client(crm):
            pages = [client.get("/contacts/"), client.get("/contacts/con_x/")]
    for page in pages:
        assert key.encode() not in page.content
        assert key not in str(page.headers)
    assert key not in caplog.text


def test_manage_py_check_deploy_is_clean_with_production_settings() -> None:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is theirs, not production's.
    skip = ("DEBUG", "AUTH_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "SECRET_KEY": "x" * 20 + "-production-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "contacts.example.com",
        "CRM_BACKEND": "lightfield",
        "LIGHTFIELD_API_KEY": "sk_lf_dummy",
        "AUTH_MODE": "header",
        "TRUSTED_PROXIES": "10.0.0.5/32",
        "SECURE_SSL_REDIRECT": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_header_mode_offers_the_proxys_sign_out(client: Client, crm: LightfieldClient) -> None:
    app = AppSettings(**HEADER_MODE, SSO_LOGOUT_URL="https://sso.example.com/logout")
    with override_settings(DASHBOARD=app):
        page = client.get("/contacts/", headers=sso("vi@example.com", "sales-viewers"))
    assert 'href="https://sso.example.com/logout">Sign out</a>' in page.content.decode()


def test_a_person_is_created_on_first_sight_and_found_again(
    client: Client, header_mode: None
) -> None:
    from django.contrib.auth import get_user_model

    for _ in range(2):
        client.get("/contacts/", headers=sso("New.Person@Example.com", "sales-viewers"))
    assert get_user_model().objects.filter(username="new.person@example.com").count() == 1
