"""The contacts list and the contact page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from contacts_ui import services
from contacts_ui.crm.errors import CRMError
from contacts_ui.crm.models import Definitions, Record
from contacts_ui.fields import EMPTY, display_text
from contacts_ui.views.errors import crm_error_response, forbidden

PAGE_PARAM = "page"
PAGE_SIZE = 25
LIST_COLUMNS = ("$email", "$phone", "$title")


@dataclass(frozen=True)
class DisplayField:
    key: str
    label: str
    text: str
    read_only: bool
    system: bool


@dataclass(frozen=True)
class ContactRow:
    id: str
    name: str
    cells: tuple[str, ...]
    updated_at: datetime | None


def _signed_in(request: HttpRequest) -> bool:
    return bool(getattr(request, "user", None) and request.user.is_authenticated)


def _parse_page(raw: str | None) -> int | None:
    """Return the page number asked for, or None when the value is not a positive integer."""
    if raw is None:
        return 1
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if number >= 1 else None


def _page_url(number: int) -> str:
    return f"{reverse('contacts:list')}?{urlencode({PAGE_PARAM: number})}"


def _contact_name(record: Record) -> str:
    name = display_text("FULL_NAME", record.value("$name"))
    if name != EMPTY:
        return name
    email = display_text("EMAIL", record.value("$email"))
    return email if email != EMPTY else "(no name)"


def _cell(record: Record, key: str, definitions: Definitions) -> str:
    field = record.fields.get(key)
    definition = definitions.field_definitions.get(key)
    if field is None:
        return EMPTY
    return display_text(field.value_type, field.value, definition)


def contact_list(request: HttpRequest) -> HttpResponse:
    """Show one page of 25 contacts with the total and previous/next links."""
    if not _signed_in(request):
        return forbidden(request, "Sign in through your company's SSO to see contacts.")
    page_number = _parse_page(request.GET.get(PAGE_PARAM))
    if page_number is None:
        return HttpResponseRedirect(_page_url(1))
    try:
        definitions = services.get_definitions("contacts")
        page = services.get_client().list_contacts(
            limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
        )
    except CRMError as exc:
        return crm_error_response(request, exc)

    last_page = max(1, math.ceil(page.total_count / PAGE_SIZE))
    if page_number > last_page:
        return HttpResponseRedirect(_page_url(last_page))

    columns = [
        definitions.field_definitions[key].label if key in definitions.field_definitions else key
        for key in LIST_COLUMNS
    ]
    rows = [
        ContactRow(
            id=record.id,
            name=_contact_name(record),
            cells=tuple(_cell(record, key, definitions) for key in LIST_COLUMNS),
            updated_at=record.updated_at,
        )
        for record in page.data
    ]
    first_index = (page_number - 1) * PAGE_SIZE + 1 if rows else 0
    context: dict[str, Any] = {
        "rows": rows,
        "columns": columns,
        "total": page.total_count,
        "first_index": first_index,
        "last_index": first_index + len(rows) - 1 if rows else 0,
        "page_number": page_number,
        "last_page": last_page,
        "previous_url": _page_url(page_number - 1) if page_number > 1 else None,
        "next_url": _page_url(page_number + 1) if page_number < last_page else None,
    }
    return render(request, "contacts/list.html", context)


def _display_fields(record: Record, definitions: Definitions) -> list[DisplayField]:
    """List every field the definitions know, then any extra the record carries; system first."""
    keys = list(definitions.field_definitions)
    keys += [key for key in record.fields if key not in definitions.field_definitions]
    shown = []
    for key in keys:
        definition = definitions.field_definitions.get(key)
        field = record.fields.get(key)
        value_type = field.value_type if field else (definition.value_type if definition else "")
        shown.append(
            DisplayField(
                key=key,
                label=definition.label if definition else key,
                text=display_text(value_type, field.value if field else None, definition),
                read_only=bool(definition and definition.read_only) or definition is None,
                system=key.startswith("$"),
            )
        )
    shown.sort(key=lambda item: not item.system)
    return shown


def contact_detail(request: HttpRequest, contact_id: str) -> HttpResponse:
    """Show every field of one contact as readable text, grouped system then custom."""
    if not _signed_in(request):
        return forbidden(request, "Sign in through your company's SSO to see contacts.")
    try:
        definitions = services.get_definitions("contacts")
        record = services.get_client().get_contact(contact_id)
    except CRMError as exc:
        return crm_error_response(request, exc)

    fields = _display_fields(record, definitions)
    relationships = [
        {
            "key": key,
            "label": (
                definitions.relationship_definitions[key].label
                if key in definitions.relationship_definitions
                else key
            ),
            "cardinality": relationship.cardinality,
            "ids": relationship.values,
        }
        for key, relationship in record.relationships.items()
    ]
    context = {
        "record": record,
        "name": _contact_name(record),
        "system_fields": [field for field in fields if field.system],
        "custom_fields": [field for field in fields if not field.system],
        "relationships": relationships,
        "fetched_at": timezone.now(),
    }
    return render(request, "contacts/detail.html", context)
