"""Test helpers for the contact forms: a no-JavaScript browser's view of a form, and a CRM
transport that records what the dashboard sent."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.services import backend as services
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, install_client, no_sleep

FormData = dict[str, list[str]]


class _FormReader(HTMLParser):
    """Collect what a browser without JavaScript would submit for the contact form (or for an
    in-place editor of one field)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: FormData = {}
        self._in_form = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and ("data-contact-form" in a or "data-inline-edit" in a):
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in {"submit", "button", "reset", "file", "image"}:
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        elif self._option_value is None and self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text
            self._options.append(
                (value.strip() if self._option_value is None else value, self._option_selected)
            )
            self._option_value = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if chosen or self._options:
                self._add(self._select, chosen[0] if chosen else self._options[0][0])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # HTML drops one newline right after <textarea>; browsers post CRLF line breaks.
            text = self._text[1:] if self._text.startswith("\n") else self._text
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            self._add(self._textarea, text.replace("\n", "\r\n"))
            self._textarea = None


def form_data(html: str) -> FormData:
    """Return the POST data a browser without JavaScript sends for the page's contact form."""
    reader = _FormReader()
    reader.feed(html)
    return reader.data


def open_form(client: Client, url: str) -> FormData:
    """GET a form page and return its data as a browser would submit it untouched."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_data(response.content.decode())


@dataclass
class Recorder:
    """Pass requests to the sandbox, keeping each one (method, path, headers and JSON body)."""

    inner: httpx.BaseTransport
    requests: list[httpx.Request] = field(default_factory=list)
    # Return a response here to stand in for the CRM on matching requests.
    override: Callable[[httpx.Request], httpx.Response | None] | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.override is not None:
            response = self.override(request)
            if response is not None:
                return response
        return self.inner.handle_request(request)

    def writes(self) -> list[httpx.Request]:
        """Return the POST requests sent so far."""
        return [r for r in self.requests if r.method == "POST"]

    def bodies(self) -> list[Any]:
        """Return the JSON bodies of the writes sent so far."""
        return [json.loads(r.content) for r in self.writes()]


@pytest.fixture(name="recorder")
def recorder_fixture(sandbox_app: object) -> Iterator[Recorder]:
    """Wire the dashboard to the sandbox through a transport that records every request."""
    recorder = Recorder(httpx.WSGITransport(app=sandbox_app))  # type: ignore[arg-type]
    client = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.MockTransport(recorder.handle),
        sleep=no_sleep,
    )
    for _ in install_client(client):
        yield recorder


def dashboard_client() -> LightfieldClient:
    """Return the client the dashboard is using (the recording one, under `recorder`)."""
    return services.get_crm()


def crm_error(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    """Build a CRM error response."""
    return httpx.Response(status, json=body, headers=headers)
