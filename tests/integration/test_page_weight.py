"""The list page stays light: its HTML with the CSS and JavaScript it loads, compressed."""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from contacts_ui.crm.lightfield.client import LightfieldClient

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024


def _assets(html: str) -> list[str]:
    """Return the static paths of the stylesheets and scripts a page loads."""
    urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    urls += re.findall(r'<script src="([^"]+)"', html)
    return [url.removeprefix(settings.STATIC_URL) for url in urls]


def test_the_list_page_with_its_css_and_js_weighs_at_most_60_kib_compressed(
    client: Client, crm: LightfieldClient
) -> None:
    html = client.get("/contacts/").content
    sizes = {"html": len(gzip.compress(html, 9))}
    for path in _assets(html.decode()):
        found = finders.find(path)
        assert found, path
        with open(found, "rb") as asset:
            sizes[path] = len(gzip.compress(asset.read(), 9))
    assert len(sizes) >= 3
    assert sum(sizes.values()) <= BUDGET, sizes


def test_pages_are_served_compressed(client: Client, crm: LightfieldClient) -> None:
    response = client.get("/contacts/", headers={"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"


def test_production_serves_pre_compressed_static_files() -> None:
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from dashboard import settings as production

    backend = production.STORAGES["staticfiles"]["BACKEND"]
    assert production.DEBUG or backend.endswith(CompressedManifestStaticFilesStorage.__name__)
