"""The contact page: every field, typed, with relationships, history and neighbours."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from contacts_ui.crm.errors import CRMError
from contacts_ui.crm.models import Definitions, Record
from contacts_ui.fields import display_html
from contacts_ui.identity.roles import Role, require_role
from contacts_ui.listing import navigation as results
from contacts_ui.relationships import panel as relationships
from contacts_ui.services import audit
from contacts_ui.services import contacts as contact_service
from contacts_ui.services.definitions import get_definitions
from contacts_ui.views.common import (
    FROM_PARAM,
    JUST_SAVED_SESSION_KEY,
    display_context,
    list_url,
)
from contacts_ui.views.errors import crm_error_response


@dataclass(frozen=True)
class DisplayField:
    key: str
    label: str
    html: SafeString
    read_only: bool
    system: bool


def _display_fields(record: Record, definitions: Definitions) -> list[DisplayField]:
    """List every field the definitions know, then any extra the record carries."""
    context = display_context(compact=False)
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
                html=display_html(value_type, field.value if field else None, definition, context),
                read_only=definition is None or definition.read_only,
                system=key.startswith("$"),
            )
        )
    return shown


@require_role(Role.VIEWER)
def contact_detail(request: HttpRequest, contact_id: str) -> HttpResponse:
    """Show every field of one contact, grouped, with its relationships by name."""
    try:
        definitions = get_definitions("contacts")
        record, fetched_at = contact_service.get_contact(
            contact_id, refresh="refresh" in request.GET
        )
    except CRMError as exc:
        return crm_error_response(request, exc)

    fields = _display_fields(record, definitions)
    from_query = request.GET.get(FROM_PARAM, "")
    where = results.position(request.user.pk, from_query, record.id) if from_query else None
    refresh_params = QueryDict(mutable=True)
    if from_query:
        refresh_params[FROM_PARAM] = from_query
    refresh_params["refresh"] = "1"
    context = {
        "record": record,
        "name": record.display_name,
        # "Open in Lightfield" / "Open in HighLevel": whichever CRM the link leads to.
        "crm_label": contact_service.crm_label(),
        "system_fields": [field for field in fields if field.system],
        "custom_fields": [field for field in fields if not field.system],
        # The relationships panel (and the outcome a plain form post left for it).
        **relationships.panel_context(request, record, definitions, from_query=from_query),
        "fetched_at": fetched_at,
        "fetched_seconds": max(0, int((timezone.now() - fetched_at).total_seconds())),
        "refresh_url": f"{request.path}?{refresh_params.urlencode()}",
        "position": where,
        "back_url": list_url(where.back_query if where else from_query),
        "from_query": from_query,
        "history": audit.history(record.id),
        "just_saved": request.session.pop(JUST_SAVED_SESSION_KEY, None) == record.id,
    }
    return render(request, "contacts/detail.html", context)
