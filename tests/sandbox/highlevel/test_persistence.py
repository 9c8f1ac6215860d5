"""Edits survive a restart; the standalone server speaks HighLevel with `--api highlevel`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from sandbox.highlevel import HighLevelSandboxApp, HighLevelSandboxConfig
from sandbox.server import add_arguments, config_from_options
from tests.conftest import standalone_sandbox_at
from tests.sandbox.highlevel.helpers import HEADERS, LOCATION, client_for, create, search


def test_edits_survive_a_restart(build_hl: Callable[..., HighLevelSandboxApp]) -> None:
    first = build_hl()
    with client_for(first) as http:
        contact = create(http, firstName="Persistent", tags=["vip"])
        http.post(f"/contacts/{contact['id']}/tags", json={"tags": ["brand new"]})
    first.close()
    with client_for(build_hl()) as http:
        record = http.get(f"/contacts/{contact['id']}").json()["contact"]
        tags = [tag["name"] for tag in http.get(f"/locations/{LOCATION}/tags").json()["tags"]]
    assert record["tags"] == ["vip", "brand new"]
    assert "brand new" in tags


def test_a_write_in_one_process_is_seen_by_another(
    build_hl: Callable[..., HighLevelSandboxApp],
) -> None:
    reader, writer = build_hl(), build_hl()
    with client_for(writer) as http:
        contact = create(http, firstName="Shared")
    with client_for(reader) as http:
        assert search(http, pageLimit=1).json()["contacts"][0]["id"] == contact["id"]


def parse(*argv: str, default_db: Path) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    add_arguments(parser, default_db=default_db)
    return vars(parser.parse_args(argv))


def test_api_highlevel_has_its_own_token_location_rate_limit_and_database(tmp_path: Path) -> None:
    config = config_from_options(
        parse("--api", "highlevel", default_db=tmp_path / "var" / "sandbox.sqlite3")
    )
    assert isinstance(config, HighLevelSandboxConfig)
    assert (config.api_key, config.location_id, config.rate_limit) == (
        "pit-sandbox-demo",
        "SandboxDemoLocation1",
        100,
    )
    assert Path(config.db_path) == tmp_path / "var" / "highlevel-sandbox.sqlite3"


def test_api_highlevel_takes_the_shared_knobs_and_its_own_options(tmp_path: Path) -> None:
    options = parse(
        "--api", "highlevel", "--api-key", "pit-other", "--location-id", "Loc2",
        "--latency", "0.1", "--error-rate", "0.2", "--timeout-rate", "0.3",
        "--rate-limit", "0", "--db", str(tmp_path / "h.sqlite3"),
        default_db=tmp_path / "sandbox.sqlite3",
    )  # fmt: skip
    config = config_from_options(options)
    assert isinstance(config, HighLevelSandboxConfig)
    assert (config.api_key, config.location_id, config.latency, config.rate_limit) == (
        "pit-other",
        "Loc2",
        0.1,
        None,
    )
    assert (config.error_rate, config.timeout_rate) == (0.2, 0.3)


def test_lightfield_only_options_are_refused_with_api_highlevel(tmp_path: Path) -> None:
    options = parse("--api", "highlevel", "--list-lag", "2", default_db=tmp_path / "s.sqlite3")
    with pytest.raises(ValueError, match="list-lag"):
        config_from_options(options)


def test_the_standalone_highlevel_sandbox_answers_over_http(tmp_path: Path) -> None:
    db = tmp_path / "standalone.sqlite3"
    with standalone_sandbox_at(db, tmp_path / "log.txt", "--api", "highlevel") as url:
        response = httpx.post(
            f"{url}/contacts/search",
            json={"locationId": LOCATION, "pageLimit": 5},
            headers=HEADERS,
        )
    assert response.status_code == 200
    assert len(response.json()["contacts"]) == 5
    assert "HighLevel sandbox listening on http://127.0.0.1:" in (tmp_path / "log.txt").read_text()
