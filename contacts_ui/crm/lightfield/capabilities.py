"""What Lightfield can do (its capabilities, declared for the port) and how it counts calls."""

from __future__ import annotations

import logging
from typing import Final, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel

from contacts_ui.crm.budget import Category
from contacts_ui.crm.lightfield.constants import (
    LOGGER_NAME,
    PAGE_SIZE_MAX,
)
from contacts_ui.crm.models import (
    FilterOperator,
)
from contacts_ui.crm.port import Capabilities, RateCategory

__all__ = ["CAPABILITIES", "COLLECTIONS", "category_for"]

logger = logging.getLogger(LOGGER_NAME)

_ModelT = TypeVar("_ModelT", bound=BaseModel)

# Stainless policy: these may succeed on a second try; everything else is the caller's problem.

_EQ: Final[frozenset[FilterOperator]] = frozenset({"equal"})
_RANGE: Final[frozenset[FilterOperator]] = frozenset(
    {"equal", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual"}
)
_STARTS: Final[frozenset[FilterOperator]] = frozenset({"equal", "startsWith"})
_CONTAINS: Final[frozenset[FilterOperator]] = frozenset({"contains"})
# LIGHTFIELD.md §8: which operators each value type allows. MULTI_SELECT and MARKDOWN cannot be
# filtered yet, HTML never.
CAPABILITIES: Final = Capabilities(
    label="Lightfield",
    filter_operators={
        "NUMBER": _RANGE,
        "CURRENCY": _RANGE,
        "DATETIME": _RANGE,
        "TEXT": _STARTS,
        "FULL_NAME": _STARTS,
        "SOCIAL_HANDLE": _STARTS,
        "ADDRESS": _STARTS,
        "CHECKBOX": _EQ,
        "SINGLE_SELECT": _EQ,
        "EMAIL": _CONTAINS,
        "TELEPHONE": _CONTAINS,
        "URL": _CONTAINS,
    },
    or_filters=False,
    free_text_search=False,
    name_search_operator="startsWith",
    email_search_operator="contains",
    sortable_fields=frozenset(),
    max_page_size=PAGE_SIZE_MAX,
    idempotent_writes=True,
    rate_limit_categories=(
        RateCategory("read", 25, 1.0),
        RateCategory("search", 25, 1.0),
        RateCategory("write", 25, 1.0),
    ),
    max_ids_per_relationship_change=25,
    searchable_object_types=frozenset({"account", "opportunity", "contact", "member"}),
)
COLLECTIONS: Final = {
    "contact": "/v1/contacts",
    "account": "/v1/accounts",
    "opportunity": "/v1/opportunities",
    "member": "/v1/members",
}


def category_for(method: str, path: str) -> Category:
    """Return the Lightfield rate-limit category of a call.

    Writes are POSTs (and any other non-GET); a GET of ``/v1/<collection>`` is a list (Search);
    retrieves, definitions and ``/v1/auth/validate`` are Reads.
    """
    if method.upper() not in {"GET", "HEAD"}:
        return Category.WRITE
    parts = [part for part in urlsplit(path).path.split("/") if part]
    if len(parts) == 2 and parts[0] == "v1":
        return Category.SEARCH
    return Category.READ
