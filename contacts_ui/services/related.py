"""Names of related records (accounts, opportunities, members), from a shared cache.

A page that shows relationships asks for all the ids it needs at once. Cached names cost
nothing (``cached``); the list page renders with those and leaves the rest "pending", to be
named by one deferred request (``resolve``), which fetches each missing id once, at background
priority, and caches the names for every process. Members come from one cached list (the API
offers no filter on them, and there are few).

Names are cached per id, and also per set of ids asked for together (a list page asks for the
same set every time): one cache read instead of 25. A set entry is written only when every id
of the set has a cached name (never a pending one), and carries the names generation it was
built under; ``remember()`` starts a new generation when a name it learns differs from the
cached one, so a set entry never shows a name the dashboard knows to be stale.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass
from typing import Final, Literal

from django.conf import settings

from contacts_ui.crm.budget import Priority, using_priority
from contacts_ui.crm.errors import BudgetExhausted, CRMError, NotFoundError
from contacts_ui.crm.members import match_members, member_with_email
from contacts_ui.crm.models import Record, RelationshipDefinition
from contacts_ui.services import shared_cache
from contacts_ui.services.backend import backend_name, cache_id, get_crm

logger = logging.getLogger(__name__)

NAME_CACHE_SECONDS = 600
MISSING_CACHE_SECONDS = 60
MEMBERS_CACHE_SECONDS = 600
# A set entry is built from per-id entries that may be old already: keeping it for less than
# NAME_CACHE_SECONDS bounds how stale a name changed in the CRM itself can get (12 min, not 10).
NAME_SET_CACHE_SECONDS = 120
# Enough to overlap a page's lookups without letting one page eat the org's rate limit.
MAX_CONCURRENT_LOOKUPS = 8
# Two processes asked for the same page's names: the second waits this long for the first.
LOOKUP_LOCK_SECONDS: Final = 10
LOOKUP_WAIT_SECONDS: Final = 3.0
LOOKUP_POLL_SECONDS: Final = 0.1

NameState = Literal["named", "pending", "unavailable", "deleted"]


@dataclass(frozen=True)
class RelatedName:
    """Hold what a page shows for a related record: its name, and where it lives in the CRM.

    ``state`` says whether the name is known, not looked up yet (``pending``), could not be
    fetched (``unavailable``) or belongs to a deleted record; ``missing`` is any of the last three.
    """

    id: str
    name: str
    object_type: str
    http_link: str | None = None
    missing: bool = False
    state: NameState = "named"

    @property
    def label(self) -> str:
        """Return what a page shows: the name, or the id marked as not (yet) named."""
        if self.state == "pending":
            return f"{self.id} (name pending)"
        if self.state == "unavailable":
            return f"{self.id} (name unavailable)"
        return self.name


def _key(record_id: str) -> str:
    return f"crm:{backend_name()}:name:{cache_id(record_id)}"


def _set_key(record_ids: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(record_ids)).encode()).hexdigest()[:32]
    return f"crm:{backend_name()}:names:{digest}"


def _generation_key() -> str:
    return f"crm:{backend_name()}:names:generation"


def _new_generation() -> str:
    """Start a names generation: every set entry built before it stops being used."""
    generation = uuid.uuid4().hex
    # Never expires by itself; if the cache evicts it, the next reader starts a new one, which
    # only costs a rebuild of the set entries (a random token is never reused).
    shared_cache.set(_generation_key(), generation, None)
    return generation


def _members_key() -> str:
    return f"crm:{backend_name()}:members"


def _from_record(record: Record, object_type: str) -> RelatedName:
    return RelatedName(record.id, record.display_name, object_type, record.http_link)


def _not_named(record_id: str, object_type: str, state: NameState) -> RelatedName:
    return RelatedName(record_id, record_id, object_type, missing=True, state=state)


def object_type_of(
    record: Record, key: str, definition: RelationshipDefinition | None
) -> str | None:
    """Return the object type a record's relationship points at (the record says, else its
    definition)."""
    relationship = record.relationships.get(key)
    return (relationship and relationship.object_type) or (
        definition.object_type if definition else None
    )


def remember(record: Record, object_type: str) -> None:
    """Cache a related record's name after it was read or written anyway."""
    fresh = _from_record(record, object_type)
    known = shared_cache.get(_key(record.id), kind="names")
    shared_cache.set(_key(record.id), fresh, NAME_CACHE_SECONDS)
    if known != fresh:
        # A set entry may still hold the old name (or one this process never saw): retire them.
        _new_generation()


def members() -> list[Record]:
    """Return every workspace member, fetched once per TTL for the whole organisation."""
    return shared_cache.fetch_once(
        _members_key(), lambda: get_crm().members(), MEMBERS_CACHE_SECONDS, kind="members"
    )


