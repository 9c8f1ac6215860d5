"""The HighLevel sandbox as a WSGI application speaking the LeadConnector contacts API v2.

Request pipeline, in order: route → bearer token (401) → `Version: 2021-07-28` (400) → burst
and daily rate limit (429) → unknown route (404) → JSON body (400) → fault knobs (latency,
hang, 500/503) → handler. Every write holds the store's transaction, so the app is thread-safe.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sandbox.app import RequestLog
from sandbox.faults import Faults
from sandbox.highlevel import errors
from sandbox.highlevel.config import API_VERSION, BURST_WINDOW_SECONDS, HighLevelSandboxConfig
from sandbox.highlevel.contacts import ContactHandlers
from sandbox.highlevel.errors import HighLevelError
from sandbox.highlevel.ratelimit import BurstLimiter
from sandbox.highlevel.seed import build_location
from sandbox.highlevel.store import HighLevelStore
from sandbox.records import to_json

logger = logging.getLogger(__name__)

URL_MAP = Map(
    [
        Rule("/contacts/", endpoint="create", methods=["POST"]),
        Rule("/contacts/search", endpoint="search", methods=["POST"]),
        Rule("/contacts/search/duplicate", endpoint="duplicate", methods=["GET"]),
        Rule("/contacts/<contact_id>", endpoint="get", methods=["GET"]),
        Rule("/contacts/<contact_id>", endpoint="update", methods=["PUT"]),
        Rule("/contacts/<contact_id>", endpoint="delete", methods=["DELETE"]),
        Rule("/contacts/<contact_id>/tags", endpoint="add_tags", methods=["POST"]),
        Rule("/contacts/<contact_id>/tags", endpoint="remove_tags", methods=["DELETE"]),
        Rule("/contacts/<contact_id>/followers", endpoint="add_followers", methods=["POST"]),
        Rule("/contacts/<contact_id>/followers", endpoint="remove_followers", methods=["DELETE"]),
        Rule("/locations/<location_id>", endpoint="location", methods=["GET"]),
        Rule("/locations/<location_id>/customFields", endpoint="custom_fields", methods=["GET"]),
        Rule(
            "/locations/<location_id>/customFields/<field_id>",
            endpoint="custom_field",
            methods=["GET"],
        ),
        Rule("/locations/<location_id>/tags", endpoint="location_tags", methods=["GET"]),
        Rule("/users/", endpoint="users", methods=["GET"]),
    ],
    strict_slashes=False,
)
_MODELS = ("contact", "opportunity", "all")


class HighLevelSandboxApp:
    """Serve the HighLevel-compatible API over WSGI."""

    def __init__(self, config: HighLevelSandboxConfig) -> None:
        self.config = config
        self.store = HighLevelStore(
            config.db_path,
            seed=lambda: build_location(config.seed, config.location_id),
            clock=config.clock,
        )
        self.request_log = RequestLog()
        self._limiter = (
            BurstLimiter(config.rate_limit, config.daily_limit, BURST_WINDOW_SECONDS, config.clock)
            if config.rate_limit
            else None
        )
        self._faults = Faults(config, errors.server_error)
        self.contacts = ContactHandlers(self.store, config)
        self._handlers: dict[str, Callable[..., tuple[int, Any]]] = {
            "create": self.contacts.create,
            "search": self.contacts.search,
            "duplicate": self.contacts.duplicate,
            "get": self.contacts.get,
            "update": self.contacts.update,
            "delete": self.contacts.delete,
            "add_tags": self.contacts.add_tags,
            "remove_tags": self.contacts.remove_tags,
            "add_followers": self.contacts.add_followers,
            "remove_followers": self.contacts.remove_followers,
            "location": self._location,
            "custom_fields": self._custom_fields,
            "custom_field": self._custom_field,
            "location_tags": self._location_tags,
            "users": self._users,
        }

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = self.handle(Request(environ))
        return response(environ, start_response)

    def close(self) -> None:
        """Release the database connection (the data stays on disk)."""
        self.store.close()

    # -- pipeline ----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one request; every failure becomes a HighLevel error body."""
        self.request_log.record(
            request.method, request.path, request.query_string.decode("latin-1")
        )
        headers: dict[str, str] = {}
        try:
            self._authenticate(request)
            self._check_version(request)
            if self._limiter is not None:
                headers = self._limiter.take()
            endpoint, args = self._route(request)
            body = _parse_json(request) if request.method in ("POST", "PUT", "DELETE") else None
            self._faults.apply()
            status, payload = self._handlers[endpoint](request=request, body=body, **args)
            return self._json(status, payload, headers)
        except HighLevelError as exc:
            if not headers and self._limiter is not None:
                headers = self._limiter.peek()
            return self._json(exc.status, exc.body(), headers | exc.headers)
        except Exception:
            # A bug must still answer in HighLevel's shape, so clients see a retryable 500.
            logger.exception("sandbox failed on %s %s", request.method, request.path)
            return self._json(500, {"statusCode": 500, "message": "Internal server error"}, headers)

    def _route(self, request: Request) -> tuple[str, dict[str, Any]]:
        adapter = URL_MAP.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException:
            # Unknown paths, unsupported methods and slash redirects all answer 404.
            raise errors.not_found(f"Cannot {request.method} {request.path}") from None
        return str(endpoint), dict(args)

    def _authenticate(self, request: Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.config.api_key.encode()
        ):
            raise errors.unauthorized()

    def _check_version(self, request: Request) -> None:
        version = request.headers.get("Version")
        if version is None:
            raise errors.bad_request("Version header was not found")
        if version.strip() != API_VERSION:
            raise errors.bad_request(f"Version header is invalid; this API expects {API_VERSION}")

    def _json(self, status: int, payload: Any, headers: dict[str, str]) -> Response:
        response = Response(to_json(payload), status, mimetype="application/json")
        response.headers.update(headers)
        return response

    # -- location, users ---------------------------------------------------------------------

    def _own_location(self, location_id: str | None) -> None:
        if not location_id:
            raise errors.unprocessable("locationId should not be empty")
        if location_id != self.config.location_id:
            raise errors.forbidden()

    def _location(self, location_id: str, **_: Any) -> tuple[int, Any]:
        self._own_location(location_id)
        return 200, {"location": self.store.location}

    def _custom_fields(self, location_id: str, request: Request, **_: Any) -> tuple[int, Any]:
        self._own_location(location_id)
        model = request.args.get("model", "all")
        if model not in _MODELS:
            raise errors.unprocessable(
                f"model must be one of the following values: {', '.join(_MODELS)}"
            )
        fields = [d for d in self.store.custom_fields if model in ("all", d["model"])]
        return 200, {"customFields": fields}

    def _custom_field(self, location_id: str, field_id: str, **_: Any) -> tuple[int, Any]:
        self._own_location(location_id)
        for definition in self.store.custom_fields:
            if definition["id"] == field_id:
                return 200, {"customField": definition}
        raise errors.not_found(f"Custom field {field_id} not found")

    def _location_tags(self, location_id: str, **_: Any) -> tuple[int, Any]:
        self._own_location(location_id)
        return 200, {"tags": self.store.tags()}

    def _users(self, request: Request, **_: Any) -> tuple[int, Any]:
        self._own_location(request.args.get("locationId"))
        return 200, {"users": self.store.users}


def _parse_json(request: Request) -> Any:
    data = request.get_data()
    if not data.strip():
        return {}

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(data, parse_constant=reject_constant)
    except (ValueError, RecursionError):
        raise errors.bad_request("Unexpected token in JSON body") from None


def make_app(config: HighLevelSandboxConfig) -> HighLevelSandboxApp:
    """Build a HighLevel sandbox for `config`, seeding its database if it is empty."""
    return HighLevelSandboxApp(config)
