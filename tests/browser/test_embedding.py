"""The dashboard inside an intranet portal's iframe: allowed origins only, cookies that work,
events to the parent window, and no CSP violations anywhere."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from django.test import override_settings

from dashboard.config import AppSettings, AuthMode
from tests.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)

PORTAL_PAGE = """<!doctype html><html lang="en"><head><title>Portal</title></head><body>
<h1>Intranet portal</h1>
<iframe id="tool" title="Contacts" src="{src}" width="1200" height="800"></iframe>
<script>
  window.received = [];
  window.addEventListener("message", function (e) {{
    window.received.push({{origin: e.origin, data: e.data}});
  }});
</script></body></html>"""


@pytest.fixture
def portal(live_server) -> Iterator[callable]:  # type: ignore[no-untyped-def, valid-type]
    """Serve portal pages on another origin (127.0.0.1 vs the dashboard's localhost)."""
    servers = []

    def start() -> str:
        port = free_port()
        page = PORTAL_PAGE.format(src=f"{live_server.url}/contacts/").encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.shutdown()


def _embedding(origin: str):  # type: ignore[no-untyped-def]
    return override_settings(
        DASHBOARD=AppSettings(
            AUTH_MODE=AuthMode.DEV, SECRET_KEY="k", EMBED_ALLOWED_ORIGINS=[origin]
        ),
        SESSION_COOKIE_SAMESITE="None",
        CSRF_COOKIE_SAMESITE="None",
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    )


def test_the_dashboard_works_inside_an_allowed_portal(browser, live_server, crm, portal) -> None:  # type: ignore[no-untyped-def]
    origin = portal()
    with _embedding(origin):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{origin}/")
        frame = page.frame_locator("#tool")
        frame.locator("#results p.summary").wait_for()
        assert "1–25 of" in frame.locator("#results p.summary").inner_text()
        assert "embedded" in (frame.locator("body").get_attribute("class") or "")

        # A write inside the frame: cookies (session, CSRF) must work as third-party cookies.
        frame.locator("#columns-panel summary").click()
        frame.locator("#columns-panel").get_by_label("Lead score", exact=True).check()
        frame.get_by_role("button", name="Save columns").click()
        frame.locator("table.records thead th", has_text="Lead score").wait_for()

        page.wait_for_function("window.received.length > 0")
        messages = page.evaluate("window.received")
        assert {m["origin"] for m in messages} == {live_server.url}
        assert any(m["data"]["type"] == "contacts:page" for m in messages)
        context.close()


def test_another_origin_cannot_frame_the_dashboard(browser, live_server, crm, portal) -> None:  # type: ignore[no-untyped-def]
    allowed, other = portal(), portal()
    with _embedding(allowed):
        context = browser.new_context()
        page = context.new_page()
        refusals: list[str] = []
        page.on(
            "console",
            lambda msg: refusals.append(msg.text) if "frame-ancestors" in msg.text else None,
        )
        page.goto(f"{other}/")
        page.wait_for_timeout(1500)
        frame = next(f for f in page.frames if f != page.main_frame)
        assert frame.locator("#results").count() == 0
        assert refusals
        context.close()


def test_no_page_causes_a_csp_violation(page, crm) -> None:  # type: ignore[no-untyped-def]
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto("/contacts/")
    page.locator("#search").fill("A")
    page.wait_for_url("**q=A**")
    page.locator("#filters-panel summary").click()
    page.locator("#columns-panel summary").click()
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url("**page=2**")
    page.keyboard.press("?")
    page.keyboard.press("Escape")
    page.locator("table.records tbody a.row-link").first.click()
    page.wait_for_url("**/contacts/con_**")
    page.goto("/audit/")
    for path in ("/contacts/new/",):
        if page.request.get(path).status == 200:
            page.goto(path)
    assert violations == []
