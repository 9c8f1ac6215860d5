#!/usr/bin/env python
"""Run Django's command line for the contacts dashboard."""

import os
import sys
from pathlib import Path


def main() -> None:
    if sys.argv[1:2] == ["sandbox"]:
        # The sandbox is a program of its own that needs none of the dashboard's settings (no
        # SECRET_KEY, no database), so it starts without loading Django at all.
        from sandbox.server import main as sandbox_main

        repo = Path(__file__).resolve().parent
        sys.exit(
            sandbox_main(
                sys.argv[2:],
                prog="python manage.py sandbox",
                default_db=repo / "var" / "sandbox.sqlite3",
            )
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
