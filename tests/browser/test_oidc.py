"""AUTH_MODE=oidc end to end: chromium, the live dashboard, and a real OpenID provider.

The provider is node-oidc-provider in its own process (tests/oidc/provider.mjs); nothing of ours is
mocked. It signs anyone in with its development login form; its users and their groups are in
tests/oidc/harness.py (ana: sales → editor, bob: marketing → no role, eve: unverified email).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations
from tests.oidc.harness import Provider, oidc_app_settings, oidc_mode

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_page(browser, live_server, crm, oidc_provider: Provider) -> Iterator[Callable[[], Page]]:  # type: ignore[no-untyped-def]
    """Open pages in fresh browser contexts that reach only the dashboard and the provider."""
    contexts = []
    ours = (live_server.url, oidc_provider.issuer)

    def open_() -> Page:
        context = browser.new_context(base_url=live_server.url)
        # The provider's built-in pages @import a web font: nothing may leave the machine.
        context.route(lambda url: not url.startswith(ours), lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def oidc_dashboard(oidc_provider: Provider) -> Iterator[None]:
    """Run the live dashboard in AUTH_MODE=oidc against the test provider."""
    app = oidc_app_settings(oidc_provider.issuer, client_secret=oidc_provider.client_secret)
    with oidc_mode(app):
        yield


def sign_in_at_provider(page: Page, provider: Provider, login: str) -> None:
    """Fill in the provider's login form (it accepts any password)."""
    page.wait_for_url(re.compile(re.escape(provider.issuer) + r"/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()


def test_an_editor_signs_in_at_the_provider_and_lands_where_they_were_going(
    open_page: Callable[[], Page], oidc_provider: Provider, oidc_dashboard: None, live_server
) -> None:  # type: ignore[no-untyped-def]
    page = open_page()
    page.goto("/contacts/?page=2")
    assert page.url.startswith(f"{oidc_provider.issuer}/interaction/")

    sign_in_at_provider(page, oidc_provider, "ana@example.com")

    page.wait_for_url(f"{live_server.url}/contacts/?page=2")
    expect(page.locator(".who")).to_have_text("Signed in as Ana Lima (editor)")
    expect(page.locator("#results p.summary")).to_contain_text("26–50")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    user = get_user_model().objects.get(username="ana@example.com")
    assert (user.email, user.first_name, user.last_name) == ("ana@example.com", "Ana", "Lima")
    assert not user.has_usable_password()


def test_a_person_in_no_role_group_is_signed_in_but_gets_the_403_page(
    open_page: Callable[[], Page], oidc_provider: Provider, oidc_dashboard: None, live_server
) -> None:  # type: ignore[no-untyped-def]
    page = open_page()
    page.goto("/contacts/")
    sign_in_at_provider(page, oidc_provider, "bob@example.com")

    page.wait_for_url(f"{live_server.url}/contacts/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("you are signed in as no access")
    expect(page.locator(".who")).to_have_text("Signed in as Bob Stone (no access)")
    # Signed in, refused, and not sent round to the provider again.
    page.reload()
    assert page.url == f"{live_server.url}/contacts/"
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_the_groups_claim_is_configurable(
    open_page: Callable[[], Page], oidc_provider: Provider, live_server
) -> None:  # type: ignore[no-untyped-def]
    # The provider also sends the groups as `roles`, one comma-separated string.
    app = oidc_app_settings(
        oidc_provider.issuer,
        client_secret=oidc_provider.client_secret,
        OIDC_GROUPS_CLAIM="roles",
        ROLE_EDITOR_GROUPS=["nobody"],
        ROLE_ADMIN_GROUPS=["emea"],
    )
    with oidc_mode(app):
        page = open_page()
        page.goto("/contacts/")
        sign_in_at_provider(page, oidc_provider, "ana@example.com")
        page.wait_for_url(f"{live_server.url}/contacts/")
        expect(page.locator(".who")).to_have_text("Signed in as Ana Lima (admin)")


def test_a_wrong_client_secret_ends_on_an_error_page_not_a_stack_trace(
    open_page: Callable[[], Page], oidc_provider: Provider, live_server
) -> None:  # type: ignore[no-untyped-def]
    app = oidc_app_settings(oidc_provider.issuer, client_secret="not-the-secret")
    with oidc_mode(app):
        page = open_page()
        page.goto("/contacts/")
        with page.expect_response(re.compile(r"/oidc/callback/")) as callback:
            sign_in_at_provider(page, oidc_provider, "ana@example.com")
        assert callback.value.status == 403
        expect(page.get_by_role("heading", name="Sign-in did not complete")).to_be_visible()
        assert "Traceback" not in page.content()
        assert "not-the-secret" not in page.content()
        assert "invalid_client" in oidc_provider.log_text()
        assert axe_violations(page) == []
        # Not signed in: the dashboard asks the provider again (which signs in at once now,
        # and fails the same way, on the same page: no redirect loop).
        page.goto("/contacts/")
        expect(page.get_by_role("heading", name="Sign-in did not complete")).to_be_visible()
        assert not get_user_model().objects.filter(username="ana@example.com").exists()


def test_an_unverified_email_is_refused(
    open_page: Callable[[], Page], oidc_provider: Provider, oidc_dashboard: None
) -> None:
    page = open_page()
    page.goto("/contacts/")
    sign_in_at_provider(page, oidc_provider, "eve@example.com")
    expect(page.get_by_role("heading", name="Sign-in did not complete")).to_be_visible()
    expect(page.locator("main")).to_contain_text("no verified email address")
    assert not get_user_model().objects.filter(username="eve@example.com").exists()


def test_an_expired_session_under_htmx_goes_to_the_provider_and_back_to_the_page(
    open_page: Callable[[], Page], oidc_provider: Provider, oidc_dashboard: None, live_server
) -> None:  # type: ignore[no-untyped-def]
    page = open_page()
    page.goto("/contacts/")
    sign_in_at_provider(page, oidc_provider, "ana@example.com")
    page.wait_for_url(f"{live_server.url}/contacts/")
    page.get_by_role("link", name="Page 3").click()
    page.wait_for_url(re.compile(r"page=3$"))
    # The page's deferred names request has been answered before the session goes.
    page.wait_for_load_state("networkidle")

    page.context.clear_cookies()  # the session is gone (here and at the provider)
    # An htmx request, answered with HX-Redirect.
    page.get_by_role("link", name="Next ›").click()
    sign_in_at_provider(page, oidc_provider, "ana@example.com")
    page.wait_for_url(f"{live_server.url}/contacts/?page=3")
    expect(page.locator(".who")).to_have_text("Signed in as Ana Lima (editor)")


def test_signing_out_ends_the_session_here_and_at_the_provider(
    open_page: Callable[[], Page], oidc_provider: Provider, oidc_dashboard: None, live_server
) -> None:  # type: ignore[no-untyped-def]
    page = open_page()
    page.goto("/contacts/")
    sign_in_at_provider(page, oidc_provider, "ana@example.com")
    page.wait_for_url(f"{live_server.url}/contacts/")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(oidc_provider.issuer) + r"/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/oidc/signed-out/")
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    assert axe_violations(page) == []

    # Signed out at the provider too: the next visit shows its login form again.
    page.goto("/contacts/")
    page.wait_for_url(re.compile(re.escape(oidc_provider.issuer) + r"/interaction/"))
    expect(page.locator("input[name=login]")).to_be_visible()
