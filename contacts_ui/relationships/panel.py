"""The relationships panel of a contact page: linked records by name, outcomes, undo offers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest

from contacts_ui.crm.errors import (
    APIStatusError,
    BadRequestError,
    ConflictError,
    CRMError,
    NotFoundError,
    UnprocessableEntityError,
)
from contacts_ui.crm.models import Definitions, Record, RelationshipDefinition
from contacts_ui.crm.safety import safe_http_url
from contacts_ui.relationships.operations import (
    NOUNS,
    SESSION_PREFIX,
    ListFilter,
)
from contacts_ui.relationships.picker import Choice, searchable
from contacts_ui.services import related
from contacts_ui.services.errors import describe_crm_error
from contacts_ui.web.links import record_url

_DOM_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


# -- errors ----------------------------------------------------------------------------------


def describe_error(exc: CRMError, definition: RelationshipDefinition, done: int, total: int) -> str:
    """Turn a failed relationship write into a sentence for the panel."""
    noun = NOUNS.get(definition.object_type or "", ("record", "records"))[0]
    code = getattr(exc, "code", None)
    if code in {"relationship_entity_missing", "referenced_resource_missing"}:
        message = f"The CRM has no {noun} with that id. Pick one from the search results."
    elif isinstance(exc, NotFoundError):
        message = "The CRM no longer has this contact; it may have been deleted."
    elif code == "relationship_entity_inactive":
        message = f"That {noun} is inactive in the CRM and cannot be linked."
    elif code == "relationship_write_limit_exceeded":
        message = "The CRM refused to change that many links at once."
    elif code == "unknown_relationship":
        message = f"The CRM no longer has “{definition.label}” on contacts. Reload the page."
    elif isinstance(exc, ConflictError):
        message = "Another change to this contact is still in progress. Try again in a moment."
    elif isinstance(exc, BadRequestError | UnprocessableEntityError):
        message = f"The CRM did not accept this: {exc.message}"
    elif isinstance(exc, APIStatusError) and exc.status_code == 403:
        message = (
            f"The CRM refused: the dashboard's API key may not change {definition.label}. "
            "Ask IT to add the contacts:update scope."
        )
    else:
        message = describe_crm_error(exc)
    if done:
        message += f" {done} of {total} requests went through; what they changed is shown."
    return message


# -- the panel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedItem:
    """A linked record as the panel shows it."""

    id: str
    name: str
    url: str = ""
    external: bool = False
    missing: bool = False
    # Where the record lives in the CRM (http(s) only), offered beside the in-dashboard link.
    crm_url: str = ""


@dataclass(frozen=True)
class Preview:
    """What "replace all" would leave: the resulting set, and what it adds and removes."""

    ids: list[str]
    result: list[LinkedItem]
    added: list[str]
    removed: list[LinkedItem]


@dataclass
class PanelState:
    """What one person did in one relationship's section: kept when the page comes back."""

    key: str
    q: str = ""
    chosen: str = ""
    error: str = ""
    matches: list[Choice] = field(default_factory=list)
    searched: bool = False
    replace_open: bool = False
    replace_ids: list[str] | None = None
    replace_q: str = ""
    replace_matches: list[Choice] = field(default_factory=list)
    preview_ids: list[str] | None = None
    focus: str = ""

    def to_session(self) -> dict[str, Any]:
        """Return the state as plain JSON-able data (it may ride in the session)."""
        return asdict(self)

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> PanelState:
        """Rebuild a state stored by ``to_session``."""
        values = dict(data)
        values["matches"] = [Choice(**c) for c in values.get("matches", [])]
        values["replace_matches"] = [Choice(**c) for c in values.get("replace_matches", [])]
        return cls(**values)


@dataclass(frozen=True)
class Outcome:
    """The result of the last change, with the undo (or redo) that takes it back."""

    key: str
    message: str
    undo: str = ""
    redo: bool = False

    @property
    def undo_label(self) -> str:
        return "Redo" if self.redo else "Undo"


