"""Create and edit a contact through the form generated from the CRM's definitions.

Both views are plain POST/redirect/GET, so they work without JavaScript; htmx only adds the
live duplicate check, the pickers' live matches and the markdown preview. A save that fails
comes back with everything the person typed: field errors (ours or the CRM's ``param``) on
their fields, CRM trouble as a banner above the form.

The new-contact form sets the account and the owner with the contact page's picker; the owner
starts as the signed-in person when a CRM member has their email. Without JavaScript a
picker's "Find" (and a match's "Choose") posts the whole form back, which returns with the
matches and everything typed, and creates nothing.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from contacts_ui import relationships
from contacts_ui.crm.errors import (
    BadRequestError,
    ConflictError,
    CRMError,
    DuplicateContactError,
    NotFoundError,
    UnprocessableEntityError,
)
from contacts_ui.crm.models import Definitions, Record
from contacts_ui.fields import DisplayContext
from contacts_ui.fields.display import render_markdown
from contacts_ui.fields.formfields import FormContext
from contacts_ui.forms.contact_form import (
    FIND_FIELD,
    OWNER_KEY,
    ContactForm,
    field_name,
    payload_digest,
    read_snapshot,
    record_values,
    sign_snapshot,
)
from contacts_ui.identity.roles import Role, require_role
from contacts_ui.services import contacts as contact_service
from contacts_ui.services import related, writes
from contacts_ui.services.audit import Actor
from contacts_ui.services.definitions import get_definitions, refresh_definitions
from contacts_ui.services.errors import status_for
from contacts_ui.views.common import JUST_SAVED_SESSION_KEY, htmx_details
from contacts_ui.views.errors import crm_error_response, describe_crm_error, mark_busy, not_found
from contacts_ui.web.links import record_url
from contacts_ui.web.timezones import zone_from_name

TEMPLATE = "contacts/form.html"
EMAIL_KEY = "$email"
CREATED_MESSAGE = "Saved. The CRM may enrich this contact in a moment."
UPDATED_MESSAGE = "Saved."
ALREADY_CREATED_MESSAGE = (
    "This form had already created this contact, so it was not created again and your later "
    "changes were not saved. Edit the contact to change it."
)
NOTHING_CHANGED_MESSAGE = "Nothing was changed, so nothing was sent to the CRM."
IN_FLIGHT_MESSAGE = (
    "Your save is still in progress in the CRM. Wait a moment and save again: "
    "it will not be saved twice."
)
STALE_FORM_MESSAGE = (
    "This form could not tell which values it showed you, so your entries were compared "
    "with the contact as it is now. Check them and save again."
)
PICKER_HINT = (
    "Type the start of a name, then choose from the matches: ↑ and ↓ move through them, "
    "Enter chooses, Esc closes. Or press Find."
)
ID_HINT = "Enter the id of the {noun}."
YOURS_HINT = "Set to you: your sign-in email is this member's. Change it if someone else owns it."
# The CRM keeps idempotency keys this long; a form re-submitted within it is the same save.
CREATED_MEMORY_SECONDS = 24 * 60 * 60


def _form_context(request: HttpRequest) -> FormContext:
    # A posted form is read in the zone it was shown in, even if the viewer's cookie changed.
    posted = zone_from_name(request.POST.get("time_zone")) if request.method == "POST" else None
    return FormContext(
        tz=posted or timezone.get_current_timezone(), region=settings.DASHBOARD.PHONE_DEFAULT_REGION
    )


def _display_context() -> DisplayContext:
    return DisplayContext(tz=timezone.get_current_timezone(), now=timezone.now())


def _detail_url(contact_id: str) -> str:
    # A new contact's id comes from the CRM and may not fit our URLs: fall back to the list.
    return record_url("contacts:detail", contact_id) or reverse("contacts:list")


def _created_memory_key(request: HttpRequest, form_key: str) -> str:
    return f"contacts:created:{request.user.pk}:{form_key}"


def _render(
    request: HttpRequest,
    form: ContactForm,
    *,
    record: Record | None = None,
    contact_id: str | None = None,
    duplicates: list[tuple[str, Record]] | None = None,
    banner: str | None = None,
    notice: str | None = None,
    status: int = 200,
    pickers: list[relationships.FormPicker] | None = None,
    searching: bool = False,
) -> HttpResponse:
    form.focus_first_error()
    pickers = pickers or []
    _mark_picker_errors(form, pickers)
    creating = contact_id is None
    context: dict[str, Any] = {
        "form": form,
        "creating": creating,
        "title": "New contact" if creating else f"Edit {_shown_name(form, record, contact_id)}",
        "record": record,
        "contact_id": contact_id,
        "action": reverse("contacts:new")
        if creating
        else reverse("contacts:edit", args=[contact_id]),
        "cancel_url": reverse("contacts:list") if creating else _detail_url(contact_id or ""),
        "duplicates": duplicates or [],
        "email_field": field_name(EMAIL_KEY),
        "email_unique": _email_unique(form.definitions),
        "banner": banner,
        "notice": notice,
        "conflicts": form.conflict_rows(),
        "pickers": pickers,
        "find_field": FIND_FIELD,
        # Back from a search: what is typed is not saved yet either.
        "searching": searching,
    }
    return render(request, TEMPLATE, context, status=status)


def _pickers(form: ContactForm) -> list[relationships.FormPicker]:
    """Return the form's relationship pickers, empty (the account, the owner: what it has)."""
    pickers = []
    for picked in form.picked.values():
        noun, nouns = relationships.NOUNS.get(picked.object_type or "", ("record", "records"))
        searchable = relationships.searchable(picked.object_type)
        pickers.append(
            relationships.FormPicker(
                key=picked.key,
                label=picked.label,
                object_type=picked.object_type,
                noun=noun,
                nouns=nouns,
                searchable=searchable,
                search_url=reverse("contacts:new-relationship-search", args=[picked.key]),
                input_id=picked.input_id,
                text_name=picked.text_name,
                id_name=picked.id_name,
                shown_name=picked.shown_name,
                choose_name=picked.choose_name,
                hint=PICKER_HINT if searchable else ID_HINT.format(noun=noun),
            )
        )
    return pickers


