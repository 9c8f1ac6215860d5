"""The exception tree of the CRM service layer and the one function that builds status errors."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

from contacts_ui.crm.safety import scrub, scrub_text

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExhausted",
    "CRMError",
    "CRMResponseError",
    "ConflictError",
    "DuplicateContactError",
    "GatewayTimeoutError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResultWindowError",
    "ServiceUnavailableError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "make_status_error",
    "parse_retry_after",
]

# Lightfield keys look like "sk_lf_…"; scrub them (and any bearer token) from server-supplied
# text in case an upstream proxy echoes the request back into an error message.
_SECRET_PATTERN = re.compile(r"\bsk_[A-Za-z0-9_\-]{4,}|(?i:bearer)\s+\S+")
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "lightfield-request-id")
_MAX_TEXT_MESSAGE = 200


class CRMError(Exception):
    """Base class for every error raised by the CRM service layer."""


class InvalidRecordIdError(CRMError, ValueError):
    """Raise for an id no request can name ("", "." or ".."): no such record can be fetched.

    A CRMError, so a page that meets such an id (a related record's, say) degrades like any
    other CRM failure instead of a 500; a ValueError, as callers passing junk expect.
    """


class APIConnectionError(CRMError):
    """Raise when the API could not be reached or the connection broke mid-request."""

    def __init__(self, message: str = "Could not connect to the CRM API.") -> None:
        super().__init__(message)
        self.message = message


class APITimeoutError(APIConnectionError):
    """Raise when the API did not answer within the client's timeout."""

    def __init__(self, message: str = "The CRM API did not respond in time.") -> None:
        super().__init__(message)


class CRMResponseError(CRMError):
    """Raise when a successful response has a body we cannot parse into the expected model."""

    def __init__(self, message: str, *, status_code: int, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id


class APIStatusError(CRMError):
    """Raise for a non-success HTTP status; subclasses narrow it to one status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
        idempotency_key: str | None = None,
        body: object = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.type = type
        self.code = code
        self.param = param
        self.retry_after = retry_after
        self.request_id = request_id
        self.idempotency_key = idempotency_key
        # The decoded body, for debugging only; it is deliberately left out of str().
        self.body = body
        super().__init__(self._summary())

    def _summary(self) -> str:
        details = [
            f"{name}={value}"
            for name, value in (
                ("code", self.code),
                ("param", self.param),
                ("request_id", self.request_id),
            )
            if value
        ]
        if self.retry_after is not None:
            details.append(f"retry_after={self.retry_after:g}s")
        kind = f" {self.type}" if self.type else ""
        suffix = f" ({', '.join(details)})" if details else ""
        return f"{self.status_code}{kind}: {self.message}{suffix}"


class BadRequestError(APIStatusError):
    """Raise for 400: the request names an unknown field, lacks a parameter, etc."""


class AuthenticationError(APIStatusError):
    """Raise for 401: the API key is missing or invalid."""


class PermissionDeniedError(APIStatusError):
    """Raise for 403: the key is valid but lacks the scope for this operation."""


class NotFoundError(APIStatusError):
    """Raise for 404: the record does not exist or was deleted."""


class ConflictError(APIStatusError):
    """Raise for 409: a concurrent update or an idempotency key still in flight."""


class UnsupportedMediaTypeError(APIStatusError):
    """Raise for 415: the body was not sent as JSON (a client bug)."""


class UnprocessableEntityError(APIStatusError):
    """Raise for 422: valid JSON that breaks a business rule."""


class RateLimitError(APIStatusError):
    """Raise for 429: the organisation's rate limit is exhausted."""


class DuplicateContactError(BadRequestError):
    """Raise when the CRM refuses a create because the email or phone is already taken.

    ``existing_id`` names the contact that holds it, when the CRM said which one, so the form
    can offer it instead of a second contact.
    """

    def __init__(self, message: str, *, existing_id: str | None = None, **kwargs: Any) -> None:
        self.existing_id = existing_id
        super().__init__(message, **kwargs)


class ResultWindowError(CRMError):
    """Raise when a list page lies beyond the deepest offset the CRM can page to.

    Nothing was sent. ``max_offset`` is the window (HighLevel: 10,000 records), so the page can
    say "narrow the search to see more" instead of failing.
    """

    def __init__(self, max_offset: int) -> None:
        self.max_offset = max_offset
        self.message = (
            f"The CRM can only page through the first {max_offset:,} results; narrow the search "
            "or add filters to see the rest."
        )
        super().__init__(self.message)


class BudgetExhausted(CRMError):
    """Raise when the shared rate budget has no token for a call within its allowed wait.

    No request was sent: the dashboard held itself back so the CRM never has to refuse us.
    ``retry_after`` (seconds) lets the page say "the CRM is busy, try again in N s", like the
    attribute of the same name on ``RateLimitError``.
    """

    def __init__(self, category: str, retry_after: float, *, priority: str | None = None) -> None:
        self.category = category
        self.retry_after = max(0.0, retry_after)
        self.priority = priority
        self.message = (
            f"The CRM is busy ({category} requests); try again in "
            f"{max(1, math.ceil(self.retry_after))} s."
        )
        super().__init__(self.message)


class InternalServerError(APIStatusError):
    """Raise for any 5xx status."""


class ServiceUnavailableError(InternalServerError):
    """Raise for 503: the API is temporarily unavailable."""


class GatewayTimeoutError(InternalServerError):
    """Raise for 504: an upstream of the API timed out."""


_STATUS_CLASSES: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    415: UnsupportedMediaTypeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}


def make_status_error(
    status_code: int,
    body: bytes | str | Mapping[str, Any] | None,
    headers: Mapping[str, str] | None = None,
    *,
    idempotency_key: str | None = None,
    secrets: Iterable[str] = (),
    now: float | None = None,
) -> APIStatusError:
    """Build the exception for a non-success response, choosing its class from the status alone.

    The body may be the documented wrapped envelope (``{"error": {...}}``), the flat one the spec
    and the rate-limit docs show, or anything else (HTML from a proxy, empty); fields that cannot
    be found stay ``None``. Every string in ``secrets`` is scrubbed from the message.
    """
    if status_code in _STATUS_CLASSES:
        cls = _STATUS_CLASSES[status_code]
    elif status_code >= 500:
        cls = InternalServerError
    else:
        cls = APIStatusError

    decoded = _decode_body(body)
    envelope: Mapping[str, Any] = {}
    if isinstance(decoded, Mapping):
        inner = decoded.get("error")
        if isinstance(inner, Mapping):
            envelope = inner
        elif isinstance(inner, str) and inner.strip():
            envelope = {"message": inner}
        else:
            envelope = decoded

    message = _as_text(envelope.get("message"))
    if message is None and isinstance(decoded, str):
        message = _short_text(decoded)
    if message is None:
        message = _reason(status_code)

    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    return cls(
        _redact(message, secrets),
        status_code=status_code,
        type=_as_text(envelope.get("type")),
        code=_as_text(envelope.get("code")),
        param=_as_text(envelope.get("param")),
        retry_after=parse_retry_after(lowered, now=now),
        request_id=next((lowered[h] for h in _REQUEST_ID_HEADERS if lowered.get(h)), None),
        idempotency_key=idempotency_key,
        body=decoded,
    )


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Return the server's requested delay in seconds, or None when it gave no usable one.

    ``Retry-After-Ms`` wins over ``Retry-After``; the latter may be seconds (fractional allowed)
    or an HTTP date, which is measured against ``now`` (a Unix timestamp, default: the clock).
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    milliseconds = _finite_non_negative(lowered.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    seconds = _finite_non_negative(raw)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive parse means the zone was omitted.
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _finite_non_negative(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def _decode_body(body: bytes | str | Mapping[str, Any] | None) -> object:
    if body is None or isinstance(body, Mapping):
        return scrub(body)
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        return scrub(json.loads(text))
    except ValueError:
        return scrub_text(text)


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _short_text(text: str) -> str | None:
    # A short plain-text body ("upstream connect error") is a useful message; an HTML error page
    # from a proxy is not, so fall back to the reason phrase for those.
    collapsed = " ".join(text.split())
    if not collapsed or collapsed.startswith("<") or len(collapsed) > _MAX_TEXT_MESSAGE:
        return None
    return collapsed


def _reason(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "HTTP error"


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _SECRET_PATTERN.sub("[redacted]", text)
