"""The HighLevel (LeadConnector) contacts client: the ``CRM`` port over API v2.

One location (sub-account) per client. Reads return neutral ``Record``s keyed like Lightfield's
(``$name``, ``$email`` …, custom fields by id); writes translate back through an allow-list,
use the tag and follower endpoints for relationship changes (a PUT of ``tags`` would replace
them all), and never resend a create blindly: HighLevel has no idempotency keys.
"""

from __future__ import annotations

import random as _random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from contacts_ui.crm.budget import Budget
from contacts_ui.crm.calls import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_RETRY_AFTER,
    READ_DEADLINE,
    READ_MAX_RETRIES,
    READ_TIMEOUT,
    CallObserver,
)
from contacts_ui.crm.errors import CRMResponseError, ResultWindowError
from contacts_ui.crm.highlevel.constants import (
    CUSTOM_FIELD_VALUE_KEY,
    DEFAULT_BASE_URL,
    DEFAULT_CURRENCY,
    LOOKUP_CACHE_SECONDS,
    MAX_SEARCH_STRING,
    PAGE_SIZE_MAX,
    RESULT_WINDOW,
)
from contacts_ui.crm.highlevel.definitions import (
    CustomField,
    build_definitions,
    custom_fields_from,
    with_unique_keys,
)
from contacts_ui.crm.highlevel.lookups import Cached, LocationLookups, starting_with
from contacts_ui.crm.highlevel.mapping import (
    name_of_tag,
    record_from_contact,
    record_from_tag,
)
from contacts_ui.crm.highlevel.search import CAPABILITIES, filter_items, page_plan, sort_items
from contacts_ui.crm.highlevel.transport import (
    NO_CONTEXT,
    ErrorContext,
    HighLevelTransport,
    parse_json,
    path_segment,
)
from contacts_ui.crm.highlevel.writes import ContactWriter
from contacts_ui.crm.models import AuthInfo, Definitions, Filter, Page, RateLimit, Record
from contacts_ui.crm.port import CONTACTS, Capabilities, Sort

__all__ = ["HighLevelClient"]

_T = TypeVar("_T")