def _mark_picker_errors(form: ContactForm, pickers: list[relationships.FormPicker]) -> None:
    """Show each picker's error (ours, or the CRM's ``param``) and send focus to the first."""
    first = form.first_error_name()
    for picker in pickers:
        errors = form[picker.id_name].errors if picker.id_name in form.fields else []
        if errors:
            picker.error = str(errors[0])
        if first is not None and first != picker.id_name:
            picker.focus = ""  # another field's error has the focus
        elif first == picker.id_name and picker.focus != "matches":
            picker.focus = "q"


def _signed_in_email(request: HttpRequest) -> str:
    user = request.user
    if not user.is_authenticated:
        return ""
    return str(getattr(user, "email", "") or user.get_username())


def _default_owner(request: HttpRequest, pickers: list[relationships.FormPicker]) -> None:
    """Make the signed-in person the owner, when a CRM member has their email.

    The members come from the list every process shares, fetched once per TTL for the whole
    team: the default costs no CRM call of its own. If the CRM cannot list them, no default.
    """
    owner = next((p for p in pickers if p.key == OWNER_KEY and p.object_type == "member"), None)
    if owner is None:
        return
    try:
        member = related.member_for_email(_signed_in_email(request))
    except CRMError:
        return
    if member is not None:
        owner.choose(member.id, member.display_name)
        owner.hint = f"{YOURS_HINT} {owner.hint}"


def _email_unique(definitions: Definitions) -> bool:
    """Tell whether the CRM keeps each email on one contact (then "create anyway" cannot work)."""
    definition = definitions.field_definitions.get(EMAIL_KEY)
    return bool(definition and definition.type_configuration.unique)


def _shown_name(form: ContactForm, record: Record | None, contact_id: str | None) -> str:
    """Name the contact being edited, from the record or else from the values the form showed."""
    if record is not None:
        return record.display_name
    fields = {key: {"value": value} for key, value in form.shown.items()}
    return Record.model_validate({"id": contact_id or "", "fields": fields}).display_name


def _field_for_param(form: ContactForm, param: str | None) -> str | None:
    """Return the form field a CRM error's ``param`` points at (``fields.$address.city`` → the
    address fieldset), or None when it names no input of this form."""
    if not param:
        return None
    for name in sorted(form.fields, key=len, reverse=True):
        if param == name or param.startswith((f"{name}.", f"{name}[")):
            return name
    return None


def _save_failed(
    request: HttpRequest,
    form: ContactForm,
    exc: CRMError,
    **render_options: Any,
) -> HttpResponse:
    """Re-render the form after the CRM refused or failed a write, keeping what was typed."""
    if isinstance(exc, BadRequestError | UnprocessableEntityError):
        if exc.code in {"unknown_field", "unknown_relationship"}:
            # Our copy of the definitions is stale: the next form will be built afresh.
            with contextlib.suppress(CRMError):
                refresh_definitions("contacts")
        name = _field_for_param(form, exc.param)
        form.add_error(name, f"The CRM did not accept this: {exc.message}")
        return _render(request, form, **render_options)
    if isinstance(exc, ConflictError):
        return _render(request, form, banner=IN_FLIGHT_MESSAGE, status=409, **render_options)
    # Busy (our budget or the CRM's limit) or CRM trouble: the form comes back with everything
    # typed, above it the banner, and Retry-After says when the save can be tried again.
    response = _render(
        request, form, banner=describe_crm_error(exc), status=status_for(exc), **render_options
    )
    return mark_busy(response, exc)


