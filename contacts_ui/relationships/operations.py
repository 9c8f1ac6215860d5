"""A contact's relationships: the operations sent and their undo.

Writes are Lightfield update *operations* (``add``/``remove``/``replace``) on one relationship
key, never a whole list rebuilt from what this page happened to show: two people linking
accounts to the same contact at once both keep their links. A request carries at most
``MAX_IDS_PER_REQUEST`` ids, so bigger changes become several requests.

Undo is the inverse computed from the ids before and after the change, restricted to the ids
the change touched, so undoing never takes back what someone else did meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Literal

from django.core import signing

from contacts_ui.crm.models import RelationshipDefinition

OpName = Literal["add", "remove", "replace"]
# Names the contacts list's query parameter that filters by a relationship key (views know it).
ListFilter = Callable[[str], str]
Operation = dict[str, Any]

# Lightfield: at most 25 referenced ids and 25 link changes per request, across the whole body.
MAX_IDS_PER_REQUEST = 25
SEARCH_LIMIT = 10
MAX_QUERY_CHARS = 100
OPERATIONS: tuple[OpName, ...] = ("add", "remove", "replace")
UNDO_SALT = "contacts_ui.relationships.panel.undo"
# The CRM keeps idempotency keys (and so the meaning of a replayed form) for a day.
UNDO_MAX_AGE = 24 * 60 * 60
SESSION_PREFIX = "relationships:"
ID_PREFIXES = {"account": "acc", "opportunity": "opp", "contact": "con", "member": "mem"}
NOUNS = {
    "account": ("account", "accounts"),
    "opportunity": ("opportunity", "opportunities"),
    "contact": ("contact", "contacts"),
    "member": ("member", "members"),
    "tag": ("tag", "tags"),
}
_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
_FORM_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


# -- operations ------------------------------------------------------------------------------


def is_many(definition: RelationshipDefinition | None) -> bool:
    """Tell whether a relationship holds several ids (anything but an explicit has_one)."""
    return definition is None or definition.cardinality != "has_one"


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in ids if i))


def chunks(ids: Sequence[str], size: int = MAX_IDS_PER_REQUEST) -> list[list[str]]:
    """Split ``ids`` into lists of at most ``size``, keeping their order."""
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def _split(op: OpName, ids: Sequence[str]) -> list[Operation]:
    return [{op: chunk} for chunk in chunks(_unique(ids))]


def operations(
    op: OpName, ids: Sequence[str], *, many: bool, current: Sequence[str] = ()
) -> list[Operation]:
    """Return the request bodies (one operation object each) that perform ``op`` on ``ids``.

    ``add``/``remove`` of more than 25 ids become several requests. A has_one ``replace``
    sends the bare id (``None`` clears it). A has_many ``replace`` is one request when it fits
    in the limits; otherwise it is sent as removes then adds computed against ``current``.
    """
    if op not in OPERATIONS:
        raise ValueError(f"Unknown relationship operation {op!r}.")
    wanted = _unique(ids)
    if op in ("add", "remove"):
        return _split(op, wanted)
    if not many:
        if len(wanted) > 1:
            raise ValueError("A has_one relationship is replaced by one id.")
        return [{"replace": wanted[0] if wanted else None}]
    before = _unique(current)
    removed = [i for i in before if i not in wanted]
    added = [i for i in wanted if i not in before]
    if len(wanted) <= MAX_IDS_PER_REQUEST and len(removed) + len(added) <= MAX_IDS_PER_REQUEST:
        return [{"replace": wanted or None}]
    # Too big for one request: the same end state, reached one bounded step at a time.
    return _split("remove", removed) + _split("add", added)


def _op_ids(operation: Mapping[str, Any]) -> list[str]:
    ((_, value),) = operation.items()
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(i) for i in value]


def touched_ids(steps: Sequence[Mapping[str, Any]], before: Sequence[str]) -> list[str]:
    """Return every id a change may have linked or unlinked (a replace touches the old ones)."""
    touched: list[str] = []
    for step in steps:
        touched += _op_ids(step)
        if "replace" in step:
            touched += list(before)
    return _unique(touched)


def inverse(
    before: Sequence[str], after: Sequence[str], touched: Collection[str], *, many: bool
) -> list[Operation]:
    """Return the operations that take the touched ids back from ``after`` to ``before``."""
    added = [i for i in after if i not in before and i in touched]
    removed = [i for i in before if i not in after and i in touched]
    if not many:
        if removed:
            return [{"replace": removed[0]}]
        return _split("remove", added)
    return _split("remove", added) + _split("add", removed)


def idempotency_key(
    form_key: str, contact_id: str, key: str, index: int, operation: Mapping[str, Any]
) -> str:
    """Return the Idempotency-Key of one request of one person's action.

    The form's key alone would make a different payload from the same form (after Back) replay
    the first answer; the digest of what is sent keeps a double click, and only that, one write.
    """
    payload = json.dumps([contact_id, key, index, operation], sort_keys=True)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:24]
    return f"{form_key}-{digest}"


def clean_form_key(raw: str | None) -> str:
    """Return the form's action key, or a fresh one when the form sent none (or junk)."""
    return raw if raw and _FORM_KEY.match(raw) else uuid.uuid4().hex


def clean_id(raw: str | None) -> str:
    """Return ``raw`` when it has the shape of a CRM record id, else an empty string."""
    text = (raw or "").strip()
    return text if _RECORD_ID.match(text) else ""


def looks_like_id(text: str, object_type: str | None) -> bool:
    """Tell whether what was typed in a picker is an id of ``object_type`` rather than a name."""
    text = text.strip()
    if not _RECORD_ID.match(text) or "_" not in text:
        return False
    prefix = ID_PREFIXES.get(object_type or "")
    if prefix is None:
        return re.match(r"^[a-z]{2,5}_", text) is not None
    return text.startswith(f"{prefix}_")


# -- undo ------------------------------------------------------------------------------------


def sign_undo(
    contact_id: str, key: str, steps: Sequence[Mapping[str, Any]], *, redo: bool = False
) -> str:
    """Return a tamper-proof token carrying the operations of an undo offer."""
    return signing.dumps(
        {"c": contact_id, "k": key, "s": list(steps), "r": redo}, salt=UNDO_SALT, compress=True
    )


def read_undo(token: str, contact_id: str, key: str) -> tuple[list[Operation], bool] | None:
    """Return the operations of an undo token for this contact and key, or None if not valid."""
    try:
        data = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != contact_id or data.get("k") != key:
        return None
    steps = data.get("s")
    if not isinstance(steps, list) or not all(
        isinstance(s, dict) and len(s) == 1 and next(iter(s)) in OPERATIONS for s in steps
    ):
        return None
    return steps, bool(data.get("r"))
