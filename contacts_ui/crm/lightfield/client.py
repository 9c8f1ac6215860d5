"""The Lightfield REST client: one pooled httpx.Client, retries, idempotency and typed results."""

from __future__ import annotations

import logging
import random as _random
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, SecretStr

from contacts_ui.crm.budget import Budget, Category, current_priority
from contacts_ui.crm.calls import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_RETRY_AFTER,
    READ_DEADLINE,
    READ_MAX_RETRIES,
    READ_TIMEOUT,
    CallObserver,
    Deadline,
    backoff_delay,
    log_attempt,
    observe,
    outcome_of,
)
from contacts_ui.crm.coalesce import SingleFlight
from contacts_ui.crm.context import current_request_id
from contacts_ui.crm.errors import (
    make_status_error,
)
from contacts_ui.crm.lightfield.capabilities import CAPABILITIES, COLLECTIONS, category_for
from contacts_ui.crm.lightfield.constants import (
    API_VERSION,
    DEFAULT_BASE_URL,
    LOGGER_NAME,
    PAGE_SIZE_MAX,
    USER_AGENT,
)
from contacts_ui.crm.lightfield.wire import (
    MAX_MEMBER_PAGES,
    SEEN_RECORDS,
    SeenRecords,
    check_idempotency_key,
    connection_error,
    default_transport,
    float_or_none,
    int_or_none,
    item_path,
    parse,
    parse_page,
    should_retry,
)
from contacts_ui.crm.members import match_members
from contacts_ui.crm.models import (
    AuthInfo,
    Definitions,
    Filter,
    FilterOperator,
    Page,
    RateLimit,
    Record,
)
from contacts_ui.crm.port import Sort

__all__ = ["LightfieldClient", "category_for"]

logger = logging.getLogger(LOGGER_NAME)

_ModelT = TypeVar("_ModelT", bound=BaseModel)