def _searched(request: HttpRequest, pickers: list[relationships.FormPicker]) -> bool:
    """Apply a picker's Find or a match's Choose (no JavaScript); tell whether there was one."""
    finding = request.POST.get(FIND_FIELD, "")
    acted = False
    for picker in pickers:
        if picker.key == finding:
            picker.find()
            acted = True
        chosen = request.POST.get(picker.choose_name)
        if chosen:
            picker.choose_posted(chosen)
            acted = True
    return acted


def _emails(fields: dict[str, Any]) -> list[str]:
    value = fields.get(EMAIL_KEY)
    items = [value] if isinstance(value, str) else list(value or ())
    return [item for item in items if isinstance(item, str) and "@" in item]


@require_http_methods(["GET", "POST"])
@require_role(Role.EDITOR)
def contact_create(request: HttpRequest) -> HttpResponse:
    """Show the new-contact form; on save, check for duplicates by email, then create."""
    try:
        definitions = get_definitions("contacts")
    except CRMError as exc:
        return crm_error_response(request, exc)

    if request.method == "GET":
        email = request.GET.get("email", "").strip()[:254]
        initial = {field_name(EMAIL_KEY): [email]} if email else {}
        form = ContactForm(
            definitions,
            context=_form_context(request),
            creating=True,
            initial=initial,
            display_context=_display_context(),
        )
        duplicates: list[tuple[str, Record]] = []
        if email:
            try:
                duplicates = contact_service.find_duplicates([email])
            except CRMError:
                duplicates = []  # the check runs again on save
        form.focus_field()
        pickers = _pickers(form)
        _default_owner(request, pickers)
        return _render(request, form, duplicates=duplicates, pickers=pickers)

    form = ContactForm(
        definitions,
        request.POST,
        context=_form_context(request),
        creating=True,
        display_context=_display_context(),
    )
    pickers = _pickers(form)
    for picker in pickers:
        picker.read(request.POST)
    if _searched(request, pickers):
        # A picker's Find, or a match chosen, without JavaScript: no save, nothing judged.
        form.hold_judgement()
        return _render(request, form, pickers=pickers, searching=True)
    key = form.form_key
    created = cache.get(_created_memory_key(request, key))
    if not form.is_valid() and created is None:
        return _render(request, form, pickers=pickers)
    fields = form.to_api_changes() if form.is_valid() else {}
    if created is not None:
        # The same form again (a double click, or Back then Save): one form creates one contact.
        created_id, digest = created
        same = digest == payload_digest(fields)
        messages.info(request, CREATED_MESSAGE if same else ALREADY_CREATED_MESSAGE)
        return HttpResponseRedirect(_detail_url(created_id))

    try:
        links = {picker.key: picker.settle() for picker in pickers}
    except CRMError as exc:
        return _save_failed(request, form, exc, pickers=pickers)
    for picker in pickers:
        if picker.error:
            form.add_error(picker.id_name, picker.error)
    if form.errors:
        return _render(request, form, pickers=pickers)
    # On create a relationship takes a bare id (LIGHTFIELD.md §6; HighLevel: assignedTo).
    chosen = {key: record_id for key, record_id in links.items() if record_id} or None
    try:
        if not request.POST.get("create_anyway"):
            duplicates = contact_service.find_duplicates(_emails(fields))
            if duplicates:
                return _render(request, form, duplicates=duplicates, pickers=pickers)
        record = writes.create_contact(Actor.from_request(request), fields, chosen, key)
    except DuplicateContactError as exc:
        # The CRM found the twin itself (HighLevel also matches phone numbers): offer it.
        existing = contact_service.existing_duplicate(exc)
        if existing is None:
            return _save_failed(request, form, exc, pickers=pickers)
        return _render(request, form, duplicates=[existing], pickers=pickers)
    except CRMError as exc:
        return _save_failed(request, form, exc, pickers=pickers)
    cache.set(
        _created_memory_key(request, key),
        (record.id, payload_digest(fields)),
        CREATED_MEMORY_SECONDS,
    )
    messages.success(request, CREATED_MESSAGE)
    request.session[JUST_SAVED_SESSION_KEY] = record.id
    return HttpResponseRedirect(_detail_url(record.id))


