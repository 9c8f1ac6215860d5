"""Fixtures the integration tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from contacts_ui.crm.lightfield.client import LightfieldClient
from dashboard.config import AppSettings
from tests.integration.sso import HEADER_MODE


@pytest.fixture
def header_mode(crm: LightfieldClient) -> Iterator[None]:
    """Sign people in from the SSO proxy's headers (``sso(...)``), on the Lightfield sandbox."""
    with override_settings(DASHBOARD=AppSettings(**HEADER_MODE)):
        yield
