"""The contact page: every field, typed, with relationships, history and neighbours."""

from __future__ import annotations

import re
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString

from contacts_ui import relationships
from contacts_ui.crm.errors import CRMError
from contacts_ui.crm.models import Definitions, FieldDefinition, Record, ValueType
from contacts_ui.fields import DisplayContext, display_html, entry_for
from contacts_ui.fields.display import (
    PROFILE_PHOTO_KEY,
    allowed_photo_url,
    format_phone,
    parse_datetime,
    relative_valid_until,
)
from contacts_ui.identity.roles import Role, request_role, require_role
from contacts_ui.listing import navigation as results
from contacts_ui.services import audit
from contacts_ui.services import backend as services
from contacts_ui.services import contacts as contact_service
from contacts_ui.services.definitions import get_definitions
from contacts_ui.views import audit as audit_rows
from contacts_ui.views.common import (
    FROM_PARAM,
    JUST_SAVED_SESSION_KEY,
    display_context,
    list_url,
    relationship_list_filter,
)
from contacts_ui.views.errors import crm_error_response
from contacts_ui.web.fragments import (
    FOREVER,
    ExpiringLRU,
    render_fragment,
    render_fragment_with_holes,
    serial_for,
)
from contacts_ui.web.links import record_url
from contacts_ui.web.security import allow_photos

# A ticked checkbox whose label holds one of these reads as a warning ("Do not contact: Yes").
WARNING_WORDS = ("do not", "don't", "dnd", "opt out", "opted out", "unsubscribed", "blocked")
_DOM_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class DisplayField:
    key: str
    label: str
    html: SafeString
    read_only: bool
    system: bool
    editable: bool = False
    warning: bool = False
    # The in-place editor, and the edit page focused on this field (no JavaScript).
    editor_url: str = ""
    edit_url: str = ""

    @property
    def dom_id(self) -> str:
        """Return an id fragment safe in CSS selectors (``$title`` → ``title``)."""
        return field_dom_id(self.key)


def field_dom_id(key: str) -> str:
    """Return a CSS-selector-safe id fragment for field ``key`` (``$title`` → ``title``)."""
    return _DOM_UNSAFE.sub("", key) or "field"


def display_field(record: Record, definitions: Definitions, key: str) -> DisplayField:
    """Describe one field of a contact for its page: label, value as HTML, whether editable."""
    definition = definitions.field_definitions.get(key)
    field = record.fields.get(key)
    value_type = field.value_type if field else (definition.value_type if definition else "")
    read_only = definition is None or definition.read_only
    value = field.value if field else None
    # A key or id that cannot be part of our URLs leaves the field without an edit control.
    editor_url = record_url("contacts:field-edit", record.id, key) or ""
    edit_page = record_url("contacts:edit", record.id)
    edit_url = f"{edit_page}?{urlencode({'focus': key})}#field-{key}" if edit_page else ""
    return DisplayField(
        key=key,
        label=definition.label if definition else key,
        html=display_html(value_type, value, definition, display_context(compact=False), key=key),
        read_only=read_only,
        system=key.startswith("$"),
        editable=bool(editor_url and edit_url) and not read_only and entry_for(value_type).writable,
        warning=_is_warning(definition, value),
        editor_url=editor_url,
        edit_url=edit_url,
    )


def _is_warning(definition: FieldDefinition | None, value: Any) -> bool:
    """Tell whether a set checkbox means "keep away" (Do not contact, DND, opted out)."""
    if definition is None or definition.value_type != "CHECKBOX" or value is not True:
        return False
    label = definition.label.casefold()
    return any(word in label for word in WARNING_WORDS)


@dataclass(frozen=True)
class KeyFacts:
    """What the contact page's header shows first: how to reach the person, and where."""

    title: str = ""
    email: str = ""
    phone: str = ""
    phone_shown: str = ""
    account: relationships.LinkedItem | None = None
    # The contact's photo, when it comes from a host PHOTO_ORIGINS allows.
    photo_url: str = ""


def _first(value: Any) -> str:
    items = value if isinstance(value, list | tuple) else [value]
    return next((str(item) for item in items if item), "")


def key_facts(record: Record, panels: list[relationships.Panel]) -> KeyFacts:
    """Pick the header's facts: job title, first email and phone, and the account."""
    phone = _first(record.value("$phone"))
    account = next(
        (panel.items[0] for panel in panels if panel.key == "$account" and panel.items), None
    )
    title = record.value("$title")
    photo = record.fields.get(PROFILE_PHOTO_KEY)
    photo_url = (
        allowed_photo_url(photo.value, frozenset(settings.DASHBOARD.PHOTO_ORIGINS))
        if photo is not None and photo.value_type == ValueType.URL
        else None
    )
    return KeyFacts(
        title=title if isinstance(title, str) else "",
        email=_first(record.value("$email")),
        phone=phone,
        phone_shown=format_phone(phone) if phone else "",
        account=account,
        photo_url=photo_url or "",
    )


@dataclass(frozen=True)
class DescribedFields:
    """A contact's fields described for its page, and what they may be kept under."""

    fields: list[DisplayField]
    # Everything the description was drawn from (None: the record has no ``updatedAt``, so
    # nothing tells one version from the next and nothing is kept).
    key: Hashable | None
    valid_until: float  # POSIX time: relative dates ("3 minutes ago") hold until then


# Described fields of the contacts most recently shown by this process.
DISPLAY_FIELDS_KEPT = 1024
_kept_fields = ExpiringLRU(DISPLAY_FIELDS_KEPT)


