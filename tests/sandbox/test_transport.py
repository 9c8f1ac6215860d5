"""Authentication, the version header, content types, routing and the request log."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sandbox.app import SandboxApp
from tests.sandbox.helpers import BASE_URL, first_id


def bare_client(app: SandboxApp, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL, headers=headers)


def test_request_without_authorization_is_unauthorized(shared_app: SandboxApp) -> None:
    with bare_client(shared_app, {"Lightfield-Version": "2026-03-01"}) as http:
        response = http.get("/v1/contacts")
    assert response.status_code == 401
    assert response.json()["type"] == "unauthorized"


def test_request_with_a_wrong_key_is_unauthorized(shared_app: SandboxApp) -> None:
    headers = {"Authorization": "Bearer sk_wrong", "Lightfield-Version": "2026-03-01"}
    with bare_client(shared_app, headers) as http:
        assert http.get("/v1/contacts").status_code == 401


def test_request_with_a_non_bearer_scheme_is_unauthorized(shared_app: SandboxApp) -> None:
    headers = {"Authorization": "Basic sk_sandbox_demo", "Lightfield-Version": "2026-03-01"}
    with bare_client(shared_app, headers) as http:
        assert http.get("/v1/contacts").status_code == 401


def test_missing_version_header_is_a_bad_request_naming_the_header(
    shared_app: SandboxApp,
) -> None:
    with bare_client(shared_app, {"Authorization": "Bearer sk_sandbox_demo"}) as http:
        response = http.get("/v1/contacts")
    assert response.status_code == 400
    assert response.json() | {"message": ""} == {
        "type": "bad_request",
        "message": "",
        "code": "version_header",
        "param": "Lightfield-Version",
    }


def test_unknown_version_is_a_bad_request(reader: httpx.Client) -> None:
    response = reader.get("/v1/contacts", headers={"Lightfield-Version": "2025-01-01"})
    assert response.json()["code"] == "version_header"


def test_authentication_is_checked_before_the_version_header(shared_app: SandboxApp) -> None:
    with bare_client(shared_app, {}) as http:
        assert http.get("/v1/contacts").status_code == 401


def test_auth_validate_describes_a_full_access_api_key(reader: httpx.Client) -> None:
    response = reader.get("/v1/auth/validate")
    assert response.json() == {
        "active": True,
        "tokenType": "api_key",
        "subjectType": "workspace",
        "scopes": [],
    }


def test_a_custom_api_key_is_the_only_one_accepted(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    app = build_sandbox(api_key="sk_custom")
    headers = {"Authorization": "Bearer sk_custom", "Lightfield-Version": "2026-03-01"}
    with bare_client(app, headers) as http:
        assert http.get("/v1/auth/validate").status_code == 200
        wrong = {"Authorization": "Bearer sk_sandbox_demo"}
        assert http.get("/v1/auth/validate", headers=wrong).status_code == 401


def test_write_without_json_content_type_is_unsupported_media_type(client: httpx.Client) -> None:
    response = client.post(
        "/v1/contacts", content=b'{"fields": {}}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["type"] == "unsupported_media_type"


def test_json_content_type_with_a_charset_is_accepted(client: httpx.Client) -> None:
    response = client.post(
        "/v1/contacts",
        content=b'{"fields": {}}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


def test_malformed_json_is_a_bad_request(client: httpx.Client) -> None:
    response = client.post(
        "/v1/contacts", content=b'{"fields": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_type"


def test_a_body_that_is_not_an_object_is_a_bad_request(client: httpx.Client) -> None:
    response = client.post("/v1/contacts", json=["fields"])
    assert response.json()["code"] == "invalid_type"


def test_unknown_route_is_not_found(reader: httpx.Client) -> None:
    response = reader.get("/v1/widgets")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_unsupported_method_is_not_found(reader: httpx.Client) -> None:
    assert reader.delete("/v1/contacts/con_x").status_code == 404


def test_unknown_contact_id_is_not_found(reader: httpx.Client) -> None:
    assert reader.get("/v1/contacts/con_doesnotexist").status_code == 404


def test_an_id_of_another_type_is_not_found(reader: httpx.Client) -> None:
    account_id = first_id(reader, "accounts")
    assert reader.get(f"/v1/contacts/{account_id}").status_code == 404


def test_updating_an_unknown_id_is_not_found(client: httpx.Client) -> None:
    assert client.post("/v1/contacts/con_nope", json={"fields": {}}).status_code == 404


def test_retrieve_returns_the_record_envelope(reader: httpx.Client) -> None:
    contact_id = first_id(reader, "contacts")
    record = reader.get(f"/v1/contacts/{contact_id}").json()
    assert set(record) == {
        "id",
        "createdAt",
        "updatedAt",
        "httpLink",
        "externalId",
        "fields",
        "relationships",
    }
    assert record["httpLink"] == f"https://crm.lightfield.app/contacts/{contact_id}"
    assert record["externalId"] is None


def test_timestamps_are_iso_8601_with_milliseconds_and_z(reader: httpx.Client) -> None:
    record = reader.get("/v1/contacts", params={"limit": 1}).json()["data"][0]
    assert record["createdAt"].endswith("Z")
    assert len(record["createdAt"]) == len("2026-03-01T00:00:00.000Z")


def test_request_log_records_method_path_and_query(app: SandboxApp, client: httpx.Client) -> None:
    client.get("/v1/contacts", params={"limit": 5})
    assert app.request_log[-1] == ("GET", "/v1/contacts", "limit=5")


def test_request_log_counts_requests_by_path(app: SandboxApp, client: httpx.Client) -> None:
    client.get("/v1/contacts/definitions")
    client.get("/v1/contacts/definitions")
    client.get("/v1/members")
    assert len(app.request_log.matching("GET", "/v1/contacts/definitions")) == 2


def test_request_log_entries_are_a_snapshot(app: SandboxApp, client: httpx.Client) -> None:
    client.get("/v1/members")
    snapshot = app.request_log.entries
    client.get("/v1/members")
    assert snapshot == [("GET", "/v1/members", "")]


def test_request_log_reset_forgets_earlier_requests(app: SandboxApp, client: httpx.Client) -> None:
    client.get("/v1/members")
    app.request_log.reset()
    assert app.request_log == []


@pytest.mark.parametrize(
    ("collection", "object_type"),
    [("contacts", "contact"), ("accounts", "account"), ("opportunities", "opportunity")],
)
def test_definitions_name_their_object_type(
    reader: httpx.Client, collection: str, object_type: str
) -> None:
    assert reader.get(f"/v1/{collection}/definitions").json()["objectType"] == object_type


def test_a_limit_with_thousands_of_digits_is_clamped_not_a_crash(reader: httpx.Client) -> None:
    response = reader.get("/v1/contacts", params={"limit": "9" * 5000})
    assert (response.status_code, len(response.json()["data"])) == (200, 25)


def test_deeply_nested_json_is_a_bad_request(client: httpx.Client) -> None:
    response = client.post(
        "/v1/contacts", content=b"[" * 100_000, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_type")


def test_an_unexpected_failure_answers_a_500_in_the_spec_shape(
    app: SandboxApp, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_object_type: str) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.store, "list_view", broken)
    response = client.get("/v1/contacts")
    assert response.status_code == 500
    assert response.json() == {"type": "internal_server_error", "message": "Internal Server Error"}
