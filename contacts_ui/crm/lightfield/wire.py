"""The Lightfield client's wire helpers: transports, paths, retry rules, errors, parsing."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final, TypeVar
from urllib.parse import quote

import httpx
import pydantic_core
from pydantic import BaseModel, ValidationError

from contacts_ui.crm.calls import (
    DEFAULT_LIMITS,
)
from contacts_ui.crm.errors import (
    APIConnectionError,
    APITimeoutError,
    CRMResponseError,
    InvalidRecordIdError,
)
from contacts_ui.crm.lightfield.constants import (
    IDEMPOTENCY_KEY_MAX,
    LOGGER_NAME,
)
from contacts_ui.crm.models import (
    Page,
    Record,
)
from contacts_ui.crm.safety import scrub

__all__ = [
    "MAX_MEMBER_PAGES",
    "SEEN_RECORDS",
    "SeenRecords",
    "check_idempotency_key",
    "connection_error",
    "contract_error",
    "decode",
    "default_transport",
    "float_or_none",
    "int_or_none",
    "is_json_error",
    "item_path",
    "parse",
    "parse_page",
    "should_retry",
]

logger = logging.getLogger(LOGGER_NAME)

# Stainless policy: these may succeed on a second try; everything else is the caller's problem.
_RETRYABLE_STATUSES = frozenset({408, 409, 429})

_ModelT = TypeVar("_ModelT", bound=BaseModel)

MAX_MEMBER_PAGES: Final = 40


def default_transport(wsgi_app: Callable[..., Any] | None) -> httpx.BaseTransport:
    """Return an in-process transport to a WSGI app (the embedded sandbox) or a pooled one."""
    if wsgi_app is not None:
        return httpx.WSGITransport(app=wsgi_app)
    return httpx.HTTPTransport(limits=DEFAULT_LIMITS, retries=0)


def item_path(collection: str, id: str) -> str:
    """Return ``collection/<id>`` with the id encoded so it can never change the path."""
    # quote() leaves "." alone and httpx collapses dot segments, so ".." would climb a level.
    if not id or id in {".", ".."}:
        raise InvalidRecordIdError(f"Invalid record id {id!r}.")
    return f"{collection}/{quote(id, safe='')}"


def check_idempotency_key(key: str) -> None:
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not (key.isascii() and key.isprintable()):
        raise ValueError(
            f"Idempotency keys must be 1-{IDEMPOTENCY_KEY_MAX} printable ASCII characters."
        )


def should_retry(response: httpx.Response) -> bool:
    override = str(response.headers.get("x-should-retry", "")).strip().lower()
    if override in {"true", "false"}:
        return override == "true"
    return bool(response.status_code in _RETRYABLE_STATUSES or response.status_code >= 500)


def connection_error(exc: httpx.RequestError, method: str, path: str) -> APIConnectionError:
    # Name the httpx class, not str(exc): its text is not ours to vet for what it may contain.
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"The CRM API did not respond in time ({method} {path}).")
    return APIConnectionError(
        f"Could not reach the CRM API ({method} {path}: {type(exc).__name__})."
    )


# Records of list pages kept with the item they were validated from: ~20 pages of 25.
SEEN_RECORDS: Final = 512


class SeenRecords:
    """Remember the last Record validated for each id, with the raw item it came from.

    A list page mostly repeats records it showed before. Validating one builds ~20 models; an
    item equal to the one a Record was validated from yields an equal Record (validation is a
    pure function of its input), so the kept one is returned instead. Equality of the raw
    items is the whole test: nothing is assumed about ``updatedAt``.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[dict[str, Any], Record]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, item: object) -> Record | None:
        """Return the Record validated from an item equal to ``item``, if one is kept."""
        record_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(record_id, str):
            return None
        with self._lock:
            entry = self._entries.get(record_id)
            if entry is not None:
                self._entries.move_to_end(record_id)
        if entry is None or entry[0] != item:
            return None
        return entry[1]

    def put(self, item: dict[str, Any], record: Record) -> None:
        """Keep ``record`` as validated from ``item``."""
        with self._lock:
            self._entries[record.id] = (item, record)
            self._entries.move_to_end(record.id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


def parse_page(response: httpx.Response, seen: SeenRecords) -> Page:
    """Return a list response as a Page, validating only records not seen exactly like this.

    Anything out of the ordinary (a body pydantic-core's reader refuses, a payload that is not
    a page, a record that fails validation) goes to ``parse``, the one place that decides
    what a body means and how a broken one is reported.
    """
    try:
        payload = pydantic_core.from_json(response.content)
    except ValueError:
        return parse(Page, response)
    items = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        return parse(Page, response)
    records = []
    try:
        for item in items:
            record = seen.get(item)
            if record is None:
                record = Record.model_validate(item)
                if isinstance(item, dict):
                    seen.put(item, record)
            records.append(record)
        # Record instances pass through as they are (pydantic does not revalidate them).
        return Page.model_validate({**payload, "data": records})
    except ValidationError:
        return parse(Page, response)


def parse(model: type[_ModelT], response: httpx.Response) -> _ModelT:
    """Return the response body validated as ``model``, or raise CRMResponseError.

    The one place a body becomes a model. Nearly every body goes from bytes to model inside
    pydantic-core (no Python dicts in between, ~5x cheaper than json + model_validate); what
    its strict JSON reader refuses (such as a lone surrogate escape, which the stdlib reads)
    takes the slower path through ``decode``, so both readers agree on what is JSON.
    """
    request_id = response.headers.get("x-request-id")
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        if not is_json_error(exc):
            raise contract_error(model, response, exc, request_id) from exc
    payload = decode(response, request_id)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise contract_error(model, response, exc, request_id) from exc


def is_json_error(exc: ValidationError) -> bool:
    return any(error["type"] == "json_invalid" for error in exc.errors())


def decode(response: httpx.Response, request_id: str | None) -> Any:
    """Read a body the fast path refused with the stdlib, or raise CRMResponseError."""
    try:
        # Clean strings before validation, so nothing downstream ever holds a lone surrogate
        # (the fast path never sees one: pydantic-core's reader refuses them).
        return scrub(response.json())
    except ValueError as exc:
        raise CRMResponseError(
            f"The CRM API answered {response.status_code} with a body that is not JSON.",
            status_code=response.status_code,
            request_id=request_id,
        ) from exc


def contract_error(
    model: type[BaseModel],
    response: httpx.Response,
    exc: ValidationError,
    request_id: str | None,
) -> CRMResponseError:
    # Report where the payload broke the contract, never the values (they may be PII).
    where = ", ".join(".".join(map(str, e["loc"])) or "body" for e in exc.errors()[:3])
    return CRMResponseError(
        f"The CRM API answered {response.status_code} with an unexpected "
        f"{model.__name__} payload (at {where}).",
        status_code=response.status_code,
        request_id=request_id,
    )


def int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def float_or_none(raw: str | None) -> float | None:
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None
