"""Idempotency-Key: replay, scope, in-flight conflicts, failures, length and retention."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx

from sandbox.app import SandboxApp
from tests.sandbox.helpers import FakeClock, client_for


def create(http: httpx.Client, key: str, title: str = "CTO") -> httpx.Response:
    return http.post(
        "/v1/contacts", json={"fields": {"$title": title}}, headers={"Idempotency-Key": key}
    )


def contact_count(http: httpx.Client) -> int:
    return int(http.get("/v1/contacts", params={"limit": 1}).json()["totalCount"])


def test_replaying_a_key_returns_the_original_response(client: httpx.Client) -> None:
    first = create(client, "key-1")
    second = create(client, "key-1")
    assert (second.status_code, second.json()) == (200, first.json())
    assert second.headers["Idempotent-Replayed"] == "true"


def test_replaying_a_key_does_not_create_a_second_record(client: httpx.Client) -> None:
    before = contact_count(client)
    create(client, "key-1")
    create(client, "key-1")
    assert contact_count(client) == before + 1


def test_a_replay_with_a_different_payload_still_returns_the_original(
    client: httpx.Client,
) -> None:
    first = create(client, "key-1", title="CTO")
    second = create(client, "key-1", title="CEO")
    assert second.json()["fields"]["$title"]["value"] == "CTO"
    assert second.json()["id"] == first.json()["id"]


def test_keys_are_scoped_per_entity_type(client: httpx.Client) -> None:
    contact = create(client, "shared-key")
    account = client.post(
        "/v1/accounts",
        json={"fields": {"$name": "Scoped"}},
        headers={"Idempotency-Key": "shared-key"},
    )
    assert account.json()["id"].startswith("acc_")
    assert contact.json()["id"].startswith("con_")


def test_keys_are_scoped_per_operation(client: httpx.Client) -> None:
    created = create(client, "shared-key").json()
    updated = client.post(
        f"/v1/contacts/{created['id']}",
        json={"fields": {"$title": "CEO"}},
        headers={"Idempotency-Key": "shared-key"},
    )
    assert updated.json()["fields"]["$title"]["value"] == "CEO"


def test_updates_replay_too(client: httpx.Client) -> None:
    contact = create(client, "create-key").json()
    path = f"/v1/contacts/{contact['id']}"
    first = client.post(path, json={"fields": {"lead-score": 1}}, headers={"Idempotency-Key": "u"})
    client.post(path, json={"fields": {"lead-score": 2}})
    replay = client.post(path, json={"fields": {"lead-score": 3}}, headers={"Idempotency-Key": "u"})
    assert replay.json() == first.json()


def test_a_failed_request_does_not_pin_its_key(client: httpx.Client) -> None:
    failed = client.post(
        "/v1/contacts", json={"fields": {"lead-score": "high"}}, headers={"Idempotency-Key": "k"}
    )
    retried = client.post(
        "/v1/contacts", json={"fields": {"lead-score": 80}}, headers={"Idempotency-Key": "k"}
    )
    assert (failed.status_code, retried.status_code) == (400, 200)
    assert retried.json()["fields"]["lead-score"]["value"] == 80


def test_an_injected_server_error_does_not_pin_the_key(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    flaky = build_sandbox(error_rate=1.0)
    with client_for(flaky) as http:
        assert create(http, "retry-me").status_code in (500, 503)
    healthy = build_sandbox()
    with client_for(healthy) as http:
        assert create(http, "retry-me").status_code == 200


def test_the_same_key_while_the_first_request_runs_is_a_conflict(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    entered, release = threading.Event(), threading.Event()

    def blocking_sleep(_seconds: float) -> None:
        entered.set()
        release.wait(timeout=10)

    app = build_sandbox(latency=0.5, sleep=blocking_sleep)
    results: dict[str, httpx.Response] = {}

    def first_request() -> None:
        with client_for(app) as http:
            results["first"] = create(http, "slow-key")

    worker = threading.Thread(target=first_request)
    worker.start()
    try:
        assert entered.wait(timeout=10)
        with client_for(app) as http:
            second = create(http, "slow-key")
    finally:
        release.set()
        worker.join(timeout=10)
    assert second.status_code == 409
    assert (second.json()["type"], second.json()["code"]) == ("conflict", "idempotency_conflict")
    assert results["first"].status_code == 200


def test_the_key_replays_once_the_first_request_finished(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    app = build_sandbox(latency=0.5)
    with client_for(app) as http:
        first = create(http, "k")
        assert create(http, "k").json() == first.json()


def test_a_key_longer_than_255_characters_is_rejected(client: httpx.Client) -> None:
    response = create(client, "k" * 256)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["param"]) == (
        "idempotency_key_too_long",
        "Idempotency-Key",
    )


def test_a_key_of_255_characters_is_accepted(client: httpx.Client) -> None:
    assert create(client, "k" * 255).status_code == 200


def test_a_key_is_remembered_for_almost_24_hours(client: httpx.Client, clock: FakeClock) -> None:
    first = create(client, "daily")
    clock.advance(24 * 3600 - 1)
    assert create(client, "daily").json()["id"] == first.json()["id"]


def test_a_key_is_forgotten_after_24_hours(client: httpx.Client, clock: FakeClock) -> None:
    first = create(client, "daily")
    clock.advance(24 * 3600 + 1)
    assert create(client, "daily").json()["id"] != first.json()["id"]


def test_keys_survive_a_restart(
    build_sandbox: Callable[..., SandboxApp], client: httpx.Client
) -> None:
    first = create(client, "durable")
    with client_for(build_sandbox()) as http:
        assert create(http, "durable").json() == first.json()


def test_reads_ignore_the_idempotency_key(client: httpx.Client) -> None:
    response = client.get("/v1/contacts", headers={"Idempotency-Key": "k" * 300})
    assert response.status_code == 200
