"""Data lives in SQLite: it survives restarts and is shared by apps on the same file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from sandbox.app import SandboxApp, make_app
from sandbox.config import SandboxConfig
from tests.sandbox.helpers import client_for, create_contact, first_id


def test_edits_survive_a_restart(build_sandbox: Callable[..., SandboxApp]) -> None:
    with client_for(build_sandbox()) as http:
        contact_id = first_id(http, "contacts")
        http.post(f"/v1/contacts/{contact_id}", json={"fields": {"$title": "Edited"}})
    with client_for(build_sandbox()) as http:
        record = http.get(f"/v1/contacts/{contact_id}").json()
    assert record["fields"]["$title"]["value"] == "Edited"


def test_created_records_survive_a_restart(build_sandbox: Callable[..., SandboxApp]) -> None:
    with client_for(build_sandbox()) as http:
        created = create_contact(http, **{"$title": "Persistent"})
    with client_for(build_sandbox()) as http:
        assert http.get(f"/v1/contacts/{created['id']}").json() == created


def test_a_restart_does_not_seed_again(build_sandbox: Callable[..., SandboxApp]) -> None:
    with client_for(build_sandbox()) as http:
        create_contact(http)
    with client_for(build_sandbox()) as http:
        assert http.get("/v1/contacts").json()["totalCount"] == 2144


def test_a_second_app_on_the_same_file_sees_writes_of_the_first(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    # Two apps hold two connections, like two gunicorn workers.
    with client_for(build_sandbox()) as first, client_for(build_sandbox()) as second:
        contact_id = first_id(second, "contacts")
        second.get(f"/v1/contacts/{contact_id}")
        first.post(f"/v1/contacts/{contact_id}", json={"fields": {"$title": "From worker 1"}})
        created = create_contact(first)
        record = second.get(f"/v1/contacts/{contact_id}").json()
        assert record["fields"]["$title"]["value"] == "From worker 1"
        assert second.get(f"/v1/contacts/{created['id']}").status_code == 200


def test_writes_from_two_apps_on_one_file_both_land(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    with client_for(build_sandbox()) as first, client_for(build_sandbox()) as second:
        create_contact(first)
        create_contact(second)
        assert first.get("/v1/contacts").json()["totalCount"] == 2145


def test_an_empty_file_is_seeded(tmp_path: Path) -> None:
    app = make_app(SandboxConfig(db_path=tmp_path / "fresh.sqlite3", rate_limit=None))
    try:
        with client_for(app) as http:
            assert http.get("/v1/accounts").json()["totalCount"] == 320
    finally:
        app.close()


def test_an_in_memory_database_works() -> None:
    app = make_app(SandboxConfig(db_path=":memory:", rate_limit=None))
    try:
        with client_for(app) as http:
            created = create_contact(http)
            assert http.get(f"/v1/contacts/{created['id']}").status_code == 200
    finally:
        app.close()


def test_the_store_exposes_records_for_tests(app: SandboxApp, client: httpx.Client) -> None:
    created = create_contact(client, **{"$title": "Visible"})
    record = app.store.get("contact", created["id"])
    assert record is not None
    assert record.fields["$title"] == "Visible"
