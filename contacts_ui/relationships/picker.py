"""The relationship picker: records to link, found by name and told apart by a detail."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from contacts_ui.crm.errors import (
    CRMError,
)
from contacts_ui.crm.models import Record
from contacts_ui.relationships.operations import (
    MAX_QUERY_CHARS,
    SEARCH_LIMIT,
    clean_id,
    looks_like_id,
)
from contacts_ui.services import related
from contacts_ui.services.definitions import get_definitions
from contacts_ui.services.errors import describe_crm_error

# -- the picker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One record the picker offers: enough to tell it from others of the same name."""

    id: str
    name: str
    detail: str = ""
    linked: bool = False
    checked: bool = False


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = next((item for item in value if item), "")
    return str(value) if value else ""


def _website(record: Record) -> str:
    site = _first(record.value("$website"))
    return re.sub(r"^https?://(www\.)?", "", site).rstrip("/")


def _detail(record: Record, object_type: str, stage_labels: Mapping[str, str]) -> str:
    if object_type == "account":
        detail = _website(record)
    elif object_type == "opportunity":
        stage = record.value("$stage")
        detail = stage_labels.get(stage, "") if isinstance(stage, str) else ""
    else:  # contacts and members: the email tells namesakes apart
        detail = _first(record.value("$email"))
    return detail or record.id


def _stage_labels() -> dict[str, str]:
    try:
        definition = get_definitions("opportunities").field_definitions.get("$stage")
    except CRMError:
        return {}
    return {o.id: o.label for o in definition.type_configuration.options} if definition else {}


def searchable(object_type: str | None) -> bool:
    """Tell whether the picker can search this object type by name (else it takes ids)."""
    return related.searchable(object_type)


def search(
    object_type: str | None, typed: str, *, linked: Collection[str] = (), limit: int = SEARCH_LIMIT
) -> list[Choice]:
    """Return up to ``limit`` records of ``object_type`` whose name starts with ``typed``.

    Accounts, opportunities and contacts are asked for with ``$name[startsWith]``; members come
    from the cached member list, filtered here (the API cannot filter them). Raises CRMError.
    """
    typed = typed.strip()[:MAX_QUERY_CHARS]
    if not typed or not searchable(object_type):
        return []
    assert object_type is not None
    records = related.search(object_type, typed, limit=limit)
    stages = _stage_labels() if object_type == "opportunity" else {}
    return [
        Choice(r.id, r.display_name, _detail(r, object_type, stages), r.id in linked)
        for r in records
    ]


# -- the picker on the new-contact form ------------------------------------------------------


@dataclass
class FormPicker:
    """One relationship the new-contact form sets, with the contact page's picker.

    The same search (``search``), the same ``Choice`` list and the same keyboard behaviour;
    what differs is that choosing fills the form in (nothing is linked before the contact
    exists). Without JavaScript, "Find" lists the matches as buttons that choose one.
    The form owns the names of the inputs; this says what they hold.
    """

    key: str
    label: str
    object_type: str | None
    noun: str
    nouns: str
    searchable: bool
    search_url: str
    # The inputs: the text box, the chosen id (a CRM error's param names it), the name shown
    # when it was chosen (a box changed since then no longer means that id), a match's button.
    input_id: str
    text_name: str
    id_name: str
    shown_name: str
    choose_name: str
    typed: str = ""
    chosen_id: str = ""
    chosen_name: str = ""
    hint: str = ""
    matches: list[Choice] = field(default_factory=list)
    searched: bool = False
    note: str = ""
    error: str = ""
    # Where the keyboard goes when the form comes back: the box ("q") or the first match.
    focus: str = ""

    @property
    def listbox_id(self) -> str:
        return f"{self.input_id}-listbox"

    @property
    def described_by(self) -> str:
        ids = [f"{self.input_id}-hint"] + ([f"{self.input_id}-error"] if self.error else [])
        return " ".join(ids)

    @property
    def box_focus(self) -> bool:
        return self.focus == "q"

    @property
    def matches_focus(self) -> str:
        # A page loaded by a plain form post: autofocus works with or without JavaScript.
        return "autofocus" if self.focus == "matches" else ""

    @property
    def chosen(self) -> bool:
        """Tell whether the box still shows the record that was chosen (so its id is meant)."""
        return bool(self.chosen_id) and _same_text(self.typed, self.chosen_name)

    def read(self, data: Mapping[str, Any]) -> None:
        """Take what a posted form holds: the text typed, and the record chosen (if any)."""
        self.typed = str(data.get(self.text_name) or "").strip()[:MAX_QUERY_CHARS]
        self.chosen_id = clean_id(data.get(self.id_name))
        self.chosen_name = str(data.get(self.shown_name) or "").strip()[:MAX_QUERY_CHARS]
        if not self.chosen:
            self.chosen_id = self.chosen_name = ""

    def choose(self, record_id: str, name: str) -> None:
        """Fill the picker in with one record (a default, or a match chosen without script)."""
        self.chosen_id, self.chosen_name, self.typed = record_id, name, name
        self.matches, self.searched, self.note = [], False, ""

    def choose_posted(self, raw: str | None) -> None:
        """Choose the match whose button was pressed (its name comes from the shared cache)."""
        record_id = clean_id(raw)
        if not record_id:
            return
        try:
            names = related.resolve([(self.object_type or "unknown", record_id)])
        except CRMError:
            names = {}
        name = names.get(record_id)
        self.choose(record_id, name.name if name and not name.missing else record_id)
        self.focus = "q"

    def find(self) -> None:
        """List the records whose name starts with what was typed (the picker without script)."""
        self.focus = "q"
        self.matches, self.note = [], ""
        if not self.typed:
            self.note = f"Type the start of a name to find {self.nouns}."
            return
        if not self.searchable:
            self.note = f"Enter the id of the {self.noun}."
            return
        self.searched = True
        try:
            self.matches = search(self.object_type, self.typed)
        except CRMError as exc:
            self.note = describe_crm_error(exc)
            return
        if self.matches:
            self.focus = "matches"
        else:
            self.note = f"No {self.noun} name starts with “{self.typed}”."

    def settle(self) -> str | None:
        """Return the id the create sends, reading what was typed if nothing was chosen.

        Typed text that is an id, or the exact name of exactly one record, counts as chosen.
        Otherwise ``error`` says why not and the matches are listed to choose from. Raises
        CRMError when the CRM cannot answer.
        """
        if self.chosen:
            return self.chosen_id
        if not self.typed:
            return None
        if looks_like_id(self.typed, self.object_type):
            return clean_id(self.typed)
        found = (
            related.find_by_name(self.object_type, self.typed, limit=2)
            if self.searchable and self.object_type
            else []
        )
        if len(found) == 1:
            self.choose(found[0].id, found[0].display_name)
            return self.chosen_id
        self.find()
        if len(found) > 1:
            self.error = (
                f"Several {self.nouns} are called “{self.typed}”: choose one below, "
                "told apart by the detail beside each."
            )
        elif self.matches:
            self.error = f"Choose the {self.noun} from the list, or change what you typed."
        else:
            self.error = self.note or f"No {self.noun} is called “{self.typed}”."
        self.note = ""
        return None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