def cached_members() -> list[Record] | None:
    """Return the member list if some process has fetched it lately, without asking the CRM."""
    found: list[Record] | None = shared_cache.get(_members_key(), kind="members")
    return found


def member_names() -> list[tuple[str, str]]:
    """Return (id, name) of every workspace member: what an owner filter offers.

    Cached on its own: a list of pairs costs far less to read back than the member records.
    """
    key = f"{_members_key()}:names"
    cached: list[tuple[str, str]] | None = shared_cache.get(key, kind="members")
    if cached is not None:
        return cached
    names = [(member.id, member.display_name) for member in members()]
    shared_cache.set(key, names, MEMBERS_CACHE_SECONDS)
    return names


def _fetch(object_type: str, record_id: str) -> RelatedName:
    try:
        return _from_record(get_crm().get_related(object_type, record_id), object_type)
    except ValueError:  # an object type this CRM does not have
        return _not_named(record_id, object_type, "unavailable")
    except NotFoundError:
        return RelatedName(
            record_id, "(deleted record)", object_type, missing=True, state="deleted"
        )
    except BudgetExhausted:
        # Not a failure: the team's budget is needed for pages people wait on. Next time.
        return _not_named(record_id, object_type, "pending")
    except CRMError as exc:
        # One line, no traceback: a name is a convenience, and the page says it is missing.
        logger.warning("could not fetch the name of %s: %s", record_id, type(exc).__name__)
        return _not_named(record_id, object_type, "unavailable")


def cached(wanted: Iterable[tuple[str, str]]) -> dict[str, RelatedName]:
    """Return the names of the given (object type, id) pairs that are cached; the rest pending.

    Never calls the CRM: a page can render at once and name the pending ones later.
    """
    pairs = {record_id: object_type for object_type, record_id in wanted}
    found = _from_cache(pairs)
    for record_id, object_type in pairs.items():
        found.setdefault(record_id, _not_named(record_id, object_type, "pending"))
    return found


def _from_cache(pairs: dict[str, str]) -> dict[str, RelatedName]:
    """Return the cached names of ``pairs`` (id → object type): the set entry, else per id."""
    if not pairs:
        return {}
    set_key, generation_key = _set_key(pairs), _generation_key()
    entries = shared_cache.get_many([set_key, generation_key], kind="names")
    generation = entries.get(generation_key)
    entry = entries.get(set_key)
    if generation is not None and entry is not None and entry[0] == generation:
        return dict(entry[1])
    keys = {_key(record_id): record_id for record_id in pairs}
    found = {keys[k]: v for k, v in shared_cache.get_many(list(keys), kind="names").items()}
    missing_members = [i for i, t in pairs.items() if t == "member" and i not in found]
    if missing_members:
        by_id = {member.id: member for member in cached_members() or ()}
        for record_id in missing_members:
            if record_id in by_id:
                found[record_id] = _from_record(by_id[record_id], "member")
    if len(found) == len(pairs):
        # Every name is known (none pending): the next page with this set reads one entry.
        if generation is None:
            generation = _new_generation()
        missing = any(name.missing for name in found.values())
        seconds = MISSING_CACHE_SECONDS if missing else NAME_SET_CACHE_SECONDS
        shared_cache.set(set_key, (generation, found), seconds)
    return found


def resolve(wanted: Iterable[tuple[str, str]]) -> dict[str, RelatedName]:
    """Return the names of the given (object type, id) pairs, fetching only what is not cached.

    Lookups run at background priority: they give way to saves and to the pages people wait
    on, and one the budget cannot serve now stays ``pending``. A lookup that fails for a reason
    other than "not found" is marked ``unavailable`` rather than failing the whole page.
    """
    pairs = {record_id: object_type for object_type, record_id in wanted}
    if not pairs:
        return {}
    found = _from_cache(pairs)
    rest = {i: t for i, t in pairs.items() if i not in found}
    if rest:
        with using_priority(Priority.BACKGROUND):
            found.update(_fetch_coalesced(rest))
    for record_id, object_type in pairs.items():
        found.setdefault(record_id, _not_named(record_id, object_type, "unavailable"))
    return found


# Fills run beside the pages, never in a request's thread: a gunicorn thread held after its
# response would also hold the browser's keep-alive connection, and with it the next request.
_background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="related-names")
_queued: set[Future[object]] = set()
_queued_lock = threading.Lock()


def fill_later(wanted: Iterable[tuple[str, str]]) -> None:
    """Name these records in the background, so the next view (or the deferred request) has
    them even if this browser never asks (no JavaScript)."""
    pairs = list(wanted)
    if not pairs:
        return
    if getattr(settings, "CONTACTS_NAMES_FILL_INLINE", False):
        # The test suite counts upstream calls per request: no work may outlive its request.
        _fill_quietly(pairs)
        return
    future: Future[object] = _background.submit(
        contextvars.copy_context().run, _fill_quietly, pairs
    )
    with _queued_lock:
        _queued.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future[object]) -> None:
    with _queued_lock:
        _queued.discard(future)


