"""Against the standalone sandbox at its default 25 requests/s: cold list pages in a row cost
no 429 and no repeated upstream GET."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from contacts_ui.crm.budget import Budget, MemoryStore, lightfield_specs
from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.services import related
from contacts_ui.services.backend import MAX_WAIT
from tests.conftest import SANDBOX_KEY, install_client, standalone_sandbox_at

pytestmark = pytest.mark.django_db

ACCESS_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/1\.[01]" (\d{3})')
NAMES_URL = re.compile(r'hx-get="(/contacts/names/\?[^"]+)"')


@pytest.fixture
def rate_limited_sandbox(sandbox_db: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    log = tmp_path / "sandbox.log"
    with standalone_sandbox_at(sandbox_db, log, rate_limit=25) as url:
        yield url, log


@pytest.fixture
def budgeted_crm(rate_limited_sandbox: tuple[str, Path]) -> Iterator[LightfieldClient]:
    url, _ = rate_limited_sandbox
    # What build_crm gives every process, on a store private to this test.
    budget = Budget(MemoryStore(), lightfield_specs(), scope="test:standalone", max_wait=MAX_WAIT)
    yield from install_client(LightfieldClient(api_key=SANDBOX_KEY, base_url=url, budget=budget))


def test_cold_list_pages_4_to_13_cause_no_429_and_no_repeated_get(
    client: Client, budgeted_crm: LightfieldClient, rate_limited_sandbox: tuple[str, Path]
) -> None:
    _, log = rate_limited_sandbox
    for page in range(4, 14):
        response = client.get(f"/contacts/?page={page}")
        assert response.status_code == 200
        names = NAMES_URL.search(response.content.decode())
        if names:  # what the browser does once the page has loaded
            assert client.get(names.group(1).replace("&amp;", "&")).status_code == 200
    related.settle()

    calls = [m.groups() for m in ACCESS_LINE.finditer(log.read_text())]
    gets = Counter(path for method, path, _ in calls if method == "GET")
    gets.pop("/v1/auth/validate", None)  # the fixture's readiness probe
    assert [status for _, _, status in calls if status == "429"] == []
    assert [path for path, count in gets.items() if count > 1] == []
    assert sum(1 for path in gets if path.startswith("/v1/contacts?")) == 10
