"""Names of related records (accounts, opportunities, members), from a shared cache.

A page that shows relationships asks for all the ids it needs at once. Cached names cost
nothing; the missing ones are fetched concurrently, each id once, and cached for everyone.
Members come from one cached list (the API offers no filter on them, and there are few).

Names are cached per id, and also per set of ids asked for together (a list page asks for the
same set every time): one cache read instead of 25. A set entry carries the names generation
it was built under; ``remember()`` starts a new generation when a name it learns differs from
the cached one, so a set entry never shows a name the dashboard knows to be stale.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.cache import cache

from contacts_ui.crm.errors import CRMError, NotFoundError
from contacts_ui.crm.models import Record, RelationshipDefinition
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


@dataclass(frozen=True)
class RelatedName:
    """Hold what a page shows for a related record: its name, and where it lives in the CRM."""

    id: str
    name: str
    object_type: str
    http_link: str | None = None
    missing: bool = False


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
    cache.set(_generation_key(), generation, None)
    return generation


def _members_key() -> str:
    return f"crm:{backend_name()}:members"


def _from_record(record: Record, object_type: str) -> RelatedName:
    return RelatedName(record.id, record.display_name, object_type, record.http_link)


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
    known = cache.get(_key(record.id))
    cache.set(_key(record.id), fresh, NAME_CACHE_SECONDS)
    if known != fresh:
        # A set entry may still hold the old name (or one this process never saw): retire them.
        _new_generation()


def members() -> list[Record]:
    """Return every workspace member, from the cache or by paging through the member list."""
    cached = cache.get(_members_key())
    if cached is not None:
        return cached
    found = get_crm().members()
    cache.set(_members_key(), found, MEMBERS_CACHE_SECONDS)
    return found


def member_names() -> list[tuple[str, str]]:
    """Return (id, name) of every workspace member: what an owner filter offers.

    Cached on its own: a list of pairs costs far less to read back than the member records.
    """
    key = f"{_members_key()}:names"
    cached: list[tuple[str, str]] | None = cache.get(key)
    if cached is not None:
        return cached
    names = [(member.id, member.display_name) for member in members()]
    cache.set(key, names, MEMBERS_CACHE_SECONDS)
    return names


def _fetch(object_type: str, record_id: str) -> RelatedName:
    try:
        return _from_record(get_crm().get_related(object_type, record_id), object_type)
    except ValueError:  # an object type this CRM does not have
        return RelatedName(record_id, record_id, object_type, missing=True)
    except NotFoundError:
        return RelatedName(record_id, "(deleted record)", object_type, missing=True)


def resolve(wanted: Iterable[tuple[str, str]]) -> dict[str, RelatedName]:
    """Return the names of the given (object type, id) pairs, fetching only what is not cached.

    A lookup that fails for a reason other than "not found" shows the id rather than failing
    the whole page: the names are a convenience, the page itself is what the person asked for.
    """
    pairs = {record_id: object_type for object_type, record_id in wanted}
    if not pairs:
        return {}
    set_key, generation_key = _set_key(pairs), _generation_key()
    cached = cache.get_many([set_key, generation_key])
    generation = cached.get(generation_key)
    entry = cached.get(set_key)
    if generation is not None and entry is not None and entry[0] == generation:
        return dict(entry[1])

    found = _resolve_each(pairs)
    if generation is None:
        generation = _new_generation()
    if all(record_id in found for record_id in pairs):
        # Lookups that failed are left out of ``found`` and retried next time: no set entry then.
        missing = any(name.missing for name in found.values())
        seconds = MISSING_CACHE_SECONDS if missing else NAME_SET_CACHE_SECONDS
        cache.set(set_key, (generation, found), seconds)
    for record_id, object_type in pairs.items():
        found.setdefault(record_id, RelatedName(record_id, record_id, object_type, missing=True))
    return found


def _resolve_each(pairs: dict[str, str]) -> dict[str, RelatedName]:
    """Return the names of ``pairs`` (id → object type) that per-id entries or the CRM know."""
    found: dict[str, RelatedName] = {}
    keys = {_key(record_id): record_id for record_id in pairs}
    for key, value in cache.get_many(list(keys)).items():
        found[keys[key]] = value

    missing_members = [i for i, t in pairs.items() if t == "member" and i not in found]
    if missing_members:
        try:
            by_id = {member.id: member for member in members()}
        except CRMError:
            logger.warning("could not list members for owner names", exc_info=True)
            by_id = {}
        for record_id in missing_members:
            if record_id in by_id:
                found[record_id] = _from_record(by_id[record_id], "member")

    to_fetch = [(pairs[i], i) for i in pairs if i not in found and pairs[i] != "member"]
    if to_fetch:
        with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT_LOOKUPS, len(to_fetch))) as pool:
            futures = {i: pool.submit(_fetch, t, i) for t, i in to_fetch}
        fresh: dict[str, RelatedName] = {}
        for record_id, future in futures.items():
            try:
                fresh[record_id] = future.result()
            except CRMError:
                logger.warning("could not fetch the name of %s", record_id, exc_info=True)
        cache.set_many({_key(i): n for i, n in fresh.items() if not n.missing}, NAME_CACHE_SECONDS)
        cache.set_many({_key(i): n for i, n in fresh.items() if n.missing}, MISSING_CACHE_SECONDS)
        found.update(fresh)
    return found


def searchable(object_type: str | None) -> bool:
    """Tell whether the CRM can search this object type by name (else pickers take ids)."""
    return object_type in get_crm().capabilities.searchable_object_types


def search(object_type: str, typed: str, *, limit: int) -> list[Record]:
    """Return records of ``object_type`` whose name starts with ``typed`` (pickers).

    Members come from the cached member list, matched here: there are few, and a CRM may not
    filter them. Raises CRMError.
    """
    if object_type == "member":
        records = _member_matches(members(), typed)[:limit]
    else:
        records = get_crm().search_related(object_type, typed, limit=limit)
    for record in records:
        # The person is about to pick one of these: its name is then known without a lookup.
        remember(record, object_type)
    return records


def _member_matches(candidates: Iterable[Record], typed: str) -> list[Record]:
    """Keep members whose name (any word of it) or email starts with what was typed."""
    wanted = typed.casefold()
    found = []
    for member in candidates:
        name = member.display_name.casefold()
        emails = member.value("$email") or ""
        email = str(emails[0] if isinstance(emails, list) and emails else emails).casefold()
        if (
            name.startswith(wanted)
            or email.startswith(wanted)
            or any(word.startswith(wanted) for word in name.split())
        ):
            found.append(member)
    return found
