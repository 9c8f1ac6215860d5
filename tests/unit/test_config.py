"""The typed settings object: defaults, the dev-auth safety rule, and start-up failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import respx
from prometheus_client import REGISTRY

from contacts_ui.crm.context import using_request_id
from dashboard.config import AppSettings, AuthMode, ConfigError, CRMBackend, load_settings

REPO = Path(__file__).resolve().parents[2]
CONFIG_VARS = (
    "TRUSTED_PROXIES",
    "ROLE_VIEWER_GROUPS",
    "ROLE_EDITOR_GROUPS",
    "ROLE_ADMIN_GROUPS",
    "EMBED_ALLOWED_ORIGINS",
    "FORCE_SCRIPT_NAME",
    "OIDC_ISSUER",
    "CRM_BACKEND",
    "LIGHTFIELD_API_KEY",
    "LIGHTFIELD_BASE_URL",
    "AUTH_MODE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HIGHLEVEL_TOKEN",
    "HIGHLEVEL_LOCATION_ID",
    "DEFINITIONS_CACHE_SECONDS",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in CONFIG_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "k")
    return monkeypatch


def test_the_sandbox_is_the_default_backend_with_dev_sign_in(env: pytest.MonkeyPatch) -> None:
    settings = AppSettings()
    assert settings.CRM_BACKEND is CRMBackend.SANDBOX
    assert settings.AUTH_MODE is AuthMode.DEV


def test_the_highlevel_sandbox_signs_everyone_in_as_the_demo_user(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("CRM_BACKEND", "highlevel-sandbox")
    settings = AppSettings()
    assert settings.CRM_BACKEND is CRMBackend.HIGHLEVEL_SANDBOX
    assert settings.AUTH_MODE is AuthMode.DEV


def test_dev_sign_in_is_allowed_with_the_highlevel_sandbox(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "highlevel-sandbox")
    env.setenv("AUTH_MODE", "dev")
    assert load_settings().AUTH_MODE is AuthMode.DEV


def test_dev_sign_in_is_refused_in_front_of_the_real_highlevel(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "highlevel")
    env.setenv("HIGHLEVEL_TOKEN", "pit-real")
    env.setenv("HIGHLEVEL_LOCATION_ID", "loc")
    env.setenv("AUTH_MODE", "dev")
    with pytest.raises(ConfigError, match="AUTH_MODE=dev"):
        load_settings()


def test_the_highlevel_backend_builds_a_highlevel_client_for_its_location(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from contacts_ui.crm.highlevel import HighLevelClient
    from contacts_ui.services.backend import build_crm

    env.setenv("CRM_BACKEND", "highlevel")
    env.setenv("HIGHLEVEL_TOKEN", "pit-real")
    env.setenv("HIGHLEVEL_LOCATION_ID", "loc123")
    env.setenv("TRUSTED_PROXIES", "10.0.0.5/32")
    env.setenv("BUDGET_DIR", str(tmp_path / "budget"))
    crm = build_crm(load_settings())
    try:
        assert isinstance(crm, HighLevelClient)
        assert crm.location_id == "loc123"
        assert crm.capabilities.label == "HighLevel"
    finally:
        crm.close()


def test_the_highlevel_sandbox_backend_embeds_the_sandbox_in_process(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from contacts_ui.crm.highlevel import HighLevelClient
    from contacts_ui.services.backend import build_crm

    env.setenv("CRM_BACKEND", "highlevel-sandbox")
    env.setenv("HIGHLEVEL_SANDBOX_DB_PATH", str(tmp_path / "var" / "highlevel.sqlite3"))
    crm = build_crm(load_settings())
    try:
        assert isinstance(crm, HighLevelClient)
        assert crm.list_contacts(limit=1).total_count >= 2000
        assert (tmp_path / "var" / "highlevel.sqlite3").exists()
    finally:
        crm.close()


def _upstream_calls(backend: str, category: str, status: str) -> float:
    labels = {"backend": backend, "category": category, "status": status}
    return REGISTRY.get_sample_value("dashboard_crm_calls_total", labels) or 0.0


def test_the_highlevel_backend_reports_its_calls_to_the_metrics_with_the_request_id(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from contacts_ui.services.backend import build_crm

    env.setenv("CRM_BACKEND", "highlevel")
    env.setenv("HIGHLEVEL_TOKEN", "pit-real")
    env.setenv("HIGHLEVEL_LOCATION_ID", "loc123")
    env.setenv("HIGHLEVEL_BASE_URL", "https://highlevel.example.test")
    env.setenv("TRUSTED_PROXIES", "10.0.0.5/32")
    env.setenv("BUDGET_DIR", str(tmp_path / "budget"))
    before = _upstream_calls("highlevel", "read", "200")
    crm = build_crm(load_settings())
    try:
        with respx.mock(base_url="https://highlevel.example.test") as highlevel:
            route = highlevel.get("/locations/loc123").mock(
                return_value=httpx.Response(200, json={"location": {"id": "loc123"}})
            )
            with using_request_id("req-0123456789"):
                crm.validate_auth()
    finally:
        crm.close()
    assert _upstream_calls("highlevel", "read", "200") == before + 1
    assert route.calls[0].request.headers["X-Request-Id"] == "req-0123456789"


def test_the_highlevel_sandbox_backend_reports_its_calls_to_the_metrics(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from contacts_ui.services.backend import build_crm

    env.setenv("CRM_BACKEND", "highlevel-sandbox")
    env.setenv("HIGHLEVEL_SANDBOX_DB_PATH", str(tmp_path / "var" / "highlevel.sqlite3"))
    before = _upstream_calls("highlevel-sandbox", "search", "200")
    crm = build_crm(load_settings())
    try:
        crm.list_contacts(limit=1)
    finally:
        crm.close()
    assert _upstream_calls("highlevel-sandbox", "search", "200") == before + 1


def test_dev_sign_in_is_refused_in_front_of_the_real_crm(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "lightfield")
    env.setenv("LIGHTFIELD_API_KEY", "sk_lf_real")
    env.setenv("AUTH_MODE", "dev")
    with pytest.raises(ConfigError, match="AUTH_MODE=dev"):
        load_settings()


def test_dev_sign_in_is_allowed_against_a_crm_on_a_loopback_address(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("CRM_BACKEND", "lightfield")
    env.setenv("LIGHTFIELD_API_KEY", "sk_sandbox_demo")
    env.setenv("LIGHTFIELD_BASE_URL", "http://127.0.0.1:8001")
    env.setenv("AUTH_MODE", "dev")
    assert load_settings().AUTH_MODE is AuthMode.DEV


def test_dev_sign_in_is_allowed_with_debug_on(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "lightfield")
    env.setenv("LIGHTFIELD_API_KEY", "sk_lf_real")
    env.setenv("AUTH_MODE", "dev")
    env.setenv("DEBUG", "true")
    assert load_settings().AUTH_MODE is AuthMode.DEV


def test_a_lookalike_loopback_hostname_does_not_count_as_loopback(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "lightfield")
    env.setenv("LIGHTFIELD_API_KEY", "sk_lf_real")
    env.setenv("LIGHTFIELD_BASE_URL", "http://127.0.0.1.evil.example")
    env.setenv("AUTH_MODE", "dev")
    with pytest.raises(ConfigError, match="AUTH_MODE=dev"):
        load_settings()


def test_the_lightfield_backend_needs_a_key(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "lightfield")
    with pytest.raises(ConfigError, match="LIGHTFIELD_API_KEY"):
        load_settings()


def test_an_unknown_backend_is_named_in_the_error(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "salesforce")
    with pytest.raises(ConfigError, match="CRM_BACKEND"):
        load_settings()


def test_a_base_url_that_is_not_http_is_named_in_the_error(env: pytest.MonkeyPatch) -> None:
    env.setenv("LIGHTFIELD_BASE_URL", "ftp://example.com")
    with pytest.raises(ConfigError, match="LIGHTFIELD_BASE_URL"):
        load_settings()


def test_production_needs_a_secret_key(env: pytest.MonkeyPatch) -> None:
    env.delenv("SECRET_KEY")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings()


def test_allowed_hosts_are_read_as_a_comma_list(env: pytest.MonkeyPatch) -> None:
    env.setenv("ALLOWED_HOSTS", "contacts.example.com, intranet.example.com")
    assert AppSettings().ALLOWED_HOSTS == ["contacts.example.com", "intranet.example.com"]


def test_the_api_key_is_not_in_the_settings_repr(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRM_BACKEND", "lightfield")
    env.setenv("LIGHTFIELD_API_KEY", "sk_lf_topsecret")
    env.setenv("AUTH_MODE", "header")
    env.setenv("TRUSTED_PROXIES", "10.0.0.5/32")
    assert "sk_lf_topsecret" not in repr(load_settings())


def test_a_bad_environment_stops_manage_py_with_the_variable_named() -> None:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env |= {"DJANGO_SETTINGS_MODULE": "dashboard.settings", "CRM_BACKEND": "nope", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "CRM_BACKEND" in result.stderr
    assert "Traceback" not in result.stderr


def test_header_sign_in_needs_the_proxies_it_trusts(env: pytest.MonkeyPatch) -> None:
    env.setenv("AUTH_MODE", "header")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_settings()


def test_trusted_proxies_are_read_as_networks(env: pytest.MonkeyPatch) -> None:
    env.setenv("AUTH_MODE", "header")
    env.setenv("TRUSTED_PROXIES", "127.0.0.1/32, 10.1.0.0/16")
    assert [str(n) for n in load_settings().TRUSTED_PROXIES] == ["127.0.0.1/32", "10.1.0.0/16"]


def test_a_bad_proxy_network_is_named(env: pytest.MonkeyPatch) -> None:
    env.setenv("TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_settings()


def test_embed_origins_must_be_origins(env: pytest.MonkeyPatch) -> None:
    env.setenv("EMBED_ALLOWED_ORIGINS", "https://intranet.example.com/portal")
    with pytest.raises(ConfigError, match="EMBED_ALLOWED_ORIGINS"):
        load_settings()


def test_oidc_needs_its_provider_and_client(env: pytest.MonkeyPatch) -> None:
    env.setenv("AUTH_MODE", "oidc")
    with pytest.raises(ConfigError, match="OIDC_ISSUER"):
        load_settings()
