"""The one door to any CRM: the typed port services talk to, and what each backend can do.

Services and views know nothing but this Protocol and the models in ``crm.models``. Each
backend (``crm.lightfield``, ``crm.highlevel``) implements it and declares its
``Capabilities``; the list page, the filters, the search hint and the forms read those instead of
hard-coding one CRM's rules, so a second backend changes no view.

Filters use one neutral vocabulary (the ``FilterOperator`` names in ``crm.models``); a backend
translates them to its own syntax and refuses what it cannot do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol, runtime_checkable

from contacts_ui.crm.models import AuthInfo, Definitions, Filter, FilterOperator, Page, Record

__all__ = [
    "CONTACTS",
    "CRM",
    "Capabilities",
    "ObjectType",
    "RateCategory",
    "Sort",
]

CONTACTS: Final = "contacts"
# Object types as the relationships name them (singular), which the port's lookups accept.
ObjectType = Literal["contact", "account", "opportunity", "member", "tag", "user"]
RANGE_OPERATORS: Final[frozenset[FilterOperator]] = frozenset(
    {"greaterThanOrEqual", "lessThanOrEqual"}
)


@dataclass(frozen=True)
class RateCategory:
    """Describe one of the CRM's rate-limit buckets: ``requests`` per ``per_seconds``."""

    name: str
    requests: int
    per_seconds: float


@dataclass(frozen=True)
class Sort:
    """Ask for a list ordered by one field."""

    key: str
    descending: bool = False


@dataclass(frozen=True)
class Capabilities:
    """Declare what a backend can do, so the UI offers exactly that and says so plainly."""

    # Shown to people: "Open in Lightfield", "Lightfield cannot sort".
    label: str
    # The neutral filter operators each value type allows (missing type = not filterable).
    filter_operators: Mapping[str, frozenset[FilterOperator]]
    # Whether filters may be combined with OR (else every filter must hold).
    or_filters: bool = False
    # Whether the CRM has a free-text search over names, emails, phones and companies.
    free_text_search: bool = False
    # Without free text: the operator names are searched with (Lightfield: startsWith).
    name_search_operator: FilterOperator | None = "startsWith"
    email_search_operator: FilterOperator | None = "contains"
    # Field keys the list can be sorted by (empty: the CRM cannot sort).
    sortable_fields: frozenset[str] = frozenset()
    max_page_size: int = 25
    # Whether a write carrying an Idempotency-Key is applied once however often it is sent.
    idempotent_writes: bool = False
    rate_limit_categories: tuple[RateCategory, ...] = ()
    # The most ids one relationship operation may carry.
    max_ids_per_relationship_change: int = 25
    # The deepest offset a list can reach (HighLevel stops at 10,000), None for no limit.
    max_result_window: int | None = None
    # Relationship keys the list can filter by, as their (filter key) slug.
    relationship_filters: bool = True
    # Object types the relationship picker can search by name.
    searchable_object_types: frozenset[str] = frozenset()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def operators_for(self, value_type: str) -> frozenset[FilterOperator]:
        """Return the filter operators a value type allows (empty: it cannot be filtered)."""
        return self.filter_operators.get(value_type, frozenset())

    def can_range(self, value_type: str) -> bool:
        """Tell whether a value type can be filtered by a from/to range."""
        return self.operators_for(value_type) >= RANGE_OPERATORS

    @property
    def can_sort(self) -> bool:
        """Tell whether the CRM can order a list by any field."""
        return bool(self.sortable_fields)


@runtime_checkable
class CRM(Protocol):
    """Read and write a CRM's contacts, their schema and the records they link to."""

    @property
    def name(self) -> str:
        """Return the backend's short name (cache keys, metrics, logs)."""
        ...

    @property
    def capabilities(self) -> Capabilities:
        """Return what this backend can do."""
        ...

    def validate_auth(self) -> AuthInfo:
        """Check the credentials and return what they allow."""
        ...

    def definitions(self, object_type: str = CONTACTS) -> Definitions:
        """Return the field and relationship schema of an object type (plural: "contacts")."""
        ...

    def list_contacts(
        self,
        *,
        limit: int = 25,
        offset: int = 0,
        filters: Sequence[Filter] = (),
        search: str | None = None,
        sort: Sort | None = None,
    ) -> Page:
        """Return one page of contacts matching every filter (and ``search``, if supported)."""
        ...

    def get_contact(self, id: str) -> Record:
        """Return one contact."""
        ...

    def create_contact(
        self,
        *,
        fields: Mapping[str, Any],
        relationships: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Record:
        """Create a contact from bare field values and return it as stored."""
        ...

    def update_contact(
        self,
        id: str,
        *,
        fields: Mapping[str, Any] | None = None,
        relationships: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Record:
        """Change only the given fields and relationship operations; return the record."""
        ...

    def get_related(self, object_type: str, id: str) -> Record:
        """Return one record a contact links to (account, opportunity, member, …)."""
        ...

    def search_related(self, object_type: str, text: str, *, limit: int = 10) -> list[Record]:
        """Return records of ``object_type`` whose name starts with ``text`` (typeahead)."""
        ...

    def find_related_by_name(self, object_type: str, name: str, *, limit: int = 2) -> list[Record]:
        """Return records of ``object_type`` called exactly ``name``."""
        ...

    def members(self) -> list[Record]:
        """Return every member (user) of the workspace, for owner names and pickers."""
        ...

    def find_contacts_by_email(self, email: str, *, limit: int = 10) -> list[Record]:
        """Return contacts that hold ``email`` exactly (case-insensitive): the duplicate check."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