class LightfieldClient:
    """Talk to the Lightfield REST API and return typed models or raise a ``CRMError``.

    Implements ``crm.port.CRM``.
    """

    name = "lightfield"
    capabilities = CAPABILITIES

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        wsgi_app: Callable[..., Any] | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = MAX_RETRY_AFTER,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.time,
        user_agent: str | None = None,
        budget: Budget | None = None,
        read_timeout: httpx.Timeout | float | None = READ_TIMEOUT,
        read_retries: int | None = READ_MAX_RETRIES,
        read_deadline: float | None = READ_DEADLINE,
        monotonic: Callable[[], float] = time.monotonic,
        observer: CallObserver | None = None,
        coalesce: bool = True,
    ) -> None:
        """Configure the client.

        ``timeout`` and ``max_retries`` govern writes (and reads when the read policy is off);
        ``read_timeout``, ``read_retries`` and ``read_deadline`` bound what a GET may cost the
        person waiting on it (None: same as writes / no deadline). ``observer`` is told about
        every attempt (metrics); ``coalesce`` lets concurrent identical GETs share one request.
        """
        self._api_key = SecretStr(api_key)
        self._base_url = base_url.rstrip("/")
        self._max_retries = max(0, max_retries)
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._user_agent = user_agent or f"{USER_AGENT} httpx/{httpx.__version__}"
        self._http = httpx.Client(
            base_url=self._base_url,
            # Our own transport gets the pool limits; a caller-supplied one (WSGI sandbox,
            # tests) brings its own. httpx's transport-level retries stay off: we retry here.
            transport=transport or default_transport(wsgi_app),
            timeout=timeout,
            follow_redirects=False,
        )
        self._lock = threading.Lock()
        self._request_count = 0
        self.rate_limit: RateLimit | None = None
        # Shared with every process on the same key; None sends at once and only reacts to 429s.
        self._budget = budget
        self._timeout = timeout
        self._read_timeout = read_timeout if read_timeout is not None else timeout
        self._read_retries = self._max_retries if read_retries is None else max(0, read_retries)
        self._read_deadline = read_deadline
        self._monotonic = monotonic
        self._observer = observer
        self._flights: SingleFlight[httpx.Response] | None = SingleFlight() if coalesce else None
        self._seen = SeenRecords(SEEN_RECORDS)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, max_retries={self._max_retries})"
        )

    @property
    def coalesced_count(self) -> int:
        """Return how many GETs were answered by an identical request already in flight."""
        return self._flights.shared if self._flights is not None else 0

    @property
    def request_count(self) -> int:
        """Return how many HTTP attempts (retries included) this client has made."""
        return self._request_count

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- operations -------------------------------------------------------------------------

    def validate_auth(self) -> AuthInfo:
        """Check the API key and return its type and scopes."""
        return self._get_model(AuthInfo, "/v1/auth/validate")

    def contact_definitions(self) -> Definitions:
        """Return the field and relationship definitions of contacts."""
        return self._get_model(Definitions, "/v1/contacts/definitions")

    def definitions(self, object_type: str = "contacts") -> Definitions:
        """Return the field and relationship definitions of an object type (plural name)."""
        if object_type not in {"contacts", "accounts", "opportunities"}:
            raise ValueError(f"Lightfield has no definitions for {object_type!r}.")
        return self._get_model(Definitions, f"/v1/{object_type}/definitions")

    def list_contacts(
        self,
        *,
        limit: int = PAGE_SIZE_MAX,
        offset: int = 0,
        filters: Sequence[Filter] = (),
        search: str | None = None,
        sort: Sort | None = None,
    ) -> Page:
        """Return one page of contacts matching all ``filters``.

        Lightfield has neither free-text search nor sorting (its capabilities say so); callers
        that ask anyway get a ValueError rather than a silently different list.
        """
        if search or sort is not None:
            raise ValueError("Lightfield cannot search free text or sort; see its capabilities.")
        return self._list("/v1/contacts", limit=limit, offset=offset, filters=filters)

    def get_contact(self, id: str) -> Record:
        """Return the contact with ``id``."""
        return self._get_model(Record, item_path("/v1/contacts", id))

    def create_contact(
        self,
        *,
        fields: Mapping[str, Any],
        relationships: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Record:
        """Create a contact from bare field values and return the stored record."""
        body: dict[str, Any] = {"fields": dict(fields)}
        if relationships is not None:
            body["relationships"] = dict(relationships)
        return self._post_model("/v1/contacts", body, idempotency_key)

    def update_contact(
        self,
        id: str,
        *,
        fields: Mapping[str, Any] | None = None,
        relationships: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Record:
        """Change only the given fields/relationship operations and return the updated record."""
        # Omitted keys are left unchanged by the API, so send exactly what the caller changed.
        body: dict[str, Any] = {}
        if fields is not None:
            body["fields"] = dict(fields)
        if relationships is not None:
            body["relationships"] = dict(relationships)
        return self._post_model(item_path("/v1/contacts", id), body, idempotency_key)

    def account_definitions(self) -> Definitions:
        """Return the field and relationship definitions of accounts."""
        return self._get_model(Definitions, "/v1/accounts/definitions")

    def list_accounts(
        self, *, limit: int = PAGE_SIZE_MAX, offset: int = 0, filters: Sequence[Filter] = ()
    ) -> Page:
        """Return one page of accounts matching all ``filters``."""
        return self._list("/v1/accounts", limit=limit, offset=offset, filters=filters)

    def get_account(self, id: str) -> Record:
        """Return the account with ``id``."""
        return self._get_model(Record, item_path("/v1/accounts", id))

    def opportunity_definitions(self) -> Definitions:
        """Return the field and relationship definitions of opportunities."""
        return self._get_model(Definitions, "/v1/opportunities/definitions")

    def list_opportunities(
        self, *, limit: int = PAGE_SIZE_MAX, offset: int = 0, filters: Sequence[Filter] = ()
    ) -> Page:
        """Return one page of opportunities matching all ``filters``."""
        return self._list("/v1/opportunities", limit=limit, offset=offset, filters=filters)

    def get_opportunity(self, id: str) -> Record:
        """Return the opportunity with ``id``."""
        return self._get_model(Record, item_path("/v1/opportunities", id))

    def list_members(self, *, limit: int = PAGE_SIZE_MAX, offset: int = 0) -> Page:
        """Return one page of workspace members (the API offers no filters for members)."""
        return self._list("/v1/members", limit=limit, offset=offset, filters=())

    def get_member(self, id: str) -> Record:
        """Return the member with ``id``."""
        return self._get_model(Record, item_path("/v1/members", id))

    def get_related(self, object_type: str, id: str) -> Record:
        """Return one contact, account, opportunity or member by id."""
        collection = COLLECTIONS.get(object_type)
        if collection is None:
            raise ValueError(f"Lightfield has no object type {object_type!r}.")
        return self._get_model(Record, item_path(collection, id))

    def search_related(self, object_type: str, text: str, *, limit: int = 10) -> list[Record]:
        """Return records whose name starts with ``text`` (members: filtered here, see below)."""
        if object_type == "member":
            # The API cannot filter members; there are few, so match the whole list here.
            return match_members(self.members(), text)[:limit]
        return self._by_name(object_type, "startsWith", text, limit)

    def find_related_by_name(self, object_type: str, name: str, *, limit: int = 2) -> list[Record]:
        """Return records called exactly ``name``."""
        return self._by_name(object_type, "equal", name, limit)

    def members(self) -> list[Record]:
        """Return every workspace member by paging through the member list."""
        found: list[Record] = []
        offset = 0
        for _ in range(MAX_MEMBER_PAGES):
            page = self.list_members(limit=PAGE_SIZE_MAX, offset=offset)
            found.extend(page.data)
            offset += len(page.data)
            if len(page.data) < PAGE_SIZE_MAX or offset >= page.total_count:
                break
        return found

    def find_contacts_by_email(self, email: str, *, limit: int = 10) -> list[Record]:
        """Return contacts holding ``email`` exactly (the API only has ``contains``)."""
        wanted = email.strip().casefold()
        page = self.list_contacts(
            limit=min(limit * 2, PAGE_SIZE_MAX),
            filters=[Filter("$email", "contains", email.strip())],
        )
        # `contains` is the only email operator; keep exact matches (ann@ is inside joann@).
        found = []
        for record in page.data:
            value = record.value("$email", [])
            addresses = [value] if isinstance(value, str) else list(value or ())
            if wanted in {str(a).casefold() for a in addresses}:
                found.append(record)
        return found[:limit]

    def _by_name(
        self, object_type: str, operator: FilterOperator, text: str, limit: int
    ) -> list[Record]:
        collection = COLLECTIONS.get(object_type)
        if collection is None or object_type == "member":
            raise ValueError(f"Lightfield cannot search {object_type!r} by name.")
        name_filter = Filter("$name", operator, text)
        page = self._list(collection, limit=limit, offset=0, filters=[name_filter])
        return list(page.data)

    # -- plumbing ---------------------------------------------------------------------------

    def _list(self, path: str, *, limit: int, offset: int, filters: Sequence[Filter]) -> Page:
        limit = min(max(limit, 1), PAGE_SIZE_MAX)
        offset = max(offset, 0)
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("limit", str(limit)),
            ("offset", str(offset)),
        ]
        params.extend(f.to_query() for f in filters)
        response = self._request("GET", path, params=params)
        page = parse_page(response, self._seen)
        return page.model_copy(update={"limit": limit, "offset": offset})

    def _get_model(
        self,
        model: type[_ModelT],
        path: str,
        *,
        params: list[tuple[str, str | int | float | bool | None]] | None = None,
    ) -> _ModelT:
        response = self._request("GET", path, params=params)
        return parse(model, response)

    def _post_model(self, path: str, body: dict[str, Any], idempotency_key: str | None) -> Record:
        # Every write carries a key, which is what makes retrying a POST safe: a replay returns
        # the first attempt's stored response instead of creating a duplicate.
        key = idempotency_key if idempotency_key is not None else str(uuid.uuid4())
        check_idempotency_key(key)
        response = self._request("POST", path, json=body, idempotency_key=key)
        return parse(Record, response)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str | int | float | bool | None]] | None = None,
        json: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        if method == "GET" and self._flights is not None:
            # The key is what the CRM would see: the same path and query answer the same data.
            key = (method, path, tuple(params or ()))
            return self._flights.do(key, lambda: self._send(method, path, params, None, None))
        return self._send(method, path, params, json, idempotency_key)

    def _send(
        self,
        method: str,
        path: str,
        params: list[tuple[str, str | int | float | bool | None]] | None,
        json: dict[str, Any] | None,
        idempotency_key: str | None,
    ) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self._api_key.get_secret_value()}",
            "Lightfield-Version": API_VERSION,
            "Accept": "application/json",
            "User-Agent": self._user_agent,
        }
        request_id = current_request_id()
        if request_id:
            headers["X-Request-Id"] = request_id
        if json is not None:
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key

        category = category_for(method, path)
        reading = method == "GET"
        max_retries = self._read_retries if reading else self._max_retries
        deadline = Deadline(self._read_deadline if reading else None, self._monotonic)
        timeout = self._read_timeout if reading else self._timeout
        for attempt in range(max_retries + 1):
            retries_left = attempt < max_retries
            if self._budget is not None:
                # Raises BudgetExhausted, before anything is sent, when the wait would be too long.
                self._budget.acquire(category, current_priority(method))
            with self._lock:
                self._request_count += 1
            headers["X-Stainless-Retry-Count"] = str(attempt)
            attempt_timeout = deadline.timeout_for(attempt, timeout)
            started = time.perf_counter()
            try:
                response = self._http.request(
                    method, path, params=params, json=json, headers=headers, timeout=attempt_timeout
                )
            except httpx.TransportError as exc:
                log_attempt(logger, method, path, type(exc).__name__, started, attempt, max_retries)
                self._observe(category, outcome_of(exc), started)
                delay = backoff_delay(attempt, self._random)
                if retries_left and deadline.fits(delay):
                    self._sleep(delay)
                    continue
                raise connection_error(exc, method, path) from exc
            except httpx.RequestError as exc:  # e.g. a decoding error: retrying will not help
                log_attempt(logger, method, path, type(exc).__name__, started, attempt, max_retries)
                self._observe(category, outcome_of(exc), started)
                raise connection_error(exc, method, path) from exc

            log_attempt(logger, method, path, response.status_code, started, attempt, max_retries)
            self._observe(category, str(response.status_code), started)
            self._remember_rate_limit(response.headers)
            if self._budget is not None:
                self._budget.observe(category, response.headers)
            if response.is_success:
                return response

            error = make_status_error(
                response.status_code,
                response.content,
                response.headers,
                idempotency_key=idempotency_key,
                secrets=(self._api_key.get_secret_value(),),
                now=self._clock(),
            )
            if self._budget is not None and response.status_code == 429:
                # Hold every process back, not just this one, until the CRM takes requests again.
                self._budget.penalize(category, error.retry_after)
            if not retries_left or not should_retry(response):
                raise error
            if error.retry_after is not None and error.retry_after > self._max_retry_after:
                # Waiting longer would leave a person staring at a spinner; let the page say
                # "try again in N seconds" instead.
                raise error
            delay = (
                error.retry_after
                if error.retry_after is not None
                else backoff_delay(attempt, self._random)
            )
            if not deadline.fits(delay):
                raise error
            self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _observe(self, category: Category, outcome: str, started: float) -> None:
        observe(self._observer, category.value, outcome, time.perf_counter() - started, logger)

    def _remember_rate_limit(self, headers: httpx.Headers) -> None:
        limit = int_or_none(headers.get("x-ratelimit-limit"))
        remaining = int_or_none(headers.get("x-ratelimit-remaining"))
        reset = float_or_none(headers.get("x-ratelimit-reset"))
        if limit is not None or remaining is not None or reset is not None:
            self.rate_limit = RateLimit(limit=limit, remaining=remaining, reset=reset)
