"""The location's slowly changing lists: users, tags and settings, each cached briefly.

Pickers ask for users and tags on every keystroke and every contact page names them; they
change rarely, so one call per minute per process is plenty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from contacts_ui.crm.errors import CRMResponseError, NotFoundError, PermissionDeniedError
from contacts_ui.crm.highlevel.mapping import record_from_tag, record_from_user
from contacts_ui.crm.highlevel.transport import path_segment
from contacts_ui.crm.models import Record

__all__ = ["Cached", "LocationLookups", "starting_with"]

_T = TypeVar("_T")


class _RequestJson(Protocol):
    def __call__(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None
    ) -> Mapping[str, Any]: ...


class Cached(Generic[_T]):
    """Hold one value for ``ttl`` seconds of ``clock`` (a race merely fetches twice)."""

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self._ttl, self._clock = ttl, clock
        self._value: _T | None = None
        self._at = float("-inf")

    def get(self, fetch: Callable[[], _T]) -> _T:
        """Return the cached value, fetching it when there is none or it is too old."""
        if self._value is None or self._clock() - self._at > self._ttl:
            self._value, self._at = fetch(), self._clock()
        return self._value

    def clear(self) -> None:
        """Forget the value, so the next ``get`` fetches it."""
        self._value = None


class LocationLookups:
    """Read a location's users, tags and duplicate setting, cached for ``ttl`` seconds."""

    def __init__(
        self,
        request_json: _RequestJson,
        location_id: str,
        *,
        ttl: float,
        clock: Callable[[], float],
    ) -> None:
        self._request_json = request_json
        self._location_id = location_id
        self._users: Cached[list[Record]] = Cached(ttl, clock)
        self._tags: Cached[list[str]] = Cached(ttl, clock)

    def members(self) -> list[Record]:
        """Return the location's users (``GET /users/?locationId=``) as member Records."""

        def fetch() -> list[Record]:
            payload = self._request_json("GET", "/users/", params={"locationId": self._location_id})
            users = payload.get("users")
            items = users if isinstance(users, list) else []
            found = [record_from_user(u) for u in items if isinstance(u, Mapping)]
            return [u for u in found if u.id]

        return list(self._users.get(fetch))

    def member(self, id: str) -> Record:
        """Return one user of the location (``NotFoundError`` when there is no such user)."""
        for member in self.members():
            if member.id == id:
                return member
        raise NotFoundError(f"No user {id!r} in this location.", status_code=404)

    def tag_names(self) -> list[str]:
        """Return the location's tag names (``GET /locations/{id}/tags``)."""

        def fetch() -> list[str]:
            path = f"/locations/{path_segment(self._location_id)}/tags"
            tags = self._request_json("GET", path).get("tags")
            items = tags if isinstance(tags, list) else []
            names = [t.get("name") for t in items if isinstance(t, Mapping)]
            return [n for n in names if isinstance(n, str) and n]

        return list(self._tags.get(fetch))

    def forget_tags(self) -> None:
        """Drop the cached tag list (a tag was just added to a contact, maybe a new one)."""
        self._tags.clear()

    def candidates(self, object_type: str) -> list[Record]:
        """Return every member or tag, for pickers (ValueError for other object types)."""
        if object_type == "tag":
            return [record_from_tag(name) for name in self.tag_names()]
        if object_type in ("member", "user"):
            return self.members()
        raise ValueError(f"HighLevel cannot search {object_type!r} by name.")

    def duplicates_refused(self) -> bool:
        """Tell whether the location refuses a second contact with the same email or phone.

        Read from the location's ``allowDuplicateContact`` setting; a token without the
        ``locations.readonly`` scope cannot tell, and then nothing is promised.
        """
        try:
            payload = self._request_json("GET", f"/locations/{path_segment(self._location_id)}")
        except (PermissionDeniedError, NotFoundError, CRMResponseError):
            return False
        location = payload.get("location", payload)
        settings = location.get("settings") if isinstance(location, Mapping) else None
        return isinstance(settings, Mapping) and settings.get("allowDuplicateContact") is False


def starting_with(records: Sequence[Record], typed: str) -> list[Record]:
    """Keep records whose name, or a word of it, starts with ``typed`` (case-insensitive)."""
    wanted = typed.strip().casefold()
    found = []
    for record in records:
        name = record.display_name.casefold()
        if name.startswith(wanted) or any(word.startswith(wanted) for word in name.split()):
            found.append(record)
    return found
