"""The contact form, generated from the CRM's definitions.

One input per writable field (system fields first, then custom, in definition order); read-only
fields and types the registry cannot write are shown, never sent. Field names are the CRM's
request locations (``fields.$email``, ``relationships.$account``) so an error's ``param`` names
its input directly.

The form carries hidden values through every re-render: the Idempotency-Key issued when it was
first shown, the record's ``updatedAt`` then, a signed snapshot of the values shown, and the time
zone its date-times were shown in.
Changes are measured against the snapshot, so only what this person changed is sent, and a
value someone else changed meanwhile can be told apart from one this person changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString

from contacts_ui.crm.models import Definitions, FieldDefinition, Record
from contacts_ui.fields import DisplayContext, display_html, entry_for
from contacts_ui.fields.display import DEFAULT_CONTEXT, is_empty
from contacts_ui.fields.formfields import CRMFieldMixin, FormContext, fit_to_stored
from contacts_ui.fields.registry import ValueTypeEntry
from contacts_ui.fields.widgets import (
    TEXTAREA,
    CheckboxSelectMultiple,
    HiddenInput,
    RowsWidget,
    as_posted,
    raw_value,
)

FIELD_PREFIX = "fields."
RELATIONSHIP_PREFIX = "relationships."
RESOLVE_PREFIX = "resolve."
ACCOUNT_KEY = "$account"
OWNER_KEY = "$owner"
# The relationships a new contact can be given on its form, in the order the form shows them.
PICKED_KEYS = (ACCOUNT_KEY, OWNER_KEY)
# The "Find" button of a picker (no JavaScript) sends the relationship key under this name.
FIND_FIELD = "find"
THEIRS, MINE = "theirs", "mine"
SNAPSHOT_SALT = "contacts_ui.forms.contact_form.snapshot"
EMAIL_KEY = "$email"
NAME_OR_EMAIL = ("$name", EMAIL_KEY)
_DOM_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def field_name(key: str) -> str:
    """Return the form field name of CRM field ``key`` (its request location)."""
    return FIELD_PREFIX + key


def sign_snapshot(values: Mapping[str, Any]) -> str:
    """Sign the values a form shows, so a later POST can be compared with them."""
    return signing.dumps(dict(values), salt=SNAPSHOT_SALT, compress=True)


def read_snapshot(token: str | None) -> dict[str, Any] | None:
    """Return the values a form showed, or None when the token is missing or was tampered with."""
    if not token:
        return None
    try:
        values = signing.loads(token, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None
    return values if isinstance(values, dict) else None


def record_values(record: Record) -> dict[str, Any]:
    """Return a record's field values as read (the API's bare values)."""
    return {key: field.value for key, field in record.fields.items()}


def same_value(a: Any, b: Any) -> bool:
    """Tell whether two API values mean the same (every flavour of "unset" is one)."""
    if is_empty(a) and is_empty(b):
        return True
    return a == b


def _valid_key(candidate: Any) -> str | None:
    try:
        return str(uuid.UUID(str(candidate)))
    except ValueError:
        return None


@dataclass(frozen=True)
class FormField:
    """Tie a form field to the CRM field it edits."""

    key: str
    name: str
    definition: FieldDefinition
    entry: ValueTypeEntry


@dataclass(frozen=True)
class PickedRelationship:
    """A relationship the new-contact form sets with the picker, and its inputs' names.

    ``relationships.$owner`` holds the chosen id (so a CRM error's ``param`` lands on it);
    ``….q`` what was typed; ``….name`` the name shown when the id was chosen; ``….choose`` is
    the button of a match listed without JavaScript.
    """

    key: str
    label: str
    object_type: str | None

    @property
    def id_name(self) -> str:
        return RELATIONSHIP_PREFIX + self.key

    @property
    def text_name(self) -> str:
        return f"{self.id_name}.q"

    @property
    def shown_name(self) -> str:
        return f"{self.id_name}.name"

    @property
    def choose_name(self) -> str:
        return f"{self.id_name}.choose"

    @property
    def input_id(self) -> str:
        return "pick-" + (_DOM_UNSAFE.sub("-", self.key).strip("-").lower() or "relationship")


@dataclass(frozen=True)
class ReadOnlyRow:
    """A field the form shows but never sends (read-only, or a type it cannot write)."""

    key: str
    label: str
    description: str
    html: SafeString


@dataclass(frozen=True)
class Row:
    """One line of the form: an input (``bound``) or a value shown read-only."""

    bound: forms.BoundField | None = None
    read_only: ReadOnlyRow | None = None
    key: str = ""


@dataclass(frozen=True)
class Conflict:
    """A field both this person and someone else changed since the form was shown."""

    key: str
    name: str
    label: str
    theirs: SafeString
    mine: SafeString
    choice: str | None


def ordered_keys(definitions: Definitions) -> list[str]:
    """Return field keys: system (``$``) fields first, then custom, each in definition order."""
    keys = list(definitions.field_definitions)
    return [k for k in keys if k.startswith("$")] + [k for k in keys if not k.startswith("$")]


class ContactForm(forms.Form):
    """Create or edit one contact; see the module docstring for the hidden values it carries."""

    idempotency_key = forms.CharField(widget=HiddenInput, required=False)
    updated_at = forms.CharField(widget=HiddenInput, required=False)
    snapshot = forms.CharField(widget=HiddenInput, required=False)
    conflicts = forms.CharField(widget=HiddenInput, required=False)
    # The zone the form's date-times were shown in; the POST is read in the same zone.
    time_zone = forms.CharField(widget=HiddenInput, required=False)

    def __init__(
        self,
        definitions: Definitions,
        data: Mapping[str, Any] | None = None,
        *,
        context: FormContext = FormContext(),  # noqa: B008 — frozen, shared safely.
        shown: Mapping[str, Any] | None = None,
        updated_at: str | None = None,
        creating: bool = False,
        initial: Mapping[str, Any] | None = None,
        display_context: DisplayContext = DEFAULT_CONTEXT,
        only: str | None = None,
        auto_id: bool | str = "id_%s",
    ) -> None:
        super().__init__(data, initial=dict(initial or {}), auto_id=auto_id)
        self.definitions = definitions
        self.context = context
        self.creating = creating
        self.display_context = display_context
        # Editing one field in place: the form holds, shows and compares that field alone.
        self.only = only
        self.shown: dict[str, Any] = dict(shown or {})
        if only is not None:
            self.shown = {only: self.shown[only]} if only in self.shown else {}
        self.crm_fields: dict[str, FormField] = {}
        self.read_only_rows: dict[str, ReadOnlyRow] = {}
        self.picked: dict[str, PickedRelationship] = {}

        for key in ordered_keys(definitions):
            if only is None or key == only:
                self._add_field(key, definitions.field_definitions[key], shown is not None)
        for key in self.shown.keys() - definitions.field_definitions.keys():
            # A field the definitions do not describe (yet): shown as text, never sent.
            self._show_read_only(key, FieldDefinition(label=key))
        if creating:
            self._add_live_helpers()

        if not self.is_bound:
            # Issued once, when the form is first shown; every re-render carries it on.
            self.initial["idempotency_key"] = str(uuid.uuid4())
            self.initial["updated_at"] = updated_at or ""
            self.initial["snapshot"] = sign_snapshot(self.shown) if shown is not None else ""
            self.initial["time_zone"] = str(context.tz)
        self.conflict_keys = self._posted_conflicts()

    # -- construction ------------------------------------------------------------------------

    def _add_field(self, key: str, definition: FieldDefinition, editing: bool) -> None:
        entry = entry_for(definition.value_type)
        name = field_name(key)
        # A key with a line break or NUL comes back from the browser under another name (the
        # parser and form encoding rewrite them), so its input would read as emptied.
        if definition.read_only or not entry.writable or as_posted(name, TEXTAREA) != name:
            self._show_read_only(key, definition)
            return
        assert entry.form_field is not None
        assert entry.from_api is not None
        field = entry.form_field(definition, self.context)
        if editing:
            try:
                value = entry.from_api(self.shown.get(key), definition, self.context)
            except ValueError:
                # A payload the form cannot represent is shown as it is, never written back.
                self._show_read_only(key, definition)
                return
            fit_to_stored(field, value)
            self.initial[name] = value
            if isinstance(field, CRMFieldMixin):
                field.show(value, raw_value(field.widget, field.widget.data_for(name, value), name))
        self.fields[name] = field
        self.crm_fields[name] = FormField(key, name, definition, entry)

    def _add_live_helpers(self) -> None:
        """Add the live duplicate check by email and the relationship pickers (create only)."""
        email = self.fields.get(field_name(EMAIL_KEY))
        if email is not None:
            email.widget.attrs.update(
                {
                    "hx-get": reverse_lazy("contacts:duplicates"),
                    "hx-trigger": "input changed delay:500ms, change",
                    "hx-target": "#duplicate-check",
                    "hx-swap": "innerHTML",
                    "hx-include": f"[name='{field_name(EMAIL_KEY)}']",
                    "hx-sync": "this:replace",
                }
            )
        for key in PICKED_KEYS:
            definition = self.definitions.relationship_definitions.get(key)
            if definition is None:
                continue
            # One record each: a contact created with one account (more are linked on its page).
            label = "Account" if key == ACCOUNT_KEY else definition.label
            picked = PickedRelationship(key, label, definition.object_type)
            self.picked[key] = picked
            # The chosen id only; the picker's other inputs are read as posted (see the view).
            self.fields[picked.id_name] = forms.CharField(
                label=label, required=False, max_length=100, widget=HiddenInput
            )

    def _show_read_only(self, key: str, definition: FieldDefinition) -> None:
        value = self.shown.get(key)
        self.read_only_rows[key] = ReadOnlyRow(
            key=key,
            label=definition.label,
            description=definition.description or "",
            html=display_html(definition.value_type, value, definition, self.display_context),
        )

    def _posted_conflicts(self) -> list[str]:
        if not self.is_bound:
            return []
        posted = str(self.data.get("conflicts") or "")
        return [key for key in posted.split(",") if field_name(key) in self.crm_fields]

    # -- reading -----------------------------------------------------------------------------

    @property
    def form_key(self) -> str:
        """Return the Idempotency-Key issued with this form (a fresh one if it was lost)."""
        if self.is_bound:
            key = _valid_key(self.data.get("idempotency_key"))
            if key is None:
                key = str(uuid.uuid4())
                data = QueryDict(mutable=True)
                if isinstance(self.data, QueryDict):
                    data = self.data.copy()
                else:
                    data.update(self.data)
                data["idempotency_key"] = key
                self.data = data
            return key
        return str(self.initial["idempotency_key"])

    @property
    def shown_updated_at(self) -> str:
        """Return the record's ``updatedAt`` when the form was shown."""
        source = self.data if self.is_bound else self.initial
        return str(source.get("updated_at") or "")

    def sections(self) -> list[tuple[str, list[Row]]]:
        """Return the rows to render, grouped: system fields, then custom fields."""
        system: list[Row] = []
        custom: list[Row] = []
        undefined = sorted(self.read_only_rows.keys() - self.definitions.field_definitions.keys())
        for key in [*ordered_keys(self.definitions), *undefined]:
            name = field_name(key)
            if name in self.fields:
                row = Row(bound=self[name], key=key)
            elif key in self.read_only_rows:
                row = Row(read_only=self.read_only_rows[key], key=key)
            else:
                continue
            (system if key.startswith("$") else custom).append(row)
        groups = (("Fields", system), ("Custom fields", custom))
        return [(title, rows) for title, rows in groups if rows]

    def first_error_name(self) -> str | None:
        """Return the html name of the first field with an error, in page order (the pickers
        come after the fields)."""
        for _title, rows in self.sections():
            for row in rows:
                if row.bound is not None and row.bound.errors:
                    return row.bound.html_name
        for picked in self.picked.values():
            if self[picked.id_name].errors:
                return picked.id_name
        return None

    def focus_first_error(self) -> None:
        """Put ``autofocus`` on the first input with an error, so focus lands there even
        without JavaScript after a failed save."""
        name = self.first_error_name()
        if name is not None and name not in {p.id_name for p in self.picked.values()}:
            # A picker's box is drawn by its own template, which is told where focus goes.
            self._autofocus(name)

    def focus_field(self, key: str | None = None) -> bool:
        """Put ``autofocus`` on the input of CRM field ``key`` (the first field when None);
        tell whether there was one."""
        name = field_name(key) if key else next(iter(self.crm_fields), None)
        if name is None or name not in self.fields:
            return False
        self._autofocus(name)
        return True

    def error_links(self) -> list[tuple[str, str, str]]:
        """Return (element id, field label, first message) per field with an error, in page
        order, for the summary above the form to link to."""
        links = []
        for _title, rows in self.sections():
            for row in rows:
                bound = row.bound
                if bound is not None and bound.errors:
                    target = f"field-{row.key}" if row.key else bound.id_for_label
                    links.append((target, str(bound.label), str(bound.errors[0])))
        for picked in self.picked.values():
            errors = self[picked.id_name].errors
            if errors:
                links.append((picked.input_id, picked.label, str(errors[0])))
        return links

    def _autofocus(self, name: str) -> None:
        widget = self.fields[name].widget
        if isinstance(widget, forms.MultiWidget):
            widget = widget.widgets[0]
        if isinstance(widget, RowsWidget | CheckboxSelectMultiple):
            widget.autofocus_first = True
        else:
            widget.attrs["autofocus"] = True

    def _is_changed(self, name: str) -> bool:
        bound = self[name]
        if isinstance(bound.field, CRMFieldMixin) and bound.field.untouched(bound.data):
            return False
        return bool(bound.field.has_changed(self.initial.get(name), bound.data))

    @cached_property
    def _changed_keys(self) -> tuple[str, ...]:
        return tuple(f.key for name, f in self.crm_fields.items() if self._is_changed(name))

    def changed_fields(self) -> list[str]:
        """Return the CRM keys the person changed, compared with what the form showed."""
        return list(self._changed_keys)

    def resolution(self, key: str) -> str | None:
        """Return how the person resolved a conflict on ``key``: theirs, mine, or not yet."""
        choice = self.data.get(RESOLVE_PREFIX + key) if self.is_bound else None
        return choice if choice in (THEIRS, MINE) else None

    def to_api_changes(self) -> dict[str, Any]:
        """Return ``{key: value}`` for the changed fields only; a cleared field is ``None``.

        Conflicts the person settled in favour of the other change are left out.
        """
        changes: dict[str, Any] = {}
        for key in self.changed_fields():
            if key in self.conflict_keys and self.resolution(key) == THEIRS:
                continue
            form_field = self.crm_fields[field_name(key)]
            assert form_field.entry.to_api is not None
            value = self.cleaned_data.get(form_field.name)
            changes[key] = form_field.entry.to_api(value, form_field.definition)
        return changes

    def hold_judgement(self) -> None:
        """Show what was typed without judging it: the form comes back for a search, not a save.

        A "Find" (or the choice of a match) is no attempt to save, so no "not saved" summary
        and no field errors; the values stay as posted.
        """
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.creating and not self.errors:
            named = [k for k in NAME_OR_EMAIL if field_name(k) in self.fields]
            if named and not set(named) & set(self.changed_fields()):
                raise forms.ValidationError(
                    "Give the contact at least a name or an email address.", code="empty"
                )
        for key in self.conflict_keys:
            name = field_name(key)
            if self.resolution(key) is None and name in self.fields and self._is_changed(name):
                self.add_error(
                    name, "Someone else changed this field too: choose which value to keep."
                )
        return cleaned

    # -- conflicts ---------------------------------------------------------------------------

    def changed_elsewhere(self, current: Record) -> set[str]:
        """Return the editable keys whose value in ``current`` differs from what was shown."""
        now = record_values(current)
        return {
            f.key
            for f in self.crm_fields.values()
            if not same_value(now.get(f.key), self.shown.get(f.key))
        }

    def _differs_from(self, form_field: FormField, api_value: Any) -> bool:
        assert form_field.entry.from_api is not None
        try:
            theirs = form_field.entry.from_api(api_value, form_field.definition, self.context)
        except ValueError:
            return True
        return bool(self.fields[form_field.name].has_changed(theirs, self[form_field.name].data))

    def conflicts_with(self, current: Record) -> list[str]:
        """Return keys both this person and someone else changed, to different values."""
        elsewhere = self.changed_elsewhere(current)
        now = record_values(current)
        return [
            key
            for key in self.changed_fields()
            if key in elsewhere
            and self._differs_from(self.crm_fields[field_name(key)], now.get(key))
        ]

    def rebased(self, current: Record, conflicts: Iterable[str]) -> ContactForm:
        """Return this form re-based on ``current``: others' changes merged in, conflicts flagged.

        Fields only someone else changed (or whose conflict the person settled in their favour)
        take the current value; fields this person changed keep what they typed; the snapshot
        and ``updatedAt`` become the current record's.
        """
        assert isinstance(self.data, QueryDict)
        data = self.data.copy()
        given_up = {k for k in self.conflict_keys if self.resolution(k) == THEIRS}
        mine = set(self.changed_fields()) - given_up
        now = record_values(current)
        for key in (self.changed_elsewhere(current) - mine) | given_up:
            form_field = self.crm_fields[field_name(key)]
            assert form_field.entry.from_api is not None
            widget = self.fields[form_field.name].widget
            for suffix in ("", *getattr(widget, "widgets_names", ())):
                data.pop(form_field.name + suffix, None)
            try:
                value = form_field.entry.from_api(now.get(key), form_field.definition, self.context)
            except ValueError:
                continue
            for name, values in widget.data_for(form_field.name, value).items():
                data.setlist(name, values)
        keys = list(conflicts)
        data["conflicts"] = ",".join(keys)
        data["updated_at"] = current.updated_at_raw or ""
        data["snapshot"] = sign_snapshot(now)
        for key in keys:
            data.pop(RESOLVE_PREFIX + key, None)
        return ContactForm(
            self.definitions,
            data,
            context=self.context,
            shown=now,
            creating=self.creating,
            display_context=self.display_context,
            only=self.only,
            auto_id=self.auto_id,
        )

    def _typed_html(self, form_field: FormField) -> SafeString:
        """Render what this person typed into a field as the contact page would show it."""
        bound = self[form_field.name]
        assert form_field.entry.to_api is not None
        try:
            value = form_field.entry.to_api(bound.field.clean(bound.data), form_field.definition)
        except ValidationError:
            raw = bound.data
            return format_html("{}", ", ".join(raw) if isinstance(raw, list) else raw)
        return display_html(
            form_field.definition.value_type, value, form_field.definition, self.display_context
        )

    def conflict_rows(self) -> list[Conflict]:
        """Describe each flagged conflict: their value (now in the CRM) against this person's."""
        rows = []
        for key in self.conflict_keys:
            form_field = self.crm_fields[field_name(key)]
            definition = form_field.definition
            value_type = definition.value_type
            rows.append(
                Conflict(
                    key=key,
                    name=RESOLVE_PREFIX + key,
                    label=definition.label,
                    theirs=display_html(
                        value_type, self.shown.get(key), definition, self.display_context
                    ),
                    mine=self._typed_html(form_field),
                    choice=self.resolution(key),
                )
            )
        return rows


def payload_digest(
    fields: Mapping[str, Any], relationships: Mapping[str, Any] | None = None
) -> str:
    """Return a short digest of a write's body, to tell two different saves of one form apart."""
    body = json.dumps({"f": fields, "r": relationships or {}}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:16]
