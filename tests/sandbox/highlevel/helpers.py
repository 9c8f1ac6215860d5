"""Helpers for the HighLevel sandbox tests: in-process clients and request shortcuts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from sandbox.highlevel import DEFAULT_API_KEY, DEFAULT_LOCATION_ID, HighLevelSandboxApp
from sandbox.highlevel.config import API_VERSION

LOCATION = DEFAULT_LOCATION_ID
HEADERS = {"Authorization": f"Bearer {DEFAULT_API_KEY}", "Version": API_VERSION}
BASE_URL = "http://highlevel.local"
REPO_ROOT = Path(__file__).resolve().parents[3]
# HighLevel's official contacts spec, found beside the repository as the Lightfield one is.
SPEC = REPO_ROOT.parent / "shared" / "api" / "highlevel-contacts-openapi.json"

# One valid value per dataType, in the shapes HIGHLEVEL.md §6 documents.
VALUES: dict[str, Any] = {
    "TEXT": "Head of Sales",
    "LARGE_TEXT": "Met at the fair.\nWants a demo.",
    "NUMERICAL": 42,
    "PHONE": "+14155550123",
    "MONETORY": 1234.5,
    "CHECKBOX": ["Analytics", "Security"],
    "SINGLE_OPTIONS": "Customer",
    "RADIO": "SMS",
    "MULTIPLE_OPTIONS": ["Growth", "Add-on: SSO"],
    "DATE": "2026-03-15",
    "EMAIL": "billing@acme.example",
    "TEXTBOX_LIST": {"LinkedIn": "https://linkedin.com/in/x", "GitHub": "x"},
    "FILE_UPLOAD": {
        "f31175d4-2b06-4fc6-b7bc-74cd814c68cb": {
            "meta": {"originalname": "nda.pdf", "mimetype": "application/pdf", "size": 10},
            "url": "https://files.example/nda.pdf",
            "documentId": "w2M9qTZ0ZJz8rGt02jdJ",
        }
    },
}


def client_for(app: HighLevelSandboxApp, **headers: str) -> httpx.Client:
    """Return an httpx client talking to `app` in-process, with the demo token and version."""
    return httpx.Client(
        transport=httpx.WSGITransport(app=app), base_url=BASE_URL, headers=HEADERS | headers
    )


def search(http: httpx.Client, **body: Any) -> httpx.Response:
    """POST a search for the demo location; `pageLimit` defaults to 25."""
    return http.post("/contacts/search", json={"locationId": LOCATION, "pageLimit": 25} | body)


def search_ids(http: httpx.Client, **body: Any) -> list[str]:
    """Return the ids a successful search returns."""
    response = search(http, **body)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["contacts"]]


def create(http: httpx.Client, **fields: Any) -> dict[str, Any]:
    """Create a contact in the demo location and return the created record."""
    response = http.post("/contacts/", json={"locationId": LOCATION} | fields)
    assert response.status_code == 201, response.text
    contact: dict[str, Any] = response.json()["contact"]
    return contact


def custom_fields(http: httpx.Client) -> dict[str, dict[str, Any]]:
    """Return the contact custom field definitions keyed by dataType (first of each type)."""
    response = http.get(f"/locations/{LOCATION}/customFields", params={"model": "contact"})
    by_type: dict[str, dict[str, Any]] = {}
    for definition in response.json()["customFields"]:
        by_type.setdefault(definition["dataType"], definition)
    return by_type
