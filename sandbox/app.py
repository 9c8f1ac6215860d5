"""The sandbox as a WSGI application speaking Lightfield's REST contract.

Request pipeline, in order: route → bearer auth (401) → version header (400) → rate limit (429)
→ for writes: JSON content type (415), Idempotency-Key length (400), JSON body (400), key claim
(replay / 409) → fault knobs (latency, hang, 500/503) → handler.

The app is thread-safe: the store serialises access behind its lock, and every other piece of
shared state (rate buckets, fault RNG, request log) has its own.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sandbox import errors
from sandbox.config import API_VERSION, SandboxConfig
from sandbox.definitions import MEMBER_TYPE, SCHEMAS_BY_COLLECTION, ObjectSchema
from sandbox.errors import ApiError
from sandbox.faults import Faults
from sandbox.filters import FoldCache, apply_filters, parse_filters
from sandbox.hostile import with_hostile
from sandbox.idempotency import HEADER as IDEMPOTENCY_HEADER
from sandbox.idempotency import IdempotencyKeys, check_key
from sandbox.ratelimit import Category, RateLimiter
from sandbox.records import Record, Renderer, to_json
from sandbox.seed import build_workspace
from sandbox.stats import PATH as STATS_PATH
from sandbox.stats import TrafficStats
from sandbox.store import Store
from sandbox.writes import plan_create, plan_update

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 25
MAX_LIMIT = 25
_INTEGER = re.compile(r"^[+-]?\d+$")
# Larger than any offset or limit can usefully be; longer digit strings are read as this, which
# also keeps int() away from Python's limit on converting very long digit strings.
_HUGE = 10**18

_COLLECTIONS = "any(" + ", ".join(SCHEMAS_BY_COLLECTION) + ")"
URL_MAP = Map(
    [
        Rule("/v1/auth/validate", endpoint="auth_validate", methods=["GET"]),
        Rule("/v1/members", endpoint="member_list", methods=["GET"]),
        Rule("/v1/members/<id>", endpoint="member_retrieve", methods=["GET"]),
        Rule(
            f"/v1/<{_COLLECTIONS}:collection>/definitions", endpoint="definitions", methods=["GET"]
        ),
        Rule(f"/v1/<{_COLLECTIONS}:collection>", endpoint="list", methods=["GET"]),
        Rule(f"/v1/<{_COLLECTIONS}:collection>", endpoint="create", methods=["POST"]),
        Rule(f"/v1/<{_COLLECTIONS}:collection>/<id>", endpoint="retrieve", methods=["GET"]),
        Rule(f"/v1/<{_COLLECTIONS}:collection>/<id>", endpoint="update", methods=["POST"]),
    ],
    strict_slashes=False,
)

CATEGORIES: dict[str, Category] = {
    "auth_validate": Category.READ,
    "definitions": Category.READ,
    "retrieve": Category.READ,
    "member_retrieve": Category.READ,
    "list": Category.SEARCH,
    "member_list": Category.SEARCH,
    "create": Category.WRITE,
    "update": Category.WRITE,
}
WRITES = frozenset({"create", "update"})


class RequestLog(list[tuple[str, str, str]]):
    """List (method, path, query string) of every request, so tests can count upstream calls.

    A plain list (compare it, slice it, `len()` it); appends are atomic under the GIL, so
    threaded servers can share it.
    """

    def record(self, method: str, path: str, query: str) -> None:
        """Append one request."""
        self.append((method, path, query))

    def reset(self) -> None:
        """Forget every request recorded so far."""
        self.clear()

    @property
    def entries(self) -> list[tuple[str, str, str]]:
        """Return a snapshot of the log as a plain list."""
        return list(self)

    def matching(
        self, method: str | None = None, path: str | None = None
    ) -> list[tuple[str, str, str]]:
        """Return the requests with this method and/or path."""
        return [
            entry
            for entry in list(self)
            if (method is None or entry[0] == method) and (path is None or entry[1] == path)
        ]


def _wsgi_path(environ: dict[str, Any]) -> dict[str, Any]:
    """Return ``environ`` with PATH_INFO as WSGI wants it: UTF-8 bytes spelled as latin-1.

    httpx's in-process WSGITransport (the embedded sandbox) passes the decoded path as plain
    text instead, so an id such as "ünï" failed to route. A real server's PATH_INFO always
    survives the latin-1 → UTF-8 round trip and is left alone.
    """
    path = environ.get("PATH_INFO", "")
    try:
        path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return {**environ, "PATH_INFO": path.encode("utf-8", "replace").decode("latin-1")}
    return environ


class SandboxApp:
    """Serve the Lightfield-compatible API over WSGI."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.store = Store(
            config.db_path,
            seed=lambda: (
                with_hostile(build_workspace(config.seed))
                if config.hostile
                else build_workspace(config.seed)
            ),
            clock=config.clock,
            list_lag=config.list_lag,
        )
        self.request_log = RequestLog()
        self.stats = TrafficStats(config.clock)
        self.renderer = Renderer(config.link_base)
        self._limiter = RateLimiter(config.rate_limit, config.clock) if config.rate_limit else None
        self._idempotency = IdempotencyKeys(self.store, config.clock)
        self._faults = Faults(config)
        self._fold_cache = FoldCache()
        self._definitions = {
            collection: to_json(schema.render())
            for collection, schema in SCHEMAS_BY_COLLECTION.items()
        }
        self._handlers: dict[str, Callable[..., str]] = {
            "auth_validate": self._auth_validate,
            "definitions": self._definitions_json,
            "list": self._list,
            "retrieve": self._retrieve,
            "create": self._create,
            "update": self._update,
            "member_list": self._member_list,
            "member_retrieve": self._member_retrieve,
        }

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = self.handle(Request(_wsgi_path(environ)))
        return response(environ, start_response)

    def close(self) -> None:
        """Release the database connection (the data stays on disk)."""
        self.store.close()

    # -- pipeline ----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one request; every failure becomes a Lightfield error body."""
        if request.path == STATS_PATH:
            return self._stats(request)
        response = self._handle_api(request)
        endpoint, _ = self._route(request)
        self.stats.record(CATEGORIES.get(endpoint or "", Category.READ).value, response.status_code)
        return response

    def _stats(self, request: Request) -> Response:
        # Benchmarks only: no key needed, never rate limited, not in the request log.
        if request.method == "DELETE":
            self.stats.reset()
        return self._json(200, json.dumps(self.stats.snapshot()), {})

    def _handle_api(self, request: Request) -> Response:
        self.request_log.record(
            request.method, request.path, request.query_string.decode("latin-1")
        )
        endpoint, args = self._route(request)
        category = CATEGORIES.get(endpoint or "", Category.READ)
        headers: dict[str, str] = {}
        try:
            self._authenticate(request)
            self._check_version(request)
            if self._limiter is not None:
                headers = self._limiter.take(category)
            if endpoint is None:
                raise errors.not_found(f"No route for {request.method} {request.path}.")
            if endpoint in WRITES:
                return self._write(request, endpoint, args, headers)
            return self._json(200, self._run(endpoint, args, request, None), headers)
        except ApiError as exc:
            if not headers and self._limiter is not None:
                headers = self._limiter.peek(category)
            return self._error(exc, headers)
        except Exception:
            # A bug must still answer in the spec's shape, so clients see a retryable 500.
            logger.exception("sandbox failed on %s %s", request.method, request.path)
            return self._error(ApiError(500, "Internal Server Error"), headers)

    def _route(self, request: Request) -> tuple[str | None, dict[str, Any]]:
        adapter = URL_MAP.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException:
            # Unknown paths, unsupported methods and slash redirects all answer 404.
            return None, {}
        return str(endpoint), dict(args)

    def _authenticate(self, request: Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.config.api_key.encode()
        ):
            raise ApiError(
                401,
                "Missing or invalid API key; send Authorization: Bearer <key>.",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def _check_version(self, request: Request) -> None:
        if request.headers.get("Lightfield-Version", "").strip() != API_VERSION:
            raise errors.bad_request(
                f"The Lightfield-Version header is required and must be {API_VERSION}.",
                code=errors.VERSION_HEADER,
                param="Lightfield-Version",
            )

    def _write(
        self, request: Request, endpoint: str, args: dict[str, Any], headers: dict[str, str]
    ) -> Response:
        if request.mimetype != "application/json":
            raise ApiError(415, "Write requests need Content-Type: application/json.")
        key = request.headers.get(IDEMPOTENCY_HEADER) or None
        if key is not None:
            check_key(key)
        body = _parse_json(request.get_data())
        if key is None:
            return self._respond(endpoint, args, request, body, headers)
        scope = f"{SCHEMAS_BY_COLLECTION[args['collection']].object_type}.{endpoint}"
        stored = self._idempotency.claim(scope, key)
        if stored is not None:
            response = Response(stored.body, stored.status, mimetype="application/json")
            response.headers.update(headers)
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            response = self._respond(endpoint, args, request, body, headers)
        except BaseException:
            self._idempotency.release(scope, key)
            raise
        self._idempotency.complete(scope, key, response.status_code, response.get_data())
        return response

    def _respond(
        self,
        endpoint: str,
        args: dict[str, Any],
        request: Request,
        body: Any,
        headers: dict[str, str],
    ) -> Response:
        try:
            return self._json(200, self._run(endpoint, args, request, body), headers)
        except ApiError as exc:
            return self._error(exc, headers)

    def _run(self, endpoint: str, args: dict[str, Any], request: Request, body: Any) -> str:
        self._faults.apply()
        return self._handlers[endpoint](request=request, body=body, **args)

    def _json(self, status: int, text: str, headers: dict[str, str]) -> Response:
        response = Response(text, status, mimetype="application/json")
        response.headers.update(headers)
        return response

    def _error(self, exc: ApiError, headers: dict[str, str]) -> Response:
        body = to_json(exc.body(wrapped=self.config.wrapped_errors))
        return self._json(exc.status, body, headers | exc.headers)

    # -- handlers ----------------------------------------------------------------------------

    def _auth_validate(self, **_: Any) -> str:
        return to_json(
            {"active": True, "tokenType": "api_key", "subjectType": "workspace", "scopes": []}
        )

    def _definitions_json(self, collection: str, **_: Any) -> str:
        return self._definitions[collection]

    def _list(self, collection: str, request: Request, **_: Any) -> str:
        schema = SCHEMAS_BY_COLLECTION[collection]
        offset, limit = _pagination(request)
        predicates = parse_filters(schema, request.args.items(multi=True), self._fold_cache)
        matches = apply_filters(self.store.list_view(schema.object_type), predicates)
        return self.renderer.list_json(matches[offset : offset + limit], len(matches))

    def _retrieve(self, collection: str, id: str, **_: Any) -> str:
        return self.renderer.to_json(self._get(SCHEMAS_BY_COLLECTION[collection], id))

    def _create(self, collection: str, body: Any, **_: Any) -> str:
        schema = SCHEMAS_BY_COLLECTION[collection]
        with self.store.transaction():
            plan = plan_create(schema, body, self.store)
            record = self.store.create(schema.object_type, plan.fields, plan.links)
        return self.renderer.to_json(record)

    def _update(self, collection: str, id: str, body: Any, **_: Any) -> str:
        schema = SCHEMAS_BY_COLLECTION[collection]
        with self.store.transaction():
            record = self._get(schema, id)
            plan = plan_update(schema, record, body, self.store)
            updated = self.store.update(record, plan.fields, plan.links)
        return self.renderer.to_json(updated)

    def _member_list(self, request: Request, **_: Any) -> str:
        offset, limit = _pagination(request)
        for name in request.args:
            if name not in ("limit", "offset"):
                raise errors.bad_request(
                    "Members can only be paginated, not filtered.",
                    code=errors.UNKNOWN_FIELD,
                    param=name,
                )
        members = self.store.list_view(MEMBER_TYPE)
        return self.renderer.list_json(members[offset : offset + limit], len(members))

    def _member_retrieve(self, id: str, **_: Any) -> str:
        member = self.store.get(MEMBER_TYPE, id)
        if member is None:
            raise errors.not_found(f"No member with id {id!r}.")
        return self.renderer.to_json(member)

    def _get(self, schema: ObjectSchema, record_id: str) -> Record:
        record = self.store.get(schema.object_type, record_id)
        if record is None:
            raise errors.not_found(f"No {schema.object_type} with id {record_id!r}.")
        return record


def _pagination(request: Request) -> tuple[int, int]:
    """Read offset and limit; limit is clamped to 1..25 rather than rejected."""
    limit = _integer_param(request, "limit", DEFAULT_LIMIT)
    offset = _integer_param(request, "offset", 0)
    return offset, min(max(limit, 1), MAX_LIMIT)


def _integer_param(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if raw == "":
        # The spec marks limit/offset allowEmptyValue: an empty value means the default.
        return default
    digits = raw.lstrip("+-")
    if _INTEGER.match(raw):
        value = _HUGE if len(digits) > len(str(_HUGE)) else int(digits)
        if not (raw.startswith("-") and value):
            return value
    raise errors.bad_request(
        f"{name} must be a non-negative integer.", code=errors.INVALID_TYPE, param=name
    )


def _parse_json(data: bytes) -> Any:
    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(data, parse_constant=reject_constant)
    except (ValueError, RecursionError):
        raise errors.bad_request(
            "The request body is not valid JSON.", code=errors.INVALID_TYPE
        ) from None


def make_app(config: SandboxConfig) -> SandboxApp:
    """Build a sandbox application for `config`, seeding its database if it is empty."""
    return SandboxApp(config)
