"""Lightfield error bodies, and the one exception that carries them through the sandbox.

The OpenAPI spec declares flat bodies (`{"type", "message", "code"?, "param"?}`) while the prose
docs wrap them as `{"error": {...}}`; the sandbox answers flat by default and wraps on request
(`SandboxConfig.wrapped_errors`) so clients can be tested against both readings.
"""

from __future__ import annotations

from typing import Any

# One `type` per status, as in the spec's error schemas.
ERROR_TYPES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    415: "unsupported_media_type",
    422: "unprocessable_content",
    429: "too_many_requests",
    500: "internal_server_error",
    503: "service_unavailable",
    504: "gateway_timeout",
}

# Codes Lightfield documents, plus the ones the sandbox had to choose where the docs are silent
# (marked "sandbox").
UNKNOWN_FIELD = "unknown_field"
UNKNOWN_RELATIONSHIP = "unknown_relationship"
RELATIONSHIP_ENTITY_MISSING = "relationship_entity_missing"
RELATIONSHIP_WRITE_LIMIT_EXCEEDED = "relationship_write_limit_exceeded"
INVALID_TYPE = "invalid_type"
PARAMETER_MISSING = "parameter_missing"
IDEMPOTENCY_KEY_TOO_LONG = "idempotency_key_too_long"
VERSION_HEADER = "version_header"
UNKNOWN_PARAMETER = "unknown_parameter"  # sandbox: extra top-level body key
READ_ONLY_FIELD = "read_only_field"  # sandbox: write to a readOnly field
READ_ONLY_RELATIONSHIP = "read_only_relationship"  # sandbox: write to a read-only relationship
RELATIONSHIP_REQUIRED = "relationship_required"  # sandbox: clearing a required has_one
DUPLICATE_VALUE = "duplicate_value"  # sandbox: value already used in a `unique` field (422)
INVALID_FILTER = "invalid_filter"  # sandbox: operator not allowed for the field's type


class ApiError(Exception):
    """Abort a request with a Lightfield error response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.headers = headers or {}

    def body(self, *, wrapped: bool = False) -> dict[str, Any]:
        """Return the JSON body for this error, flat as in the spec or wrapped as in the docs."""
        error: dict[str, Any] = {"type": ERROR_TYPES[self.status], "message": self.message}
        if self.code is not None:
            error["code"] = self.code
        if self.param is not None:
            error["param"] = self.param
        return {"error": error} if wrapped else error


def bad_request(message: str, *, code: str, param: str | None = None) -> ApiError:
    """Build a 400; the spec makes `code` mandatory on these."""
    return ApiError(400, message, code=code, param=param)


def not_found(message: str = "Not Found") -> ApiError:
    """Build a 404 for an unknown route or id."""
    return ApiError(404, message)