@require_http_methods(["GET", "POST"])
@require_role(Role.EDITOR)
def contact_edit(request: HttpRequest, contact_id: str) -> HttpResponse:
    """Show the contact's form; on save, send only what changed, never over someone else's edit."""
    try:
        definitions = get_definitions("contacts")
        if request.method == "GET":
            record, _ = contact_service.get_contact(contact_id, refresh=True)
    except CRMError as exc:
        return crm_error_response(request, exc)

    if request.method == "GET":
        form = ContactForm(
            definitions,
            context=_form_context(request),
            shown=record_values(record),
            updated_at=record.updated_at_raw,
            display_context=_display_context(),
        )
        # The contact page's "Edit <field>" link, without JavaScript, lands on that field.
        form.focus_field(request.GET.get("focus") or None) or form.focus_field()
        return _render(request, form, record=record, contact_id=contact_id)

    data: QueryDict = request.POST
    shown = read_snapshot(data.get("snapshot"))
    notice = None
    if shown is None:
        # Without the snapshot nothing tells this person's changes from the record's: compare
        # with the contact as it is now, and say so.
        try:
            current, _ = contact_service.get_contact(contact_id, refresh=True)
        except CRMError as exc:
            return crm_error_response(request, exc)
        shown = record_values(current)
        data = _with_baseline(data, current)
        notice = STALE_FORM_MESSAGE
    form = ContactForm(
        definitions,
        data,
        context=_form_context(request),
        shown=shown,
        display_context=_display_context(),
    )
    options: dict[str, Any] = {"contact_id": contact_id, "notice": notice}
    if notice is not None or not form.is_valid():
        form.is_valid()
        return _render(request, form, **options)

    changes = form.to_api_changes()
    if not changes:
        messages.info(request, NOTHING_CHANGED_MESSAGE)
        return HttpResponseRedirect(_detail_url(contact_id))
    try:
        current, _ = contact_service.get_contact(contact_id, refresh=True)
    except NotFoundError:
        return not_found(request)
    except CRMError as exc:
        return _save_failed(request, form, exc, **options)
    options["record"] = current
    # Without an updatedAt to compare, compare the values themselves.
    if not current.updated_at_raw or current.updated_at_raw != form.shown_updated_at:
        conflicts = form.conflicts_with(current)
        if conflicts:
            rebased = form.rebased(current, conflicts)
            rebased.is_valid()
            return _render(request, rebased, status=409, **options)
        # Someone else changed other fields: sending only this person's changes merges them.

    # One key per form and payload: a double click or a retry replays the first save, while a
    # different save from the same form (after Back) is not mistaken for it.
    key = f"{form.form_key}-{payload_digest(changes)}"
    try:
        writes.update_contact(
            Actor.from_request(request),
            contact_id,
            changes,
            None,
            key,
            before={name: current.value(name) for name in changes},
        )
    except NotFoundError:
        return not_found(request)
    except CRMError as exc:
        return _save_failed(request, form, exc, **options)
    messages.success(request, UPDATED_MESSAGE)
    request.session[JUST_SAVED_SESSION_KEY] = contact_id
    return HttpResponseRedirect(_detail_url(contact_id))


def _with_baseline(data: QueryDict, current: Record) -> QueryDict:
    baseline = data.copy()
    baseline["snapshot"] = sign_snapshot(record_values(current))
    baseline["updated_at"] = current.updated_at_raw or ""
    return baseline


@require_GET
@vary_on_headers("HX-Request")
@require_role(Role.EDITOR)
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """Say whether the email(s) being typed already belong to a contact (htmx fragment).

    Without htmx, open the new-contact form with the email filled in and checked.
    """
    emails = [
        e.strip() for e in request.GET.getlist(field_name(EMAIL_KEY)) + request.GET.getlist("email")
    ]
    emails = [e for e in emails if "@" in e and "." in e.rpartition("@")[2]]
    if not htmx_details(request):
        query = QueryDict(mutable=True)
        if emails:
            query["email"] = emails[0]
        return HttpResponseRedirect(f"{reverse('contacts:new')}?{query.urlencode()}")
    try:
        unique = _email_unique(get_definitions("contacts"))
        duplicates = contact_service.find_duplicates(emails)
        unavailable = False
    except CRMError:
        unique, duplicates, unavailable = False, [], True
    context = {
        "duplicates": duplicates,
        "duplicate_check_unavailable": unavailable,
        "email_unique": unique,
    }
    return render(request, f"{TEMPLATE}#duplicates", context)


@require_POST
@require_role(Role.EDITOR)
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Render the markdown being typed, sanitised exactly as the contact page will show it."""
    name = request.POST.get("field", "")
    source = request.POST.get(name, "") if name.startswith("fields.") else ""
    return render(request, f"{TEMPLATE}#preview", {"preview": render_markdown(source[:20_000])})
