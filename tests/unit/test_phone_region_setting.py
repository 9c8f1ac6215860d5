"""PHONE_DEFAULT_REGION: the region phone numbers without a country code are read in."""

from __future__ import annotations

import pytest

from dashboard.config import AppSettings, ConfigError, load_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("CRM_BACKEND", "AUTH_MODE", "DEBUG", "PHONE_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "k")
    return monkeypatch


def test_the_default_phone_region_is_us(env: pytest.MonkeyPatch) -> None:
    assert AppSettings().PHONE_DEFAULT_REGION == "US"


def test_a_lower_case_region_is_accepted_and_upper_cased(env: pytest.MonkeyPatch) -> None:
    env.setenv("PHONE_DEFAULT_REGION", "de")
    assert AppSettings().PHONE_DEFAULT_REGION == "DE"


@pytest.mark.parametrize("region", ["Germany", "ZZ", "1"])
def test_an_unknown_phone_region_stops_start_up_naming_the_variable(
    env: pytest.MonkeyPatch, region: str
) -> None:
    env.setenv("PHONE_DEFAULT_REGION", region)
    with pytest.raises(ConfigError, match="PHONE_DEFAULT_REGION"):
        load_settings()
