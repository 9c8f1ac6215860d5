"""SQLite persistence for the HighLevel sandbox, with the whole location held in memory.

Contacts are plain dicts in HighLevel's own field names (timestamps as unix milliseconds,
`customFields` as `{fieldId: value}`); a write replaces a contact's dict, never mutates it, so
a dict handed to a renderer stays valid. Like the Lightfield store, every operation first asks
SQLite for `PRAGMA data_version` and reloads when another process committed a change.
"""

from __future__ import annotations

import bisect
import json
import random
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.highlevel.definitions import make_id
from sandbox.records import to_json

Contact = dict[str, Any]

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tags (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, location_id TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class SeedLocation:
    """Carry a generated location to be written into an empty store."""

    location: dict[str, Any]
    users: list[dict[str, Any]]
    custom_fields: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    contacts: list[Contact]


def order_key(contact: Contact) -> tuple[int, str]:
    """Sort newest first, ties broken by id, so that pages are stable."""
    return (-int(contact["dateAdded"]), contact["id"])


class HighLevelStore:
    """Hold one location's contacts, tags, users and field definitions."""

    def __init__(
        self, db_path: str | Path, *, seed: Callable[[], SeedLocation], clock: Callable[[], float]
    ) -> None:
        self.lock = threading.RLock()
        self._clock = clock
        self._ids = random.Random()
        self._conn = sqlite3.connect(
            str(db_path), check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.execute("PRAGMA busy_timeout = 30000")
        if str(db_path) != ":memory:":
            # WAL lets other processes read while one writes.
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.executescript(SCHEMA_SQL)
        self.location: dict[str, Any] = {}
        self.users: list[dict[str, Any]] = []
        self.custom_fields: list[dict[str, Any]] = []
        self._contacts: dict[str, Contact] = {}
        self._order: list[tuple[int, str]] = []
        self._emails: dict[str, str] = {}
        self._phones: dict[str, str] = {}
        self._tags: dict[str, dict[str, Any]] = {}
        self._data_version: int | None = None
        self._generation: str | None = None
        self._dirty = False
        with self.lock:
            self._seed_if_empty(seed)
            self._load()

    def close(self) -> None:
        """Close the database connection; the store must not be used afterwards."""
        with self.lock:
            self._conn.close()

    # -- reads -------------------------------------------------------------------------------

    def get(self, contact_id: str) -> Contact | None:
        """Return a contact by id."""
        with self.lock:
            self._sync()
            return self._contacts.get(contact_id)

    def all(self) -> list[Contact]:
        """Return every contact, newest first."""
        with self.lock:
            self._sync()
            return [self._contacts[contact_id] for _, contact_id in self._order]

    def by_email(self, email: str) -> Contact | None:
        """Return the contact whose primary email matches, ignoring case."""
        with self.lock:
            self._sync()
            contact_id = self._emails.get(email.strip().casefold())
            return self._contacts.get(contact_id) if contact_id else None

    def by_phone(self, phone: str) -> Contact | None:
        """Return the contact whose E.164 phone matches."""
        with self.lock:
            self._sync()
            contact_id = self._phones.get(phone)
            return self._contacts.get(contact_id) if contact_id else None

    def tags(self) -> list[dict[str, Any]]:
        """Return the location's tags, alphabetically."""
        with self.lock:
            self._sync()
            return sorted(self._tags.values(), key=lambda tag: tag["name"])

    def user_ids(self) -> set[str]:
        """Return the ids of the location's users."""
        return {user["id"] for user in self.users}

    # -- writes ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and a write transaction; commit on success, else roll back and reload."""
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._dirty = False
            try:
                self._sync()
                yield
                if self._dirty:
                    self._bump_generation()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                if self._dirty:
                    # Memory holds part of the failed write: reload from disk next time.
                    self._generation = None
                    self._data_version = None
                raise

    def new_id(self) -> str:
        """Return a fresh contact id."""
        while True:
            candidate = make_id(self._ids)
            if candidate not in self._contacts:
                return candidate

    def now_millis(self) -> int:
        """Return the injected clock's time as unix milliseconds."""
        return int(self._clock() * 1000)

    def save(self, contact: Contact) -> Contact:
        """Insert or replace a contact; call inside `transaction()`."""
        self._dirty = True
        previous = self._contacts.get(contact["id"])
        self._conn.execute(
            "INSERT INTO contacts (id, data) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
            (contact["id"], to_json(contact)),
        )
        if previous is not None:
            self._unindex(previous)
        else:
            bisect.insort(self._order, order_key(contact))
        self._index(contact)
        self._contacts[contact["id"]] = contact
        self.ensure_tags(contact.get("tags", []))
        return contact

    def delete(self, contact: Contact) -> None:
        """Delete a contact; call inside `transaction()`."""
        self._dirty = True
        self._conn.execute("DELETE FROM contacts WHERE id = ?", (contact["id"],))
        self._unindex(contact)
        self._order.remove(order_key(contact))
        del self._contacts[contact["id"]]

    def ensure_tags(self, names: list[str]) -> None:
        """Add tags the location does not know yet (HighLevel creates them on first use)."""
        for name in names:
            if name not in self._tags:
                self._dirty = True
                tag = {"id": self.new_id(), "name": name, "locationId": self.location["id"]}
                self._conn.execute(
                    "INSERT INTO tags (id, name, location_id) VALUES (?, ?, ?)",
                    (tag["id"], name, tag["locationId"]),
                )
                self._tags[name] = tag

    # -- internals ---------------------------------------------------------------------------

    def _index(self, contact: Contact) -> None:
        if contact.get("email"):
            self._emails[contact["email"].casefold()] = contact["id"]
        if contact.get("phone"):
            self._phones[contact["phone"]] = contact["id"]

    def _unindex(self, contact: Contact) -> None:
        if contact.get("email") and self._emails.get(contact["email"].casefold()) == contact["id"]:
            del self._emails[contact["email"].casefold()]
        if contact.get("phone") and self._phones.get(contact["phone"]) == contact["id"]:
            del self._phones[contact["phone"]]

    def _sync(self) -> None:
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return
        self._data_version = version
        if self._read_meta("generation") != self._generation:
            self._load()

    def _read_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _write_meta(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def _bump_generation(self) -> None:
        self._generation = uuid.uuid4().hex
        self._write_meta("generation", self._generation)

    def _seed_if_empty(self, seed: Callable[[], SeedLocation]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if self._read_meta("location") is None:
                data = seed()
                self._write_meta("location", to_json(data.location))
                self._write_meta("users", to_json(data.users))
                self._write_meta("custom_fields", to_json(data.custom_fields))
                self._conn.executemany(
                    "INSERT INTO contacts (id, data) VALUES (?, ?)",
                    ((contact["id"], to_json(contact)) for contact in data.contacts),
                )
                self._conn.executemany(
                    "INSERT INTO tags (id, name, location_id) VALUES (?, ?, ?)",
                    ((tag["id"], tag["name"], tag["locationId"]) for tag in data.tags),
                )
                self._bump_generation()
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        # Move the seed into the main file, so that copying just the .sqlite3 file (as test
        # fixtures do) copies the whole location.
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _load(self) -> None:
        self.location = json.loads(self._read_meta("location") or "{}")
        self.users = json.loads(self._read_meta("users") or "[]")
        self.custom_fields = json.loads(self._read_meta("custom_fields") or "[]")
        self._contacts, self._emails, self._phones = {}, {}, {}
        for contact_id, data in self._conn.execute("SELECT id, data FROM contacts"):
            contact = json.loads(data)
            self._contacts[contact_id] = contact
            self._index(contact)
        self._order = sorted(order_key(contact) for contact in self._contacts.values())
        self._tags = {
            name: {"id": tag_id, "name": name, "locationId": location_id}
            for tag_id, name, location_id in self._conn.execute(
                "SELECT id, name, location_id FROM tags"
            )
        }
        self._generation = self._read_meta("generation")
        self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]
