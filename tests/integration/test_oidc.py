"""AUTH_MODE=oidc through Django's test client: the sign-in gate, the callback, and the wiring.

Tests that sign in use the real OpenID provider from tests/oidc (node-oidc-provider in its own
process), driven over HTTP by tests.oidc.harness.sign_in_at_provider instead of a browser.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.identity.oidc import RECHECK_SESSION_KEY
from contacts_ui.identity.signin import OIDC_GROUPS_SESSION_KEY
from tests.oidc.harness import (
    OIDC_DJANGO_SETTINGS,
    Provider,
    oidc_app_settings,
    oidc_mode,
    sign_in_at_provider,
)

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers there


@pytest.fixture
def offline_oidc(crm: LightfieldClient) -> Iterator[None]:
    """AUTH_MODE=oidc with a provider that cannot be reached."""
    with oidc_mode(oidc_app_settings(NOWHERE)):
        yield


@pytest.fixture
def live_oidc(crm: LightfieldClient, oidc_provider: Provider) -> Iterator[None]:
    """AUTH_MODE=oidc against the test provider."""
    app = oidc_app_settings(oidc_provider.issuer, client_secret=oidc_provider.client_secret)
    with oidc_mode(app):
        yield


def start_sign_in(client: Client, next_url: str = "/contacts/") -> str:
    """Ask the dashboard to sign in; return the provider URL it sends the browser to."""
    response = client.get(f"/oidc/authenticate/?{urlencode({'next': next_url})}")
    assert response.status_code == 302
    return response["Location"]


def with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    query[name] = [value]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


# --- someone not signed in ----------------------------------------------------------------------


def test_a_page_visit_goes_to_the_sign_in_and_remembers_the_page(
    client: Client, offline_oidc: None, crm: LightfieldClient
) -> None:
    response = client.get("/contacts/?page=3&q=Zo")
    assert response.status_code == 302
    assert response["Location"] == "/oidc/authenticate/?next=/contacts/%3Fpage%3D3%26q%3DZo"
    assert crm.request_count == 0


def test_an_htmx_request_gets_a_client_redirect_back_to_the_page_it_came_from(
    client: Client, offline_oidc: None
) -> None:
    response = client.get(
        "/contacts/?page=4",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/contacts/?page=3"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/oidc/authenticate/?next=%2Fcontacts%2F%3Fpage%3D3"
    assert "Location" not in response


def test_an_htmx_request_from_another_site_page_goes_back_to_the_list(
    client: Client, offline_oidc: None
) -> None:
    response = client.get(
        "/contacts/", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"}
    )
    assert response["HX-Redirect"] == "/oidc/authenticate/?next=%2Fcontacts%2F"


def test_a_write_without_a_session_is_a_401(client: Client, offline_oidc: None) -> None:
    response = client.post("/contacts/new/", {"name": "x"})
    assert response.status_code == 401
    assert b"sign-in has expired" in response.content


def test_an_unreachable_provider_is_a_clear_page_and_a_log_line_naming_oidc_issuer(
    client: Client, offline_oidc: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="contacts_ui.identity.oidc"):
        response = client.get("/oidc/authenticate/?next=/contacts/")
    assert response.status_code == 503
    assert b"sign-in service cannot be reached" in response.content
    assert f"OIDC_ISSUER={NOWHERE}" in caplog.text
    assert "secret" not in caplog.text


def test_a_callback_with_no_sign_in_under_way_is_refused_cleanly(
    client: Client, offline_oidc: None
) -> None:
    response = client.get("/oidc/callback/?code=abc&state=forged")
    assert response.status_code == 403
    assert b"Sign-in did not complete" in response.content


# --- signing in at the real provider ------------------------------------------------------------


def test_signing_in_at_the_provider_signs_in_here_with_the_role_of_the_groups(
    client: Client, live_oidc: None
) -> None:
    callback = sign_in_at_provider(start_sign_in(client, "/contacts/?page=2"), "ana@example.com")
    assert callback.startswith("http://testserver/oidc/callback/?")

    response = client.get(callback)
    assert response.status_code == 302
    assert response["Location"] == "/contacts/?page=2"
    assert client.session[OIDC_GROUPS_SESSION_KEY] == ["sales", "emea"]
    page = client.get("/contacts/?page=2")
    assert page.status_code == 200
    assert b"Signed in as Ana Lima <small>(editor)</small>" in page.content


def test_a_next_url_on_another_site_is_ignored(client: Client, live_oidc: None) -> None:
    callback = sign_in_at_provider(
        start_sign_in(client, "https://evil.example/phish"), "ana@example.com"
    )
    response = client.get(callback)
    assert response["Location"] == "/contacts/"


def test_the_same_person_signing_in_again_gets_the_groups_the_provider_gives_now(
    client: Client, live_oidc: None
) -> None:
    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    session = client.session
    session[OIDC_GROUPS_SESSION_KEY] = ["stale-group"]
    session.save()
    assert b"(no access)" in client.get("/contacts/").content

    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    assert client.session[OIDC_GROUPS_SESSION_KEY] == ["sales", "emea"]
    assert b"(editor)" in client.get("/contacts/").content
    assert get_user_model().objects.filter(username="ana@example.com").count() == 1


def test_a_page_load_after_the_recheck_interval_goes_through_the_provider_again(
    client: Client, live_oidc: None
) -> None:
    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    session = client.session
    session[RECHECK_SESSION_KEY] = time.time() - 1
    session.save()

    response = client.get("/contacts/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/oidc/authenticate/?next=/contacts/%3Fpage%3D2"


def test_a_page_load_within_the_recheck_interval_is_served(client: Client, live_oidc: None) -> None:
    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    assert client.get("/contacts/").status_code == 200


def test_a_person_removed_from_their_groups_loses_the_role_at_the_recheck(
    client: Client, live_oidc: None
) -> None:
    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    session = client.session
    session[OIDC_GROUPS_SESSION_KEY] = ["sales"]  # as if the old sign-in had given more
    session[RECHECK_SESSION_KEY] = time.time() - 1
    session.save()

    sign_in = client.get("/contacts/")["Location"]
    client.get(sign_in_at_provider(client.get(sign_in)["Location"], "ana@example.com"))
    assert client.session[OIDC_GROUPS_SESSION_KEY] == ["sales", "emea"]
    assert client.session[RECHECK_SESSION_KEY] > time.time()


def test_an_htmx_request_after_the_recheck_interval_is_not_interrupted(
    client: Client, live_oidc: None
) -> None:
    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    session = client.session
    session[RECHECK_SESSION_KEY] = time.time() - 1
    session.save()
    assert client.get("/contacts/", headers={"HX-Request": "true"}).status_code == 200


def test_signing_in_as_someone_else_in_the_same_browser_keeps_the_new_groups(
    client: Client, live_oidc: None
) -> None:
    client.get(sign_in_at_provider(start_sign_in(client), "bob@example.com"))
    assert client.session[OIDC_GROUPS_SESSION_KEY] == ["marketing"]
    # A new sign-in as another person (Django's login() starts a fresh session for them).
    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    assert client.session[OIDC_GROUPS_SESSION_KEY] == ["sales", "emea"]
    assert b"Ana Lima <small>(editor)</small>" in client.get("/contacts/").content


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("state", "forged-state"),
        ("code", "forged-code"),
        ("iss", "https://evil.example"),
        ("error", "access_denied"),
    ],
)
def test_a_tampered_callback_ends_on_an_error_page_not_a_500(
    client: Client, live_oidc: None, param: str, value: str
) -> None:
    callback = sign_in_at_provider(start_sign_in(client), "ana@example.com")
    response = client.get(with_param(callback, param, value))
    assert response.status_code == 403
    assert b"Sign-in did not complete" in response.content
    assert b"Sign in again" in response.content
    assert "_auth_user_id" not in client.session


def test_a_callback_replayed_is_refused(client: Client, live_oidc: None) -> None:
    callback = sign_in_at_provider(start_sign_in(client), "ana@example.com")
    assert client.get(callback).status_code == 302
    assert client.get(callback).status_code == 403  # its state is used up
    assert Client().get(callback).status_code == 403  # and it is bound to the browser it began in


def test_a_wrong_client_secret_ends_on_an_error_page(
    client: Client, oidc_provider: Provider, crm: LightfieldClient, caplog: pytest.LogCaptureFixture
) -> None:
    with oidc_mode(oidc_app_settings(oidc_provider.issuer, client_secret="wrong")):
        callback = sign_in_at_provider(start_sign_in(client), "ana@example.com")
        with caplog.at_level(logging.WARNING, logger="contacts_ui.identity.oidc"):
            response = client.get(callback)
    assert response.status_code == 403
    assert b"Sign-in did not complete" in response.content
    assert "invalid_client" in caplog.text
    assert "wrong" not in caplog.text.replace("went wrong", "")


def test_sign_out_is_a_post_that_ends_the_session_and_goes_to_the_provider(
    client: Client, live_oidc: None, oidc_provider: Provider
) -> None:
    client.get(sign_in_at_provider(start_sign_in(client), "ana@example.com"))
    assert client.get("/oidc/signed-out/")["Location"] == "/contacts/"  # still signed in
    assert client.get("/oidc/logout/").status_code == 405  # no sign-out by a mere link

    response = client.post("/oidc/logout/")
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == oidc_provider.issuer
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/oidc/signed-out/"]
    assert query["id_token_hint"]
    assert "_auth_user_id" not in client.session
    assert OIDC_GROUPS_SESSION_KEY not in client.session
    assert client.get("/contacts/")["Location"].startswith("/oidc/authenticate/")
    assert b"You are signed out" in client.get("/oidc/signed-out/").content


# --- the wiring in dashboard/settings.py and dashboard/urls.py ----------------------------------


def _run_django(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OIDC_", "AUTH_", "ROLE_", "DJANGO_"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "SECRET_KEY": "k",
        "SECURE_SSL_REDIRECT": "false",
        "AUTH_MODE": "oidc",
        "OIDC_ISSUER": NOWHERE,
        "OIDC_CLIENT_ID": "dashboard",
        "OIDC_CLIENT_SECRET": "s3cret-value",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_check_in_oidc_mode_does_not_need_the_provider() -> None:
    result = _run_django(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check'])"
    )
    assert result.returncode == 0, result.stderr
    assert "s3cret-value" not in result.stdout + result.stderr


def test_oidc_mode_settings_and_urls_are_what_the_tests_run_with() -> None:
    result = _run_django(
        "import django; django.setup(); from django.conf import settings; "
        "from django.urls import reverse; "
        "print(settings.AUTHENTICATION_BACKENDS, settings.LOGIN_URL); "
        "print(*[reverse(n) for n in ('oidc_authentication_init', 'oidc_authentication_callback',"
        " 'oidc_logout', 'oidc_signed_out')])"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{OIDC_DJANGO_SETTINGS['AUTHENTICATION_BACKENDS']} {OIDC_DJANGO_SETTINGS['LOGIN_URL']}"
    )
    assert lines[1] == "/oidc/authenticate/ /oidc/callback/ /oidc/logout/ /oidc/signed-out/"


def test_other_modes_mount_no_oidc_urls() -> None:
    result = _run_django(
        "import django; django.setup(); from django.urls import NoReverseMatch, reverse\n"
        "try:\n    reverse('oidc_authentication_init')\nexcept NoReverseMatch:\n    print('none')",
        AUTH_MODE="dev",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"
