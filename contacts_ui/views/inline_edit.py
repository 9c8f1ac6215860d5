"""Edit one field of a contact in place, on the contact page.

The editor is the full edit form restricted to one field (``ContactForm(only=key)``), so the
widget, validation, idempotency, conflict detection and audit are the full form's. htmx asks for
the editor partial and posts it back; the answer is the field's display partial (or the editor
again, with the problem shown and everything the person typed kept). Without JavaScript the
"Edit" control is a plain link to the edit page, focused on that field.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from contacts_ui import relationships
from contacts_ui.crm.errors import (
    APIStatusError,
    BadRequestError,
    ConflictError,
    CRMError,
    NotFoundError,
    UnprocessableEntityError,
)
from contacts_ui.crm.models import Definitions, FieldDefinition, Record
from contacts_ui.fields import entry_for
from contacts_ui.forms.contact_form import (
    ContactForm,
    field_name,
    payload_digest,
    read_snapshot,
    record_values,
)
from contacts_ui.identity.roles import Role, require_role
from contacts_ui.services import contacts as contact_service
from contacts_ui.services import writes
from contacts_ui.services.audit import Actor
from contacts_ui.services.definitions import get_definitions
from contacts_ui.services.errors import describe_crm_error
from contacts_ui.views.common import htmx_details, relationship_list_filter
from contacts_ui.views.contact_detail import display_field, key_facts
from contacts_ui.views.contact_detail import field_dom_id as dom_id
from contacts_ui.views.edit import (
    IN_FLIGHT_MESSAGE,
    _display_context,
    _field_for_param,
    _form_context,
)

TEMPLATE = "contacts/detail.html"
STALE_MESSAGE = (
    "This editor could not tell which value it showed you. Here is the value as it is now: "
    "check it and save again."
)
CONFLICT_MESSAGE = (
    "Someone else changed this field after you opened the page. Choose which value to keep."
)


def edit_page_url(contact_id: str, key: str) -> str:
    """Return the full edit page, focused on field ``key`` (the link used without JavaScript)."""
    base = reverse("contacts:edit", args=[contact_id])
    return f"{base}?focus={quote(key)}#field-{quote(key, safe='$')}"


def _writable(definitions: Definitions, key: str) -> FieldDefinition:
    """Return the definition of a field that can be edited in place, or raise 404."""
    definition = definitions.field_definitions.get(key)
    if definition is None or definition.read_only or not entry_for(definition.value_type).writable:
        raise Http404("This field cannot be edited.")
    return definition


def _editor_form(
    definitions: Definitions,
    request: HttpRequest,
    key: str,
    data: Any = None,
    *,
    shown: dict[str, Any] | None = None,
    updated_at: str | None = None,
) -> ContactForm:
    return ContactForm(
        definitions,
        data,
        context=_form_context(request),
        shown=shown,
        updated_at=updated_at,
        display_context=_display_context(),
        only=key,
        auto_id=f"edit-{dom_id(key)}-%s",
    )


def _render_editor(
    request: HttpRequest,
    contact_id: str,
    key: str,
    form: ContactForm,
    *,
    banner: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the single-field editor; htmx always gets 200 so it swaps the problem in."""
    form.focus_first_error()
    rows = [row for _title, section in form.sections() for row in section if row.bound]
    if not rows:
        raise Http404("This field cannot be edited.")
    definition = form.definitions.field_definitions[key]
    context = {
        "contact_id": contact_id,
        "field": {"key": key, "label": definition.label, "dom_id": dom_id(key)},
        "form": form,
        "row": rows[0],
        "banner": banner,
        "conflicts": form.conflict_rows(),
        "field_url": reverse("contacts:field", args=[contact_id, key]),
        "detail_url": reverse("contacts:detail", args=[contact_id]),
    }
    return render(
        request,
        f"{TEMPLATE}#field-editor",
        context,
        status=200 if htmx_details(request) else status,
    )


def _render_display(
    request: HttpRequest, record: Record, definitions: Definitions, key: str, *, saved: bool = False
) -> HttpResponse:
    context: dict[str, Any] = {
        "record": record,
        "field": display_field(record, definitions, key),
        "saved": saved,
    }
    if saved:
        # The header repeats the key facts (name, title, email, phone, warnings): refresh it too.
        fields = [display_field(record, definitions, k) for k in definitions.field_definitions]
        context |= {
            "head_oob": True,
            "name": record.display_name,
            "facts": key_facts(
                record,
                relationships.build_panels(
                    record, definitions, list_filter=relationship_list_filter
                ),
            ),
            "warnings": [f.label for f in fields if f.warning],
        }
    return render(request, f"{TEMPLATE}#field-row", context)


