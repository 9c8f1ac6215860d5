"""SQLite persistence with an in-memory copy of the whole workspace.

Reads never touch SQL: the workspace (a few thousand records) lives in memory as immutable
`Record` snapshots. Writes go through to SQLite in one transaction, then swap the snapshots.

Several processes (gunicorn workers, a standalone server next to the dashboard) may open the same
file. Before every operation the store asks SQLite for `PRAGMA data_version`, which changes only
when *another* connection committed; it then compares the workspace `generation` counter (bumped
by record writes, not by idempotency bookkeeping) and reloads everything if it moved.

Relationships are stored once per link as an edge of a `Relation`; both sides of a pair are
derived from the same edge, so a contact's `$account` and the account's `$contact` cannot drift.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sandbox.definitions import (
    MEMBER_TYPE,
    RELATIONS,
    SCHEMAS,
    RelationshipDef,
    relationship_sides,
)
from sandbox.records import Record, to_json

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    object_type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    fields TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS edges (
    relation TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (relation, source_id, target_id)
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    status INTEGER,
    body BLOB,
    PRIMARY KEY (scope, key)
);
"""

Edge = tuple[str, str, str]  # (relation, source_id, target_id)


@dataclass(frozen=True)
class SeedData:
    """Carry a generated workspace to be inserted into an empty store."""

    records: list[Record]
    edges: list[Edge]


def _order_key(record: Record) -> tuple[int, str]:
    # Newest first, ties broken by id so that pages are stable.
    return (-record.created_at, record.id)


