"""The standalone sandbox against Lightfield's official OpenAPI spec, fuzzed by schemathesis.

`manage.py sandbox` runs as a subprocess on a free port with rate limiting off, and the
schemathesis CLI exercises the operations the dashboard uses (auth.validate, contact.*,
account.*, opportunity.*, member.*) with three checks: responses match the spec's schemas,
status codes are ones the spec documents, and nothing answers 5xx.

Deliberate limits, each for a documented reason:
* The `examples` phase is off: the spec's request bodies are `oneOf` a "typed" and an "untyped"
  variant that accept the same documents, so schemathesis cannot build an example from them
  ("Failed to generate test cases from examples"). The coverage, fuzzing and stateful phases
  generate bodies from the same schemas and do run.
* Retrieve and update operations get a real seeded id per type (via a generated config file), so
  they exercise the record and write paths instead of answering 404 to every random id; the 404
  path is covered by the sandbox's unit tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import standalone_sandbox_at
from tests.sandbox.helpers import HEADERS

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT.parent / "shared" / "api" / "lightfield-openapi.json"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
OPERATIONS = r"^(auth\.validate|contact\..*|account\..*|opportunity\..*|member\..*)$"
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
# Enough cases per operation to hit every value type and error path, while the whole run stays
# around a minute on two cores.
MAX_EXAMPLES = 25

pytestmark = pytest.mark.conformance


@pytest.fixture
def standalone_url(tmp_path: Path) -> Iterator[str]:
    """Start `manage.py sandbox` on a fresh database and yield its base URL once it answers."""
    with standalone_sandbox_at(tmp_path / "conformance.sqlite3", tmp_path / "sandbox.log") as url:
        yield url


def seeded_ids_config(url: str, path: Path) -> Path:
    """Write a schemathesis config pinning each retrieve/update operation to a seeded id."""
    blocks = []
    for collection, prefix, operations in (
        ("contacts", "contact", ("retrieve", "update")),
        ("accounts", "account", ("retrieve", "update")),
        ("opportunities", "opportunity", ("retrieve", "update")),
        ("members", "member", ("retrieve",)),
    ):
        body = httpx.get(f"{url}/v1/{collection}", params={"limit": 1}, headers=HEADERS).json()
        names = ", ".join(f'"{prefix}.{operation}"' for operation in operations)
        blocks.append(
            f"[[operations]]\ninclude-operation-id = [{names}]\n"
            f'parameters = {{ "path.id" = "{body["data"][0]["id"]}" }}\n'
        )
    path.write_text("\n".join(blocks))
    return path


def test_the_standalone_sandbox_conforms_to_the_lightfield_spec(
    standalone_url: str, tmp_path: Path
) -> None:
    assert SPEC.is_file(), f"the Lightfield spec is missing at {SPEC}"
    assert SCHEMATHESIS.is_file() or shutil.which("schemathesis")
    config = seeded_ids_config(standalone_url, tmp_path / "schemathesis.toml")
    command = [
        str(SCHEMATHESIS if SCHEMATHESIS.is_file() else shutil.which("schemathesis")),
        "--config-file",
        str(config),
        "run",
        str(SPEC),
        "--url",
        standalone_url,
        "--header",
        f"Authorization: {HEADERS['Authorization']}",
        "--header",
        f"Lightfield-Version: {HEADERS['Lightfield-Version']}",
        "--include-operation-id-regex",
        OPERATIONS,
        "--checks",
        CHECKS,
        "--phases",
        "coverage,fuzzing,stateful",
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