def settle(timeout: float = 30.0) -> None:
    """Wait until the background fills queued so far are done (tests, benchmarks, shutdown)."""
    with _queued_lock:
        pending = set(_queued)
    wait_for_futures(pending, timeout=timeout)


def _fill_quietly(pairs: list[tuple[str, str]]) -> object:
    try:
        resolve(pairs)
    except Exception as exc:
        # Nobody is waiting on this: one line, and the next view tries again.
        logger.warning("naming related records in the background failed: %s", type(exc).__name__)
    return None


def _fetch_coalesced(pairs: dict[str, str]) -> dict[str, RelatedName]:
    """Fetch names once for every process: the first to ask for this set takes a lock.

    The list page's own request and its deferred names request (or two people on the same
    page) would otherwise fetch the same names twice; the second waits for the first's.
    """
    digest = hashlib.sha256("\n".join(sorted(pairs)).encode()).hexdigest()[:24]
    lock = f"crm:{backend_name()}:names-lock:{digest}"
    shared = shared_cache.shared()
    if not shared.add(lock, 1, LOOKUP_LOCK_SECONDS):
        deadline = time.monotonic() + LOOKUP_WAIT_SECONDS
        while time.monotonic() < deadline and shared.has_key(lock):
            time.sleep(LOOKUP_POLL_SECONDS)
        found = _from_cache(pairs)
        pairs = {i: t for i, t in pairs.items() if i not in found}
        if not pairs:
            return found
        return found | _fetch_now(pairs)
    try:
        return _fetch_now(pairs)
    finally:
        shared.delete(lock)


def _fetch_now(pairs: dict[str, str]) -> dict[str, RelatedName]:
    found: dict[str, RelatedName] = {}
    if any(t == "member" for t in pairs.values()):
        try:
            by_id = {member.id: member for member in members()}
        except CRMError as exc:
            logger.warning("could not list members for owner names: %s", type(exc).__name__)
            by_id = {}
        for record_id, object_type in pairs.items():
            if object_type == "member":
                found[record_id] = (
                    _from_record(by_id[record_id], "member")
                    if record_id in by_id
                    else _not_named(record_id, "member", "unavailable" if not by_id else "deleted")
                )
    to_fetch = [(t, i) for i, t in pairs.items() if t != "member"]
    if not to_fetch:
        return found
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT_LOOKUPS, len(to_fetch))) as pool:
        # Each task runs in a copy of this context, so the background priority (and the
        # request id) reach the CRM client in the pool's threads.
        futures = {
            i: pool.submit(contextvars.copy_context().run, _fetch, t, i) for t, i in to_fetch
        }
    fresh = {record_id: future.result() for record_id, future in futures.items()}
    shared_cache.set_many(
        {_key(i): n for i, n in fresh.items() if n.state == "named"}, NAME_CACHE_SECONDS
    )
    shared_cache.set_many(
        {_key(i): n for i, n in fresh.items() if n.state == "deleted"}, MISSING_CACHE_SECONDS
    )
    return found | fresh


def searchable(object_type: str | None) -> bool:
    """Tell whether the CRM can search this object type by name (else pickers take ids)."""
    return object_type in get_crm().capabilities.searchable_object_types


def search(object_type: str, typed: str, *, limit: int) -> list[Record]:
    """Return records of ``object_type`` whose name starts with ``typed`` (pickers).

    Members come from the cached member list, matched here: there are few, and a CRM may not
    filter them. Raises CRMError.
    """
    if object_type == "member":
        records = match_members(members(), typed)[:limit]
    else:
        records = get_crm().search_related(object_type, typed, limit=limit)
    for record in records:
        # The person is about to pick one of these: its name is then known without a lookup.
        remember(record, object_type)
    return records


def find_by_name(object_type: str, name: str, *, limit: int = 2) -> list[Record]:
    """Return up to ``limit`` records of ``object_type`` called exactly ``name``.

    Members come from the cached member list (their name, any case). Raises CRMError.
    """
    if object_type == "member":
        wanted = name.strip().casefold()
        return [m for m in members() if m.display_name.casefold() == wanted][:limit]
    return get_crm().find_related_by_name(object_type, name, limit=limit)


def member_for_email(email: str) -> Record | None:
    """Return the member whose email is ``email`` (trimmed, any case), or None.

    Reads the member list every process shares (one CRM call per ``MEMBERS_CACHE_SECONDS`` for
    the whole team), so asking on every new-contact form costs no call of its own.
    Raises CRMError.
    """
    if not email.strip():
        return None
    return member_with_email(members(), email)
