"""Gunicorn's access log as JSON, one object a line, with the dashboard's request id."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger


class JsonAccessLogger(Logger):
    """Write each access log entry as JSON (gunicorn's format strings cannot escape quotes)."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """Log one request: method, path, status, duration, size and request id."""
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        headers = dict(resp.headers) if resp.headers else {}
        request_id = next((v for k, v in headers.items() if k.lower() == "x-request-id"), "-")
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            # The path only: query strings may carry what people searched for.
            "path": environ.get("PATH_INFO"),
            "status": resp.status_code,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
            "remote": environ.get("REMOTE_ADDR"),
            "request_id": request_id,
        }
        try:
            self.access_log.info(json.dumps(entry))
        except Exception:
            self.exception("could not write the access log")
