"""Helpers for the sandbox tests: fake time, in-process clients, small request shortcuts."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.app import SandboxApp
from sandbox.config import API_VERSION

API_KEY = "sk_sandbox_demo"
BASE_URL = "http://sandbox.local"
HEADERS = {"Authorization": f"Bearer {API_KEY}", "Lightfield-Version": API_VERSION}
# 2026-06-01T00:00:00Z: after every seeded timestamp, so new records sort first.
START = 1_780_272_000.0


class FakeClock:
    """Stand in for time.time; tests move it forward explicitly."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


class FakeSleep:
    """Stand in for time.sleep: record each call and advance the fake clock instead."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.advance(seconds)


def client_for(app: SandboxApp, **headers: str) -> httpx.Client:
    """Return an httpx client talking to `app` in-process, with the demo key and version."""
    return httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url=BASE_URL,
        headers=HEADERS | headers,
    )


def first_id(http: httpx.Client, collection: str, **params: Any) -> str:
    """Return the id of the first record a list request returns."""
    return str(http.get(f"/v1/{collection}", params=params | {"limit": 1}).json()["data"][0]["id"])


def create_contact(http: httpx.Client, **fields: Any) -> dict[str, Any]:
    """Create a contact with the given fields and return the record."""
    response = http.post("/v1/contacts", json={"fields": fields})
    assert response.status_code == 200, response.text
    return response.json()
