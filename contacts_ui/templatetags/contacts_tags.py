"""Small template filters the contacts pages need (loaded as builtins)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from contacts_ui.listing.search import OPERATOR_WORDS

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """Return ``mapping[key]`` or an empty string (template lookups cannot use odd keys)."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def operator_words(operator: str) -> str:
    """Say a CRM filter operator in words."""
    return OPERATOR_WORDS.get(operator, operator)