@require_GET
@vary_on_headers("HX-Request")
@require_role(Role.EDITOR)
def field_editor(request: HttpRequest, contact_id: str, key: str) -> HttpResponse:
    """Return one field's editor (htmx); without htmx, go to the edit page at that field."""
    if not htmx_details(request):
        return HttpResponseRedirect(edit_page_url(contact_id, key))
    try:
        definitions = get_definitions("contacts")
        _writable(definitions, key)
        # The cached record is the one the contact page showed: conflicts are measured from it.
        record, _ = contact_service.get_contact(contact_id)
    except NotFoundError as exc:
        raise Http404("No such contact.") from exc
    except CRMError as exc:
        return HttpResponse(describe_crm_error(exc), status=503, content_type="text/plain")
    form = _editor_form(
        definitions,
        request,
        key,
        shown=record_values(record),
        updated_at=record.updated_at_raw,
    )
    form.focus_field(key)
    return _render_editor(request, contact_id, key, form)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def contact_field(request: HttpRequest, contact_id: str, key: str) -> HttpResponseBase:
    """Show one field's value (GET, e.g. to cancel an edit) or save it (POST, editors)."""
    if request.method == "POST":
        return _save_field(request, contact_id, key)
    return _show_field(request, contact_id, key)


@require_role(Role.VIEWER)
def _show_field(request: HttpRequest, contact_id: str, key: str) -> HttpResponse:
    detail = reverse("contacts:detail", args=[contact_id])
    if not htmx_details(request):
        return HttpResponseRedirect(detail)
    try:
        definitions = get_definitions("contacts")
        record, _ = contact_service.get_contact(contact_id)
    except NotFoundError as exc:
        raise Http404("No such contact.") from exc
    except CRMError as exc:
        return HttpResponse(describe_crm_error(exc), status=503, content_type="text/plain")
    if key not in definitions.field_definitions and key not in record.fields:
        raise Http404("No such field.")
    return _render_display(request, record, definitions, key)


@require_role(Role.EDITOR)
def _save_field(request: HttpRequest, contact_id: str, key: str) -> HttpResponse:
    """Send this one field if it changed, unless someone else changed it since it was shown."""
    try:
        definitions = get_definitions("contacts")
    except CRMError as exc:
        return HttpResponse(describe_crm_error(exc), status=503, content_type="text/plain")
    _writable(definitions, key)
    shown = read_snapshot(request.POST.get("snapshot"))
    if shown is None:
        try:
            current, _ = contact_service.get_contact(contact_id, refresh=True)
        except NotFoundError as exc:
            raise Http404("No such contact.") from exc
        except CRMError as exc:
            return HttpResponse(describe_crm_error(exc), status=503, content_type="text/plain")
        form = _editor_form(
            definitions,
            request,
            key,
            shown=record_values(current),
            updated_at=current.updated_at_raw,
        )
        return _render_editor(request, contact_id, key, form, banner=STALE_MESSAGE, status=400)

    form = _editor_form(definitions, request, key, request.POST, shown=shown)
    if not form.is_valid():
        return _render_editor(request, contact_id, key, form, status=400)
    changes = form.to_api_changes()
    try:
        current, _ = contact_service.get_contact(contact_id, refresh=True)
    except NotFoundError as exc:
        raise Http404("No such contact.") from exc
    except CRMError as exc:
        return _save_failed(request, contact_id, key, form, exc)
    if not changes:
        return _finish(request, current, definitions, key, saved=False)
    if not current.updated_at_raw or current.updated_at_raw != form.shown_updated_at:
        conflicts = form.conflicts_with(current)
        if conflicts:
            rebased = form.rebased(current, conflicts)
            rebased.is_valid()
            return _render_editor(
                request, contact_id, key, rebased, banner=CONFLICT_MESSAGE, status=409
            )
        # Someone else changed other fields only: sending this one field merges with theirs.

    # The same scheme as the full form: one key per form and payload, reused on retries.
    idempotency_key = f"{form.form_key}-{payload_digest(changes)}"
    try:
        record = writes.update_contact(
            Actor.from_request(request),
            contact_id,
            changes,
            None,
            idempotency_key,
            before={name: current.value(name) for name in changes},
        )
    except NotFoundError as exc:
        raise Http404("No such contact.") from exc
    except CRMError as exc:
        return _save_failed(request, contact_id, key, form, exc)
    return _finish(request, record, definitions, key, saved=True)


def _finish(
    request: HttpRequest, record: Record, definitions: Definitions, key: str, *, saved: bool
) -> HttpResponse:
    if not htmx_details(request):
        return HttpResponseRedirect(reverse("contacts:detail", args=[record.id]))
    return _render_display(request, record, definitions, key, saved=saved)


def _save_failed(
    request: HttpRequest, contact_id: str, key: str, form: ContactForm, exc: CRMError
) -> HttpResponse:
    """Show the CRM's refusal or trouble in the editor, keeping what the person typed."""
    if isinstance(exc, BadRequestError | UnprocessableEntityError):
        name = _field_for_param(form, exc.param) or field_name(key)
        form.add_error(name, f"The CRM did not accept this: {exc.message}")
        return _render_editor(request, contact_id, key, form, status=400)
    if isinstance(exc, ConflictError):
        return _render_editor(request, contact_id, key, form, banner=IN_FLIGHT_MESSAGE, status=409)
    status = 503 if not isinstance(exc, APIStatusError) or exc.status_code >= 429 else 502
    banner = f"{describe_crm_error(exc)} Your value is kept: save again when you are ready."
    return _render_editor(request, contact_id, key, form, banner=banner, status=status)
