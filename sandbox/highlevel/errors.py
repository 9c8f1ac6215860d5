"""HighLevel's error bodies, and the one exception that carries them through the sandbox.

HighLevel is a NestJS service: validation failures are `422` with `message` as a list of
class-validator sentences and an `error` reason phrase; most other errors carry `message` as a
single string (the spec's `BadRequestDTO`, `UnauthorizedDTO`, `UnprocessableDTO`).
"""

from __future__ import annotations

from typing import Any

REASONS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class HighLevelError(Exception):
    """Abort a request with a HighLevel error response."""

    def __init__(
        self,
        status: int,
        message: str | list[str],
        *,
        error: str | None = None,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message if isinstance(message, str) else "; ".join(message))
        self.status = status
        self.message = message
        self.error = error
        self.meta = meta
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """Return the JSON body: `{statusCode, message, error?, meta?}`."""
        body: dict[str, Any] = {"statusCode": self.status, "message": self.message}
        if self.error is not None:
            body["error"] = self.error
        if self.meta is not None:
            body["meta"] = self.meta
        return body


def bad_request(message: str, *, meta: dict[str, Any] | None = None) -> HighLevelError:
    """Build a 400 with a string message, as the spec's BadRequestDTO declares."""
    return HighLevelError(400, message, meta=meta)


def unprocessable(*messages: str) -> HighLevelError:
    """Build a 422 whose message is a list, as class-validator reports it."""
    return HighLevelError(422, list(messages), error=REASONS[422])


def unauthorized(message: str = "Invalid token: access token is invalid") -> HighLevelError:
    """Build a 401 in the spec's UnauthorizedDTO shape."""
    return HighLevelError(401, message, error=REASONS[401])


def forbidden() -> HighLevelError:
    """Build the 403 for a location the token cannot reach."""
    return HighLevelError(
        403, "The token does not have access to this location.", error=REASONS[403]
    )


def not_found(message: str) -> HighLevelError:
    """Build a 404 for an unknown route or id."""
    return HighLevelError(404, message, error=REASONS[404])


def server_error(status: int, message: str) -> HighLevelError:
    """Build a 5xx (used by the shared fault knobs)."""
    return HighLevelError(status, message, error=REASONS.get(status))
