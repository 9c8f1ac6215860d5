"""Run a sandbox as a standalone HTTP server: `python -m sandbox --port 8001`.

`--api lightfield` (the default) serves the Lightfield flavour; `--api highlevel` serves the
HighLevel one (`sandbox.highlevel`) with its own token, location, database file and rate limit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from sandbox import highlevel
from sandbox.app import make_app
from sandbox.config import DEFAULT_API_KEY, SandboxConfig

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
DEFAULT_DB = Path("var") / "sandbox.sqlite3"
HIGHLEVEL_DB_NAME = "highlevel-sandbox.sqlite3"
LIGHTFIELD_RATE_LIMIT = 25.0
# Options only the Lightfield flavour understands, with their "not given" values.
_LIGHTFIELD_ONLY = {"list_lag": 0.0, "wrapped_errors": False, "hostile": False}

AnyConfig = SandboxConfig | highlevel.HighLevelSandboxConfig


def serve(host: str, port: int, config: AnyConfig) -> None:
    """Serve the sandbox on a threaded server until interrupted."""
    if isinstance(config, highlevel.HighLevelSandboxConfig):
        app: object = highlevel.make_app(config)
        flavour = "HighLevel"
    else:
        app = make_app(config)
        flavour = "Lightfield"
    server = make_server(host, port, app, threaded=True)  # type: ignore[arg-type]
    # One line, flushed, so that scripts (and the conformance test) can wait for it.
    print(f"{flavour} sandbox listening on http://{host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def add_arguments(parser: argparse.ArgumentParser, *, default_db: Path = DEFAULT_DB) -> None:
    """Declare the sandbox's command-line options (shared with `manage.py sandbox`)."""
    highlevel_db = default_db.with_name(HIGHLEVEL_DB_NAME)
    parser.add_argument(
        "--api",
        choices=("lightfield", "highlevel"),
        default="lightfield",
        help="which CRM API to speak (default %(default)s)",
    )
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--api-key",
        help=f"bearer token (default {DEFAULT_API_KEY}; highlevel: {highlevel.DEFAULT_API_KEY})",
    )
    parser.add_argument(
        "--location-id",
        help=f"highlevel only: the location (default {highlevel.DEFAULT_LOCATION_ID})",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"SQLite file or :memory: (default {default_db}; highlevel: {highlevel_db})",
    )
    parser.add_argument(
        "--string-custom-values",
        action="store_true",
        help="highlevel only: custom field values as strings, as the spec's schema declares",
    )
    parser.set_defaults(default_db=default_db)
    parser.add_argument("--seed", type=int, default=SandboxConfig.seed)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument(
        "--error-rate", type=float, default=0.0, help="share of requests answered 500/503"
    )
    parser.add_argument(
        "--timeout-rate", type=float, default=0.0, help="share of requests that hang first"
    )
    parser.add_argument("--timeout-seconds", type=float, default=30.0)
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        help="lightfield: requests/second per category (default 25); "
        "highlevel: requests per 10 s (default 100); 0 = off",
    )
    parser.add_argument(
        "--list-lag", type=float, default=0.0, help="seconds before writes show in lists"
    )
    parser.add_argument(
        "--wrapped-errors", action="store_true", help='wrap error bodies as {"error": {...}}'
    )
    parser.add_argument("--reset", action="store_true", help="delete the database and re-seed")
    parser.add_argument(
        "--hostile",
        action="store_true",
        help="also seed contacts with hostile data (bad link schemes, dotted ids, edge "
        "datetimes, surrogates, markup); kept in their own database unless --db is given",
    )


def config_from_options(options: Mapping[str, Any]) -> AnyConfig:
    """Build a config from parsed options, deleting the database first when asked to reset."""
    api = options.get("api", "lightfield")
    default_db = Path(options.get("default_db") or DEFAULT_DB)
    if api == "highlevel":
        default_db = default_db.with_name(HIGHLEVEL_DB_NAME)
    elif options.get("hostile"):
        # The demo database is seeded once: the hostile set gets a file of its own.
        default_db = default_db.with_name(f"{default_db.stem}-hostile{default_db.suffix}")
    db = str(options["db"] or default_db)
    if db != ":memory:":
        path = Path(db)
        if options.get("reset"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    rate_limit = options["rate_limit"]
    if api == "highlevel":
        for name, unset in _LIGHTFIELD_ONLY.items():
            if options.get(name, unset) != unset:
                raise ValueError(f"--{name.replace('_', '-')} applies to --api lightfield only")
        return highlevel.HighLevelSandboxConfig(
            db_path=db,
            api_key=options["api_key"] or highlevel.DEFAULT_API_KEY,
            location_id=options.get("location_id") or highlevel.DEFAULT_LOCATION_ID,
            seed=options["seed"],
            latency=options["latency"],
            error_rate=options["error_rate"],
            timeout_rate=options["timeout_rate"],
            timeout_seconds=options["timeout_seconds"],
            string_custom_values=options.get("string_custom_values", False),
            rate_limit=highlevel.HighLevelSandboxConfig.rate_limit
            if rate_limit is None
            else int(rate_limit) or None,
        )
    for name in ("location_id", "string_custom_values"):
        if options.get(name):
            raise ValueError(f"--{name.replace('_', '-')} applies to --api highlevel only")
    return SandboxConfig(
        db_path=db,
        api_key=options["api_key"] or DEFAULT_API_KEY,
        seed=options["seed"],
        latency=options["latency"],
        error_rate=options["error_rate"],
        timeout_rate=options["timeout_rate"],
        timeout_seconds=options["timeout_seconds"],
        rate_limit=LIGHTFIELD_RATE_LIMIT if rate_limit is None else rate_limit or None,
        list_lag=options["list_lag"],
        wrapped_errors=options["wrapped_errors"],
        hostile=bool(options.get("hostile")),
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    prog: str = "python -m sandbox",
    default_db: Path = DEFAULT_DB,
) -> int:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    add_arguments(parser, default_db=default_db)
    options = parser.parse_args(argv)
    try:
        config = config_from_options(vars(options))
    except ValueError as exc:
        parser.error(str(exc))
    serve(options.host, options.port, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