def _display_fields(record: Record, definitions: Definitions) -> DescribedFields:
    """List every field the definitions know, then any extra the record carries.

    Kept per process like the list's rows, and safe for the same reasons: the key holds the
    record's id and ``updatedAt`` (the CRM changes it on every write), the definitions, the
    viewer's zone and locale, and the URL prefix of the edit links; relative dates bound the
    entry's life.
    """
    context = display_context(compact=False)
    if record.updated_at_raw is None:
        fields, valid_until = _describe_fields(record, definitions, context)
        return DescribedFields(fields, None, valid_until)
    plan = (
        services.generation(),
        context.tz,
        context.locale,
        context.photo_origins,
        get_script_prefix(),
        tuple(definitions.field_definitions.items()),
    )
    key = (serial_for(plan), record.id, record.updated_at_raw)
    kept: DescribedFields | None = _kept_fields.get(key, context.now.timestamp())
    if kept is None:
        fields, valid_until = _describe_fields(record, definitions, context)
        kept = DescribedFields(fields, key, valid_until)
        _kept_fields.put(key, kept, valid_until)
    return kept


def _describe_fields(
    record: Record, definitions: Definitions, context: DisplayContext
) -> tuple[list[DisplayField], float]:
    """Describe the fields, and say until when (POSIX time) their relative dates hold."""
    keys = list(definitions.field_definitions)
    keys += [key for key in record.fields if key not in definitions.field_definitions]
    valid_until = FOREVER
    for key in keys:
        field = record.fields.get(key)
        if field is not None and field.value_type == "DATETIME":
            moment = parse_datetime(field.value)
            if moment is not None:
                valid_until = min(valid_until, relative_valid_until(moment, context.now))
    return [display_field(record, definitions, key) for key in keys], valid_until


def _field_sections_html(described: DescribedFields, *, can_edit: bool) -> SafeString:
    """Render the page's field sections, once per described version and per edit right."""

    def context() -> dict[str, Any]:
        fields = described.fields
        return {
            "can_edit": can_edit,
            "field_sections": [
                (heading, section_id, shown)
                for heading, section_id, shown in (
                    ("Fields", "system", [field for field in fields if field.system]),
                    ("Custom fields", "custom", [field for field in fields if not field.system]),
                )
                if shown
            ],
        }

    if described.key is None:
        return render_to_string(FIELD_SECTIONS, context())
    return render_fragment(
        FIELD_SECTIONS,
        context,
        key=(described.key, can_edit),
        now=time.time(),
        valid_until=described.valid_until,
    )


FIELD_SECTIONS = "contacts/detail.html#field-sections"
RELATIONSHIPS = "contacts/detail.html#relationships"


def _relationships_html(
    request: HttpRequest, panel: dict[str, Any], *, can_edit: bool
) -> SafeString:
    """Render the relationships panel, kept while what it shows holds.

    Its forms carry this request's CSRF token and form key, filled into the kept HTML. A panel
    that reports an outcome or keeps someone's half-done search is rendered afresh.
    """
    if panel["rel_outcome"] is not None or any(
        p.state != relationships.PanelState(key=p.key) for p in panel["relationships"]
    ):
        return render_to_string(RELATIONSHIPS, {**panel, "can_edit": can_edit}, request=request)
    shown = {name: value for name, value in panel.items() if name != "rel_form_key"}
    return render_fragment_with_holes(
        RELATIONSHIPS,
        lambda: {**shown, "can_edit": can_edit},
        # Everything drawn: each panel's items, names, links and choices (their repr holds every
        # field), where the forms come back to, the edit right and the URL prefix.
        key=(repr(shown["relationships"]), panel["from_query"], can_edit, get_script_prefix()),
        holes={"csrf_token": get_token(request), "rel_form_key": panel["rel_form_key"]},
    )


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

    described = _display_fields(record, definitions)
    from_query = request.GET.get(FROM_PARAM, "")
    where = results.position(request.user.pk, from_query, record.id) if from_query else None
    refresh_params = QueryDict(mutable=True)
    if from_query:
        refresh_params[FROM_PARAM] = from_query
    refresh_params["refresh"] = "1"
    # The relationships panel (and the outcome a plain form post left for it).
    panel = relationships.panel_context(
        request, record, definitions, from_query=from_query, list_filter=relationship_list_filter
    )
    can_edit = request_role(request) >= Role.EDITOR
    context = {
        "record": record,
        "name": record.display_name,
        # "Open in Lightfield" / "Open in HighLevel": whichever CRM the link leads to.
        "crm_label": contact_service.crm_label(),
        "facts": key_facts(record, panel["relationships"]),
        "warnings": [field.label for field in described.fields if field.warning],
        "field_sections_html": _field_sections_html(described, can_edit=can_edit),
        "relationships_html": _relationships_html(request, panel, can_edit=can_edit),
        **panel,
        "fetched_at": fetched_at,
        "fetched_seconds": max(0, int((timezone.now() - fetched_at).total_seconds())),
        "refresh_url": f"{request.path}?{refresh_params.urlencode()}",
        "position": where,
        "back_url": list_url(where.back_query if where else from_query),
        "from_query": from_query,
        "history": audit_rows.describe(audit.history(record.id), with_record_names=False),
        "just_saved": request.session.pop(JUST_SAVED_SESSION_KEY, None) == record.id,
    }
    return allow_photos(render(request, "contacts/detail.html", context))
