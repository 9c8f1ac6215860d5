"""The port: every backend is a `CRM` and declares capabilities the UI can trust."""

from __future__ import annotations

from typing import get_args

import pytest

from contacts_ui.crm.lightfield import CAPABILITIES as LIGHTFIELD
from contacts_ui.crm.lightfield import LightfieldClient
from contacts_ui.crm.models import FilterOperator, ValueType
from contacts_ui.crm.port import CRM, Capabilities

BACKENDS: list[tuple[str, Capabilities]] = [("lightfield", LIGHTFIELD)]


def test_the_lightfield_client_is_a_crm() -> None:
    with LightfieldClient(api_key="k", base_url="http://127.0.0.1:9") as client:
        assert isinstance(client, CRM)
        assert client.capabilities is LIGHTFIELD


@pytest.mark.parametrize(("name", "capabilities"), BACKENDS)
def test_capabilities_name_only_known_value_types_and_operators(
    name: str, capabilities: Capabilities
) -> None:
    known_types = {t.value for t in ValueType}
    known_operators = set(get_args(FilterOperator))
    assert set(capabilities.filter_operators) <= known_types
    for operators in capabilities.filter_operators.values():
        assert operators <= known_operators


@pytest.mark.parametrize(("name", "capabilities"), BACKENDS)
def test_capabilities_declare_a_page_size_and_a_rate_limit(
    name: str, capabilities: Capabilities
) -> None:
    assert 1 <= capabilities.max_page_size <= 1000
    assert capabilities.rate_limit_categories
    assert all(c.requests > 0 and c.per_seconds > 0 for c in capabilities.rate_limit_categories)


def test_lightfield_declares_what_its_contract_says() -> None:
    assert not LIGHTFIELD.or_filters
    assert not LIGHTFIELD.free_text_search
    assert not LIGHTFIELD.can_sort
    assert LIGHTFIELD.idempotent_writes
    assert LIGHTFIELD.can_range("CURRENCY")
    assert not LIGHTFIELD.can_range("TEXT")
    assert LIGHTFIELD.operators_for("MULTI_SELECT") == frozenset()
    assert LIGHTFIELD.operators_for("EMAIL") == {"contains"}
