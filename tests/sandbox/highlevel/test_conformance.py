"""The standalone HighLevel sandbox against HighLevel's official contacts spec, via schemathesis.

`manage.py sandbox --api highlevel` runs as a subprocess on a free port, rate limiting off, and
the schemathesis CLI exercises the contact operations the dashboard uses (get, create, update,
search, duplicate lookup, tags add/remove, followers add/remove) with two checks: responses
match the spec's schemas wherever it declares one, and nothing answers 5xx.

What the test has to supply, each for a documented reason:
* The spec's error responses `$ref` `../common/common-schemas.json`, a file HighLevel
  publishes beside `apps/contacts.json` but which is not stored here. The test lays the spec
  out as `apps/contacts.json` (byte-identical) with a `common/common-schemas.json` holding the
  three DTOs exactly as HIGHLEVEL.md §7 quotes them.
* The sandbox runs with the spec's own example location id (`ve9EPM428h8vShlRW1KT`), so that
  generated bodies built from the spec's examples reach the success paths instead of a 403.
* Path `contactId` is pinned to a seeded contact, so reads and writes hit a real record.
* `--string-custom-values`: the spec types a contact's custom field `value` as a string while
  live reports show numbers, arrays and objects (HIGHLEVEL.md §6). The sandbox's default is
  the live reading; the conformance run uses the spec reading, so the official schemas are
  checked unmodified. `test_location.py` covers the typed default.
* The coverage phase generates positive cases only; negative (invalid) bodies come from the
  fuzzing phase. Negative coverage enumerates ~450 invalid variants each of the create and
  update bodies, which alone took ~40 s on two cores; the sandbox's unit tests check those
  422s one by one.
* Status codes are not checked: the spec documents no 404/403 and, for search, no 422,
  although HIGHLEVEL.md describes live 422s (missing `locationId`) and 403s.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import standalone_sandbox_at
from tests.sandbox.highlevel.helpers import HEADERS, SPEC

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
SPEC_LOCATION = "ve9EPM428h8vShlRW1KT"
OPERATIONS = (
    r"^(get-contact|create-contact|update-contact|search-contacts-advanced"
    r"|get-duplicate-contact|add-tags|remove-tags|add-followers-contact"
    r"|remove-followers-contact)$"
)
CHECKS = "not_a_server_error,response_schema_conformance"
# Enough fuzzed cases per operation (positive and negative) while the run stays well under
# half a minute on two cores.
MAX_EXAMPLES = 30
# HIGHLEVEL.md §7: HighLevel's common-schemas.json, which the spec's error responses point to.
COMMON_SCHEMAS = {
    "openapi": "3.0.0",
    "info": {"title": "Common Schemas", "version": "1.0.0"},
    "paths": {},
    "components": {
        "schemas": {
            "BadRequestDTO": {
                "type": "object",
                "properties": {"statusCode": {"type": "number"}, "message": {"type": "string"}},
            },
            "UnauthorizedDTO": {
                "type": "object",
                "properties": {
                    "statusCode": {"type": "number"},
                    "message": {"type": "string"},
                    "error": {"type": "string"},
                },
            },
            "UnprocessableDTO": {
                "type": "object",
                "properties": {
                    "statusCode": {"type": "number"},
                    "message": {"type": "array", "items": {"type": "string"}},
                    "error": {"type": "string"},
                },
            },
        }
    },
}

pytestmark = pytest.mark.conformance


@pytest.fixture
def standalone_url(tmp_path: Path) -> Iterator[str]:
    """Start `manage.py sandbox --api highlevel` on a fresh database; yield its base URL."""
    with standalone_sandbox_at(
        tmp_path / "conformance.sqlite3",
        tmp_path / "sandbox.log",
        "--api",
        "highlevel",
        "--location-id",
        SPEC_LOCATION,
        "--string-custom-values",
    ) as url:
        yield url


def spec_layout(root: Path) -> Path:
    """Lay the spec out as HighLevel publishes it, with the common schemas beside it."""
    (root / "apps").mkdir(parents=True)
    (root / "common").mkdir()
    shutil.copy(SPEC, root / "apps" / "contacts.json")
    (root / "common" / "common-schemas.json").write_text(json.dumps(COMMON_SCHEMAS))
    return root / "apps" / "contacts.json"


def pinned_ids_config(url: str, path: Path) -> Path:
    """Write a schemathesis config pinning contactId to a seeded contact with many fields."""
    body = {
        "locationId": SPEC_LOCATION,
        "pageLimit": 1,
        "filters": [{"field": "dateOfBirth", "operator": "exists"}],
    }
    found = httpx.post(f"{url}/contacts/search", json=body, headers=HEADERS).json()
    contact_id = found["contacts"][0]["id"]
    path.write_text(
        '[phases.coverage.generation]\nmode = "positive"\n'
        "[[operations]]\n"
        'include-operation-id = ["get-contact", "update-contact", "add-tags", "remove-tags",'
        ' "add-followers-contact", "remove-followers-contact"]\n'
        f'parameters = {{ "path.contactId" = "{contact_id}" }}\n'
        "[[operations]]\n"
        'include-operation-id = ["get-duplicate-contact"]\n'
        f'parameters = {{ "query.locationId" = "{SPEC_LOCATION}" }}\n'
    )
    return path


def test_the_standalone_highlevel_sandbox_conforms_to_the_contacts_spec(
    standalone_url: str, tmp_path: Path
) -> None:
    assert SPEC.is_file(), f"the HighLevel contacts spec is missing at {SPEC}"
    executable = SCHEMATHESIS if SCHEMATHESIS.is_file() else shutil.which("schemathesis")
    assert executable
    spec = spec_layout(tmp_path / "spec")
    config = pinned_ids_config(standalone_url, tmp_path / "schemathesis.toml")
    command = [
        str(executable),
        "--config-file",
        str(config),
        "run",
        str(spec),
        "--url",
        standalone_url,
        "--header",
        f"Authorization: {HEADERS['Authorization']}",
        "--header",
        f"Version: {HEADERS['Version']}",
        "--include-operation-id-regex",
        OPERATIONS,
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        "2026",
        "--generation-database",
        "none",
        "--no-color",
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