@dataclass
class Panel:
    """One relationship of the contact, as its section of the panel shows it."""

    key: str
    label: str
    many: bool
    object_type: str | None
    dom_id: str
    url: str
    search_url: str
    items: list[LinkedItem]
    editable: bool
    searchable: bool
    noun: str
    nouns: str
    state: PanelState
    replace_choices: list[Choice] = field(default_factory=list)
    preview: Preview | None = None

    @property
    def described_by(self) -> str:
        """Return the ids that describe the picker's box: its hint, and its error if any."""
        return f"{self.dom_id}-hint" + (f" {self.dom_id}-error" if self.state.error else "")

    @property
    def focus_box(self) -> bool:
        return self.state.focus == "q"

    @property
    def focus_replace_box(self) -> bool:
        return self.state.focus == "replace-q"

    @property
    def matches_focus(self) -> str:
        return "data-focus" if self.state.focus == "matches" else ""


def dom_id(index: int, key: str) -> str:
    """Return an HTML id for a relationship's section (keys carry ``$`` and other characters)."""
    slug = _DOM_UNSAFE.sub("-", key).strip("-").lower() or "relationship"
    return f"rel-{index}-{slug}"


def _item(
    record_id: str,
    names: Mapping[str, related.RelatedName],
    object_type: str | None,
    filter_param: str | None = None,
) -> LinkedItem:
    """Link a related record inside the dashboard: a contact's page, or the contacts list
    filtered by it; the CRM's own page is a separate link."""
    name = names.get(record_id)
    label = name.label if name else record_id
    missing = bool(name and name.missing)
    crm_url = (safe_http_url(name.http_link) or "") if name is not None else ""
    if object_type == "contact":
        url = record_url("contacts:detail", record_id) or ""
    elif filter_param:
        url = f"{record_url('contacts:list')}?{urlencode({filter_param: record_id})}"
    else:
        url = ""
    # An id that cannot be part of our URLs is listed without a link, never a 500.
    return LinkedItem(record_id, label, url, missing=missing, crm_url=crm_url)


def build_panels(
    record: Record,
    definitions: Definitions,
    *,
    contact_id: str | None = None,
    states: Mapping[str, PanelState] | None = None,
    list_filter: ListFilter | None = None,
) -> list[Panel]:
    """Build one section per relationship definition, then any extra key the record carries.

    With ``list_filter``, a linked account (or other non-contact) links to the contacts list
    filtered by it; a linked contact always links to its page.
    """
    states = states or {}
    contact_id = contact_id or record.id
    keys = list(definitions.relationship_definitions)
    keys += [key for key in record.relationships if key not in definitions.relationship_definitions]
    wanted: list[tuple[str, str]] = []
    for key in keys:
        definition = definitions.relationship_definitions.get(key)
        wanted_type = related.object_type_of(record, key, definition) or "unknown"
        state = states.get(key)
        extra = list(record.related_ids(key))
        if state is not None:
            extra += (state.replace_ids or []) + (state.preview_ids or [])
        wanted += [(wanted_type, i) for i in extra]
    try:
        names = related.resolve(wanted)
    except CRMError:
        names = {}

    panels = []
    for index, key in enumerate(keys):
        definition = definitions.relationship_definitions.get(key)
        relationship = record.relationships.get(key)
        object_type = related.object_type_of(record, key, definition)
        cardinality = (definition.cardinality if definition else "") or (
            relationship.cardinality if relationship else ""
        )
        many = cardinality != "has_one"
        linked = list(record.related_ids(key))
        state = states.get(key) or PanelState(key=key)
        noun, nouns = NOUNS.get(object_type or "", ("record", "records"))
        filter_param = list_filter(key) if list_filter and definition and definition.slug else None
        url = search_url = ""
        if definition is not None:
            # A key that cannot be part of our URLs leaves the panel read-only, not a 500.
            url = record_url("contacts:relationships", contact_id, key) or ""
            search_url = record_url("contacts:relationship-search", contact_id, key) or ""
        editable = bool(url and search_url)
        panel = Panel(
            key=key,
            label=definition.label if definition else key,
            many=many,
            object_type=object_type,
            dom_id=dom_id(index, key),
            url=url,
            search_url=search_url,
            items=[_item(i, names, object_type, filter_param) for i in linked],
            editable=editable,
            searchable=searchable(object_type),
            noun=noun,
            nouns=nouns,
            state=state,
        )
        if many and editable:
            chosen = state.replace_ids if state.replace_ids is not None else linked
            choices = [
                Choice(i, _item(i, names, object_type).name, linked=i in linked, checked=True)
                for i in chosen
            ]
            shown = {c.id for c in choices}
            choices += [
                Choice(m.id, m.name, m.detail, m.linked)
                for m in state.replace_matches
                if m.id not in shown
            ]
            panel.replace_choices = choices
            if state.preview_ids is not None:
                result = [_item(i, names, object_type) for i in state.preview_ids]
                panel.preview = Preview(
                    ids=list(state.preview_ids),
                    result=result,
                    added=[i for i in state.preview_ids if i not in linked],
                    removed=[
                        _item(i, names, object_type) for i in linked if i not in state.preview_ids
                    ],
                )
        panels.append(panel)
    return panels


