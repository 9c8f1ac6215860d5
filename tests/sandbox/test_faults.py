"""Fault knobs (latency, errors, timeouts), list lag and the wrapped error envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox.app import SandboxApp
from sandbox.config import SandboxConfig
from tests.sandbox.helpers import FakeClock, FakeSleep, client_for, create_contact

Build = Callable[..., SandboxApp]


def test_latency_is_added_to_every_request(build_sandbox: Build, sleep: FakeSleep) -> None:
    with client_for(build_sandbox(latency=0.25)) as http:
        http.get("/v1/contacts")
        http.get("/v1/members")
    assert sleep.calls == [0.25, 0.25]


def test_no_sleeping_happens_by_default(client: httpx.Client, sleep: FakeSleep) -> None:
    client.get("/v1/contacts")
    assert sleep.calls == []


def test_an_error_rate_of_one_answers_every_request_with_a_server_error(
    build_sandbox: Build,
) -> None:
    with client_for(build_sandbox(error_rate=1.0)) as http:
        responses = [http.get("/v1/contacts") for _ in range(20)]
    assert {r.status_code for r in responses} == {500, 503}
    assert {r.json()["type"] for r in responses} == {
        "internal_server_error",
        "service_unavailable",
    }


def test_an_error_rate_fails_about_that_share_of_requests(build_sandbox: Build) -> None:
    with client_for(build_sandbox(error_rate=0.3)) as http:
        failures = sum(http.get("/v1/members").status_code >= 500 for _ in range(200))
    assert 30 <= failures <= 90


def test_injected_errors_are_reproducible_with_the_fault_seed(build_sandbox: Build) -> None:
    runs = []
    for _ in range(2):
        with client_for(build_sandbox(error_rate=0.5, fault_seed=3)) as http:
            runs.append([http.get("/v1/members").status_code for _ in range(30)])
    assert runs[0] == runs[1]


def test_an_injected_error_does_not_apply_a_write(build_sandbox: Build) -> None:
    with client_for(build_sandbox(error_rate=1.0)) as http:
        http.post("/v1/contacts", json={"fields": {}})
    with client_for(build_sandbox()) as http:
        assert http.get("/v1/contacts").json()["totalCount"] == 2143


def test_a_timeout_rate_of_one_hangs_then_answers(build_sandbox: Build, sleep: FakeSleep) -> None:
    with client_for(build_sandbox(timeout_rate=1.0, timeout_seconds=12.0)) as http:
        response = http.get("/v1/contacts")
    assert sleep.calls == [12.0]
    assert response.status_code == 200


def test_list_lag_hides_new_records_until_it_has_passed(
    build_sandbox: Build, clock: FakeClock
) -> None:
    with client_for(build_sandbox(list_lag=5.0)) as http:
        created = create_contact(http, **{"$email": ["lagging@lag.example"]})
        query = {"$email": "lagging@lag.example"}
        assert http.get("/v1/contacts", params=query).json()["totalCount"] == 0
        clock.advance(5.0)
        assert http.get("/v1/contacts", params=query).json()["data"][0]["id"] == created["id"]


def test_list_lag_shows_the_previous_version_of_an_updated_record(
    build_sandbox: Build, clock: FakeClock
) -> None:
    with client_for(build_sandbox(list_lag=5.0)) as http:
        created = create_contact(http, **{"$title": "Before"})
        clock.advance(10)
        http.post(f"/v1/contacts/{created['id']}", json={"fields": {"$title": "After"}})
        listed = http.get("/v1/contacts", params={"limit": 1}).json()["data"][0]
        assert listed["fields"]["$title"]["value"] == "Before"


def test_list_lag_does_not_delay_retrieve(build_sandbox: Build) -> None:
    with client_for(build_sandbox(list_lag=5.0)) as http:
        created = create_contact(http)
        assert http.get(f"/v1/contacts/{created['id']}").status_code == 200


def test_lists_reflect_writes_at_once_by_default(client: httpx.Client) -> None:
    created = create_contact(client)
    assert client.get("/v1/contacts", params={"limit": 1}).json()["data"][0]["id"] == created["id"]


def test_errors_are_flat_by_default(client: httpx.Client) -> None:
    assert client.get("/v1/contacts/con_missing").json() == {
        "type": "not_found",
        "message": "No contact with id 'con_missing'.",
    }


def test_wrapped_errors_nest_the_body_under_error(build_sandbox: Build) -> None:
    with client_for(build_sandbox(wrapped_errors=True)) as http:
        body = http.get("/v1/contacts", params={"bogus": "1"}).json()
    assert body == {
        "error": {
            "type": "bad_request",
            "message": "Unknown field 'bogus' on contact.",
            "code": "unknown_field",
            "param": "bogus",
        }
    }


def test_wrapped_errors_also_wrap_rate_limit_errors(build_sandbox: Build) -> None:
    with client_for(build_sandbox(wrapped_errors=True, rate_limit=1)) as http:
        http.get("/v1/members")
        assert http.get("/v1/members").json()["error"]["type"] == "too_many_requests"


@pytest.mark.parametrize(
    "options",
    [{"latency": -1}, {"error_rate": 1.5}, {"timeout_rate": -0.1}, {"rate_limit": -5}],
)
def test_config_rejects_impossible_knob_values(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must"):
        SandboxConfig(**options)
