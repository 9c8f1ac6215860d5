"""`make run` from a fresh clone: the dashboard's own database needs no folder made by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_migrate_works_in_a_checkout_without_a_var_folder(tmp_path: Path) -> None:
    checkout = tmp_path / "clone"
    checkout.mkdir()
    for name in ("manage.py", "dashboard", "contacts_ui", "sandbox", "templates", "static"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, checkout / name)
    assert not (checkout / "var").exists()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SANDBOX_DB_PATH"}}
    env |= {"DJANGO_SETTINGS_MODULE": "dashboard.settings", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (checkout / "var" / "dashboard.sqlite3").is_file()