def outcome_message(
    label: str,
    before: Sequence[str],
    after: Sequence[str],
    touched: Collection[str],
    *,
    object_type: str | None,
    undoing: bool = False,
) -> str:
    """Describe what a change did, by name: "Added Acme to Accounts."."""
    added = [i for i in after if i not in before and i in touched]
    removed = [i for i in before if i not in after and i in touched]
    try:
        names = related.resolve((object_type or "unknown", i) for i in added + removed)
    except CRMError:
        names = {}

    def listed(ids: list[str]) -> str:
        shown = [names[i].name if i in names else i for i in ids[:5]]
        rest = len(ids) - len(shown)
        return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")

    if not added and not removed:
        message = f"Nothing changed in {label}."
    elif added and removed:
        message = f"{label}: added {listed(added)}; removed {listed(removed)}."
    elif added:
        message = f"Added {listed(added)} to {label}."
    else:
        message = f"Removed {listed(removed)} from {label}."
    return f"Undone. {message}" if undoing else message


def _session_key(contact_id: str) -> str:
    return f"{SESSION_PREFIX}{contact_id}"


def flash(
    request: HttpRequest,
    contact_id: str,
    *,
    outcome: Outcome | None = None,
    state: PanelState | None = None,
) -> None:
    """Keep an outcome or a state for the contact page the browser is redirected to."""
    request.session[_session_key(contact_id)] = {
        "outcome": asdict(outcome) if outcome else None,
        "state": state.to_session() if state else None,
    }


def _take_flash(request: HttpRequest, contact_id: str) -> tuple[Outcome | None, PanelState | None]:
    session = getattr(request, "session", None)
    if session is None:
        return None, None
    data = session.pop(_session_key(contact_id), None)
    if not isinstance(data, dict):
        return None, None
    try:
        outcome = Outcome(**data["outcome"]) if data.get("outcome") else None
        state = PanelState.from_session(data["state"]) if data.get("state") else None
    except (TypeError, KeyError):
        return None, None
    return outcome, state


def panel_context(
    request: HttpRequest,
    record: Record,
    definitions: Definitions,
    *,
    contact_id: str | None = None,
    from_query: str = "",
    outcome: Outcome | None = None,
    state: PanelState | None = None,
    list_filter: ListFilter | None = None,
) -> dict[str, Any]:
    """Return what the ``relationships`` partial needs, on the contact page and after a change.

    Without ``outcome``/``state`` the ones a plain form post left in the session are shown
    (once): that is how the page after the redirect offers undo or shows an error.
    """
    contact_id = contact_id or record.id
    if outcome is None and state is None:
        outcome, state = _take_flash(request, contact_id)
    states = {state.key: state} if state else {}
    if outcome is not None:
        definition = definitions.relationship_definitions.get(outcome.key)
        if definition is None:
            outcome = None
    return {
        "record": record,
        "relationships": build_panels(
            record, definitions, contact_id=contact_id, states=states, list_filter=list_filter
        ),
        "rel_outcome": outcome,
        "rel_outcome_url": (
            (record_url("contacts:relationships", contact_id or "", outcome.key) or "")
            if outcome
            else ""
        ),
        # One key per rendering of the panel: every form in it sends it, and the write adds a
        # digest of what it sends (see idempotency_key).
        "rel_form_key": uuid.uuid4().hex,
        "from_query": from_query,
    }