class Store:
    """Hold the workspace in memory, persisted to SQLite and shared with other processes."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        seed: Callable[[], SeedData] | None = None,
        clock: Callable[[], float],
        list_lag: float = 0.0,
    ) -> None:
        self.lock = threading.RLock()
        self._clock = clock
        self._list_lag = list_lag
        self._conn = sqlite3.connect(
            str(db_path), check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.execute("PRAGMA busy_timeout = 30000")
        if str(db_path) != ":memory:":
            # WAL lets other processes read while one writes.
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.executescript(SCHEMA_SQL)

        self._records: dict[str, Record] = {}
        self._order: dict[str, list[tuple[int, str]]] = {}
        self._unique: dict[tuple[str, str], dict[str, str]] = {}
        # Earlier versions kept for `list_lag`: id -> [(written_at, version before that write)].
        self._history: dict[str, list[tuple[float, Record | None]]] = {}
        self._data_version: int | None = None
        self._generation: str | None = None
        self._dirty = False
        with self.lock:
            if seed is not None:
                self._seed_if_empty(seed)
            self._load()

    def close(self) -> None:
        """Close the database connection; the store must not be used afterwards."""
        with self.lock:
            self._conn.close()

    # -- reads -------------------------------------------------------------------------------

    def get(self, object_type: str, record_id: str) -> Record | None:
        """Return the current version of a record, or None if it is not of that type."""
        with self.lock:
            self._sync()
            record = self._records.get(record_id)
        if record is None or record.object_type != object_type:
            return None
        return record

    def exists(self, object_type: str, record_id: str) -> bool:
        """Tell whether a record of that type exists."""
        return self.get(object_type, record_id) is not None

    def all(self, object_type: str) -> list[Record]:
        """Return the current versions of every record of a type, newest first."""
        with self.lock:
            self._sync()
            return [self._records[record_id] for _, record_id in self._order.get(object_type, [])]

    def list_view(self, object_type: str) -> list[Record]:
        """Return what list endpoints see: like `all`, but `list_lag` seconds behind writes."""
        with self.lock:
            records = self.all(object_type)
            if not self._history:
                return records
            cutoff = self._clock() - self._list_lag
            self._prune_history(cutoff)
            view: list[Record] = []
            for record in records:
                versions = self._history.get(record.id)
                if versions:
                    # The version that was current at the cutoff is the one before the first
                    # write made after it.
                    earlier = versions[0][1]
                    if earlier is not None:
                        view.append(earlier)
                else:
                    view.append(record)
            return view

    def count(self, object_type: str) -> int:
        """Return how many records of a type exist."""
        with self.lock:
            self._sync()
            return len(self._order.get(object_type, []))

    def unique_owner(self, object_type: str, key: str, value: str) -> str | None:
        """Return the id of the record already holding `value` in a unique field, if any."""
        with self.lock:
            self._sync()
            return self._unique.get((object_type, key), {}).get(value.casefold())

    # -- writes ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the store's lock and a write transaction; commit on success, else roll back.

        The lock is re-entrant, so validation inside the block can use the read methods and
        sees exactly the state the write will be applied to.
        """
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._dirty = False
            try:
                self._sync()
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                if self._dirty:
                    # Memory already holds part of the failed write: reload from disk next time.
                    self._generation = None
                    self._data_version = None
                raise

    def create(
        self,
        object_type: str,
        fields: Mapping[str, Any],
        links: Mapping[str, list[str]],
        *,
        record_id: str | None = None,
    ) -> Record:
        """Insert a record with its links; call inside `transaction()`."""
        self._dirty = True
        prefix = SCHEMAS[object_type].id_prefix
        now = self._now_millis()
        record = Record(
            id=record_id or f"{prefix}_{uuid.uuid4().hex[:24]}",
            object_type=object_type,
            created_at=now,
            updated_at=now,
            fields=dict(fields),
            links={},
        )
        self._conn.execute(
            "INSERT INTO records (id, object_type, created_at, updated_at, fields) "
            "VALUES (?, ?, ?, ?, ?)",
            (record.id, object_type, now, now, _dump(record.fields)),
        )
        self._put(record, previous=None)
        self._relink(record.id, links)
        self._bump_generation()
        return self._records[record.id]

    def update(
        self, record: Record, fields: Mapping[str, Any], links: Mapping[str, list[str]]
    ) -> Record:
        """Replace a record's field values and the given relationship keys' links.

        `fields` is the complete new set of values; `links` holds only the keys that change,
        each with its complete new list of ids. Call inside `transaction()`.
        """
        # updatedAt must move forward even when the clock has not (clients compare it to
        # detect concurrent edits).
        self._dirty = True
        now = max(self._now_millis(), record.updated_at + 1)
        updated = replace(record, updated_at=now, fields=dict(fields))
        self._conn.execute(
            "UPDATE records SET updated_at = ?, fields = ? WHERE id = ?",
            (now, _dump(updated.fields), record.id),
        )
        self._put(updated, previous=record)
        self._relink(record.id, links)
        self._bump_generation()
        return self._records[record.id]

    def link_changes(self, record: Record, links: Mapping[str, list[str]]) -> int:
        """Count the links that writing `links` onto `record` would add or remove."""
        changes = 0
        for key, ids in links.items():
            current = set(record.links.get(key, ()))
            wanted = set(ids)
            changes += len(wanted - current) + len(current - wanted)
        return changes

    # -- persistence internals ----------------------------------------------------------------

    def _now_millis(self) -> int:
        return int(self._clock() * 1000)

    def _sync(self) -> None:
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return
        self._data_version = version
        if self._read_generation() != self._generation:
            self._load()

    def _read_generation(self) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else None

    def _bump_generation(self) -> None:
        self._generation = uuid.uuid4().hex
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (self._generation,),
        )

    def _seed_if_empty(self, seed: Callable[[], SeedData]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if self._conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None:
                data = seed()
                self._conn.executemany(
                    "INSERT INTO records (id, object_type, created_at, updated_at, fields) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        (r.id, r.object_type, r.created_at, r.updated_at, _dump(r.fields))
                        for r in data.records
                    ),
                )
                self._conn.executemany(
                    "INSERT INTO edges (relation, source_id, target_id) VALUES (?, ?, ?)",
                    data.edges,
                )
                self._bump_generation()
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        # Move the seed from the WAL into the main file, so that copying just the .sqlite3 file
        # (as test fixtures do) copies the whole workspace.
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _load(self) -> None:
        self._records = {}
        self._order = {}
        self._unique = {}
        self._history = {}
        links: dict[str, dict[str, list[str]]] = {}
        for relation, source_id, target_id in self._conn.execute(
            "SELECT relation, source_id, target_id FROM edges ORDER BY rowid"
        ):
            for rel in relationship_sides(relation):
                owner, other = (
                    (source_id, target_id)
                    if rel.side == "source"
                    else (
                        target_id,
                        source_id,
                    )
                )
                links.setdefault(owner, {}).setdefault(rel.key, []).append(other)
        rows = self._conn.execute(
            "SELECT id, object_type, created_at, updated_at, fields FROM records"
        )
        for record_id, object_type, created_at, updated_at, fields in rows:
            record_links = {k: tuple(v) for k, v in links.get(record_id, {}).items()}
            record = Record(
                record_id, object_type, created_at, updated_at, json.loads(fields), record_links
            )
            self._records[record_id] = record
            self._order.setdefault(object_type, []).append(_order_key(record))
            self._index_unique(record, add=True)
        for keys in self._order.values():
            keys.sort()
        self._generation = self._read_generation()
        self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]

    def _prune_history(self, cutoff: float) -> None:
        for record_id in list(self._history):
            versions = [entry for entry in self._history[record_id] if entry[0] > cutoff]
            if versions:
                self._history[record_id] = versions
            else:
                del self._history[record_id]

    def _put(self, record: Record, *, previous: Record | None) -> None:
        if previous is None:
            bisect.insort(self._order.setdefault(record.object_type, []), _order_key(record))
        else:
            self._index_unique(previous, add=False)
        self._index_unique(record, add=True)
        self._records[record.id] = record
        if self._list_lag > 0:
            self._history.setdefault(record.id, []).append((self._clock(), previous))

    def _index_unique(self, record: Record, *, add: bool) -> None:
        if record.object_type == MEMBER_TYPE:
            return
        for key, field_def in SCHEMAS[record.object_type].fields.items():
            if not field_def.unique:
                continue
            index = self._unique.setdefault((record.object_type, key), {})
            value = record.fields.get(key)
            for item in value if isinstance(value, list) else [value] if value else []:
                if add:
                    index[item.casefold()] = record.id
                elif index.get(item.casefold()) == record.id:
                    del index[item.casefold()]

    def _relink(self, record_id: str, links: Mapping[str, list[str]]) -> None:
        record = self._records[record_id]
        schema = SCHEMAS[record.object_type]
        for key, wanted in links.items():
            rel = schema.relationships[key]
            current = record.links.get(key, ())
            for other_id in current:
                if other_id not in wanted:
                    self._remove_edge(rel, record_id, other_id)
            for other_id in wanted:
                if other_id not in current:
                    self._add_edge(rel, record_id, other_id)
            record = self._records[record_id]

    def _add_edge(self, rel: RelationshipDef, owner_id: str, other_id: str) -> None:
        for inverse in relationship_sides(rel.relation):
            if inverse.side != rel.side and inverse.cardinality == "HAS_ONE":
                # The other record can hold one link of this kind: adding ours moves it.
                other = self._records[other_id]
                for previous_owner in other.links.get(inverse.key, ()):
                    self._remove_edge(rel, previous_owner, other_id)
        self._conn.execute(
            "INSERT OR IGNORE INTO edges (relation, source_id, target_id) VALUES (?, ?, ?)",
            self._edge(rel, owner_id, other_id),
        )
        self._change_links(rel, owner_id, other_id, add=True)

    def _remove_edge(self, rel: RelationshipDef, owner_id: str, other_id: str) -> None:
        self._conn.execute(
            "DELETE FROM edges WHERE relation = ? AND source_id = ? AND target_id = ?",
            self._edge(rel, owner_id, other_id),
        )
        self._change_links(rel, owner_id, other_id, add=False)

    @staticmethod
    def _edge(rel: RelationshipDef, owner_id: str, other_id: str) -> Edge:
        if rel.side == "source":
            return (rel.relation, owner_id, other_id)
        return (rel.relation, other_id, owner_id)

    def _change_links(
        self, rel: RelationshipDef, owner_id: str, other_id: str, *, add: bool
    ) -> None:
        relation = RELATIONS[rel.relation]
        source_id, target_id = (
            (owner_id, other_id) if rel.side == "source" else (other_id, owner_id)
        )
        for side in relationship_sides(relation.name):
            holder, linked = (
                (source_id, target_id) if side.side == "source" else (target_id, source_id)
            )
            record = self._records[holder]
            current = record.links.get(side.key, ())
            if add:
                new = current if linked in current else (*current, linked)
            else:
                new = tuple(i for i in current if i != linked)
            if new != current:
                updated = replace(record, links={**record.links, side.key: new})
                if holder == owner_id:
                    # The written record's own snapshot is recorded once by create/update.
                    self._records[holder] = updated
                else:
                    self._put(updated, previous=record)


def _dump(fields: Mapping[str, Any]) -> str:
    return to_json(fields)