class HighLevelClient:
    """Talk to HighLevel's contacts API v2 for one location; implements ``crm.port.CRM``."""

    name = "highlevel"
    capabilities: Capabilities = CAPABILITIES

    def __init__(
        self,
        *,
        token: str,
        location_id: str,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        wsgi_app: Callable[..., Any] | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = MAX_RETRY_AFTER,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.monotonic,
        budget: Budget | None = None,
        currency: str = DEFAULT_CURRENCY,
        custom_value_key: str = CUSTOM_FIELD_VALUE_KEY,
        company_name_writable: bool = False,
        user_agent: str | None = None,
        read_timeout: httpx.Timeout | float | None = READ_TIMEOUT,
        read_retries: int | None = READ_MAX_RETRIES,
        read_deadline: float | None = READ_DEADLINE,
        monotonic: Callable[[], float] = time.monotonic,
        observer: CallObserver | None = None,
    ) -> None:
        """Configure the client for one location.

        ``timeout`` and ``max_retries`` govern writes (and reads when the read policy is off);
        ``read_timeout``, ``read_retries`` and ``read_deadline`` bound what a read (a GET or a
        search) may cost the person waiting on it (None: same as writes / no deadline).
        ``observer`` is told about every attempt (metrics). ``clock`` times the caches;
        ``monotonic`` the read deadline.
        """
        if not location_id:
            raise ValueError("HighLevel needs a location id.")
        self._location_id = location_id
        self._currency = currency
        self._company_name_writable = company_name_writable
        self._http = HighLevelTransport(
            token=token,
            base_url=base_url,
            transport=transport,
            wsgi_app=wsgi_app,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            sleep=sleep,
            random=random,
            budget=budget,
            user_agent=user_agent,
            read_timeout=read_timeout,
            read_retries=read_retries,
            read_deadline=read_deadline,
            monotonic=monotonic,
            observer=observer,
        )
        self._definitions: Cached[tuple[Definitions, dict[str, CustomField]]] = Cached(
            LOOKUP_CACHE_SECONDS * 5, clock
        )
        self._lookups = LocationLookups(
            self.request_json, location_id, ttl=LOOKUP_CACHE_SECONDS, clock=clock
        )
        self._lock = threading.Lock()
        self._writer = ContactWriter(
            self,
            self._http,
            location_id=location_id,
            value_key=custom_value_key,
            company_name_writable=company_name_writable,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(location_id={self._location_id!r})"

    @property
    def request_count(self) -> int:
        """Return how many HTTP attempts (retries included) this client has made."""
        return self._http.request_count

    @property
    def rate_limit(self) -> RateLimit | None:
        """Return the burst limit HighLevel last reported."""
        return self._http.rate_limit

    @property
    def location_id(self) -> str:
        """Return the location (sub-account) this client works in."""
        return self._location_id

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

    # -- schema ---------------------------------------------------------------------------------

    def validate_auth(self) -> AuthInfo:
        """Check the token by reading its location (a wrong token or location raises)."""
        self.request_json("GET", f"/locations/{path_segment(self._location_id)}")
        return AuthInfo(active=True, token_type="location", subject_type="location")  # noqa: S106

    def definitions(self, object_type: str = CONTACTS) -> Definitions:
        """Return the contact schema: fixed properties plus the location's custom fields."""
        if object_type != CONTACTS:
            raise ValueError(f"HighLevel has no definitions for {object_type!r} here.")
        self._definitions.clear()
        definitions = self._schema()[0]
        if self._lookups.duplicates_refused():
            # "Create anyway" cannot work there: the form then only offers the existing contact.
            definitions = with_unique_keys(definitions)
        return definitions

    def custom_fields(self) -> dict[str, CustomField]:
        """Return how each custom field's values are typed (cached for a few minutes)."""
        return self._schema()[1]

    def _schema(self) -> tuple[Definitions, dict[str, CustomField]]:
        def fetch() -> tuple[Definitions, dict[str, CustomField]]:
            payload = self.request_json(
                "GET",
                f"/locations/{path_segment(self._location_id)}/customFields",
                params={"model": "contact"},
            )
            return build_definitions(
                custom_fields_from(payload),
                currency=self._currency,
                company_name_writable=self._company_name_writable,
            )

        return self._definitions.get(fetch)

    # -- contacts -------------------------------------------------------------------------------

    def list_contacts(
        self,
        *,
        limit: int = 25,
        offset: int = 0,
        filters: Sequence[Filter] = (),
        search: str | None = None,
        sort: Sort | None = None,
    ) -> Page:
        """Return one page of contacts from ``POST /contacts/search``.

        Raises ``ResultWindowError`` past the 10,000 records search can page through, and
        ValueError for a filter or sort HighLevel cannot do (the capabilities say which).
        """
        limit = min(max(limit, 1), PAGE_SIZE_MAX)
        offset = max(offset, 0)
        plan = page_plan(limit, offset)
        if any(page * page_limit > RESULT_WINDOW for page, page_limit in plan):
            # HighLevel refuses page·pageLimit beyond the window; say so before asking.
            raise ResultWindowError(RESULT_WINDOW)
        custom = self.custom_fields() if filters else {}
        body: dict[str, Any] = {"locationId": self._location_id}
        if filters:
            body["filters"] = filter_items(filters, custom)
        if sort is not None:
            body["sort"] = sort_items(sort)
        if search and search.strip():
            body["query"] = search.strip()[:MAX_SEARCH_STRING]
        items: list[Mapping[str, Any]] = []
        total = 0
        for page, page_limit in plan:
            payload = self.request_json(
                "POST", "/contacts/search", json={**body, "page": page, "pageLimit": page_limit}
            )
            contacts = payload.get("contacts")
            contacts = contacts if isinstance(contacts, list) else []
            items.extend(c for c in contacts if isinstance(c, Mapping))
            total = _int(payload.get("total"), default=len(items))
            if len(contacts) < page_limit:
                break
        skip = offset % limit
        fields = self.custom_fields()
        records = tuple(record_from_contact(c, fields) for c in items[skip : skip + limit])
        return Page(data=records, total_count=total, limit=limit, offset=offset)

    def get_contact(self, id: str) -> Record:
        """Return the full contact (``GET /contacts/{id}``)."""
        payload = self.request_json("GET", f"/contacts/{path_segment(id)}")
        return self.record_from(payload)

    def record_from(self, payload: Mapping[str, Any]) -> Record:
        """Return the Record of a ``{"contact": {...}}`` answer (CRMResponseError if absent)."""
        contact = payload.get("contact")
        if not isinstance(contact, Mapping) or not contact.get("id"):
            raise CRMResponseError(
                "The CRM API answered without the contact it was asked for.", status_code=200
            )
        return record_from_contact(contact, self.custom_fields())

    def create_contact(
        self,
        *,
        fields: Mapping[str, Any],
        relationships: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Record:
        """Create a contact once per ``idempotency_key``; see ``ContactWriter.create``."""
        return self._writer.create(fields, relationships or {}, idempotency_key)

    def update_contact(
        self,
        id: str,
        *,
        fields: Mapping[str, Any] | None = None,
        relationships: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Record:
        """Change only the given fields and relationships; see ``ContactWriter.update``."""
        return self._writer.update(id, fields or {}, relationships or {})

    def find_contacts_by_email(self, email: str, *, limit: int = 10) -> list[Record]:
        """Return the contact holding ``email``, from HighLevel's duplicate lookup."""
        found = self.find_duplicate(email=email.strip())
        return [found][:limit] if found is not None else []

    def find_duplicate(
        self, *, email: str | None = None, phone: str | None = None
    ) -> Record | None:
        """Return the contact HighLevel's duplicate lookup finds for ``email`` or ``phone``."""
        params = {"locationId": self._location_id}
        if email:
            params["email"] = email
        elif phone:
            params["number"] = phone
        else:
            return None
        payload = self.request_json("GET", "/contacts/search/duplicate", params=params)
        contact = payload.get("contact")
        if not isinstance(contact, Mapping) or not contact.get("id"):
            return None
        return record_from_contact(contact, self.custom_fields())

    # -- related records ------------------------------------------------------------------------

    def members(self) -> list[Record]:
        """Return the location's users (``GET /users/?locationId=``) as member Records."""
        return self._lookups.members()

    def tag_names(self) -> list[str]:
        """Return the location's tag names (``GET /locations/{id}/tags``, cached briefly)."""
        return self._lookups.tag_names()

    def forget_tags(self) -> None:
        """Drop the cached tag list (a tag was just added to a contact, maybe a new one)."""
        self._lookups.forget_tags()

    def get_related(self, object_type: str, id: str) -> Record:
        """Return one member, tag or contact by id (ValueError for other object types)."""
        if object_type == "tag":
            return record_from_tag(name_of_tag(id))
        if object_type in ("member", "user"):
            return self._lookups.member(id)
        if object_type == "contact":
            return self.get_contact(id)
        raise ValueError(f"HighLevel has no object type {object_type!r}.")

    def search_related(self, object_type: str, text: str, *, limit: int = 10) -> list[Record]:
        """Return members or tags whose name (or a word of it) starts with ``text``."""
        return starting_with(self._lookups.candidates(object_type), text)[:limit]

    def find_related_by_name(self, object_type: str, name: str, *, limit: int = 2) -> list[Record]:
        """Return members or tags called exactly ``name`` (case-insensitive)."""
        wanted = name.strip().casefold()
        candidates = self._lookups.candidates(object_type)
        return [r for r in candidates if r.display_name.casefold() == wanted][:limit]

    # -- plumbing -------------------------------------------------------------------------------

    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        repeatable: bool = True,
        context: ErrorContext = NO_CONTEXT,
    ) -> Mapping[str, Any]:
        """Send one call and return its JSON object body (the writer's door to the API too)."""
        response = self._http.request(
            method, path, params=params, json=json, repeatable=repeatable, context=context
        )
        return parse_json(response)


def _int(raw: object, *, default: int) -> int:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else default
