"""What the current request tells the CRM layer without the CRM layer knowing about Django.

The web layer sets the request id for the duration of a request; the clients read it and send it
upstream as ``X-Request-Id``, so one page view can be followed from our logs into the CRM's.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["current_request_id", "using_request_id"]

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "crm_request_id", default=None
)


@contextmanager
def using_request_id(value: str | None) -> Iterator[None]:
    """Tag the enclosed CRM calls (and log lines) with ``value``."""
    token = _request_id.set(value or None)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_request_id() -> str | None:
    """Return the id of the request being served, or None outside one."""
    return _request_id.get()
