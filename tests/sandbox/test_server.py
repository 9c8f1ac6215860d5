"""The standalone server's options, shared by `python -m sandbox` and `manage.py sandbox`."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from sandbox.app import SandboxApp
from sandbox.config import SandboxConfig
from sandbox.server import add_arguments, config_from_options
from tests.sandbox.helpers import client_for


def parse(*argv: str, default_db: Path = Path("var/sandbox.sqlite3")) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    add_arguments(parser, default_db=default_db)
    return vars(parser.parse_args(argv))


def test_defaults_describe_a_well_behaved_sandbox_on_port_8001(tmp_path: Path) -> None:
    options = parse(default_db=tmp_path / "var" / "sandbox.sqlite3")
    config = config_from_options(options)
    assert isinstance(config, SandboxConfig)
    assert (options["host"], options["port"], config.api_key) == (
        "127.0.0.1",
        8001,
        "sk_sandbox_demo",
    )
    assert config.rate_limit == 25.0
    assert Path(config.db_path) == tmp_path / "var" / "sandbox.sqlite3"


def test_knobs_reach_the_config(tmp_path: Path) -> None:
    options = parse(
        "--db",
        str(tmp_path / "s.sqlite3"),
        "--latency",
        "0.2",
        "--error-rate",
        "0.1",
        "--timeout-rate",
        "0.05",
        "--timeout-seconds",
        "9",
        "--list-lag",
        "2",
        "--wrapped-errors",
        "--api-key",
        "sk_other",
    )
    config = config_from_options(options)
    assert (
        config.latency,
        config.error_rate,
        config.timeout_rate,
        config.timeout_seconds,
        config.list_lag,
        config.wrapped_errors,
        config.api_key,
    ) == (0.2, 0.1, 0.05, 9.0, 2.0, True, "sk_other")


def test_rate_limit_zero_switches_limiting_off(tmp_path: Path) -> None:
    config = config_from_options(parse("--db", str(tmp_path / "s.sqlite3"), "--rate-limit", "0"))
    assert config.rate_limit is None


def test_the_database_directory_is_created(tmp_path: Path) -> None:
    config_from_options(parse("--db", str(tmp_path / "var" / "sandbox.sqlite3")))
    assert (tmp_path / "var").is_dir()


def test_reset_deletes_the_database_and_its_journal(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").write_text("old")
    config_from_options(parse("--db", str(db), "--reset"))
    assert list(tmp_path.iterdir()) == []


def test_without_reset_the_database_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    db.write_text("old")
    config_from_options(parse("--db", str(db)))
    assert db.read_text() == "old"


def test_concurrent_requests_from_many_threads_are_all_answered(app: SandboxApp) -> None:
    statuses: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        with client_for(app) as http:
            for i in range(10):
                if i % 2:
                    response = http.post("/v1/contacts", json={"fields": {"lead-score": n}})
                else:
                    response = http.get("/v1/contacts", params={"$name[startsWith]": "a"})
                with lock:
                    statuses.append(response.status_code)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 80
    with client_for(app) as http:
        assert http.get("/v1/contacts").json()["totalCount"] == 2143 + 40


def test_manage_py_sandbox_needs_no_dashboard_settings_and_keeps_its_data_under_var() -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [sys.executable, "manage.py", "sandbox", "--help"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python manage.py sandbox" in result.stdout
    assert str(repo / "var" / "sandbox.sqlite3") in "".join(result.stdout.split())
