"""A bucket store shared by every process of one host through a small SQLite file."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .bucket import BucketOp, BucketState, Outcome, StoreError, apply

__all__ = ["DEFAULT_FILENAME", "SQLiteStore"]

DEFAULT_FILENAME = "crm-budget.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bucket (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    updated REAL NOT NULL,
    learned_rate REAL NOT NULL DEFAULT 0,
    learned_until REAL NOT NULL DEFAULT 0
)
"""


class SQLiteStore:
    """Keep buckets in ``<directory>/crm-budget.sqlite3``, one write transaction per operation.

    Every operation runs inside ``BEGIN IMMEDIATE``, which takes the file's write lock before
    reading, so two processes can never both see the last token. WAL keeps readers of the file
    from blocking, and ``busy_timeout`` makes a process queue for the lock (for up to
    ``busy_timeout`` seconds) instead of failing. ``clock`` must be shared by the processes:
    the default wall clock is.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        filename: str = DEFAULT_FILENAME,
        clock: Callable[[], float] = time.time,
        busy_timeout: float = 2.0,
    ) -> None:
        self.path = Path(directory) / filename
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def apply(self, key: str, op: BucketOp) -> Outcome:
        """Run ``op`` on the bucket ``key`` in one immediate transaction."""
        with self._lock:
            try:
                return self._apply(key, op)
            except sqlite3.Error as exc:
                raise StoreError(f"The rate budget file {self.path} failed: {exc}") from exc

    def close(self) -> None:
        """Close this process's connection."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _apply(self, key: str, op: BucketOp) -> Outcome:
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                "SELECT tokens, updated, learned_rate, learned_until FROM bucket WHERE key = ?",
                (key,),
            ).fetchone()
            before = BucketState(*row) if row is not None else None
            # Read the clock inside the lock, so time only moves forward between writers.
            state, outcome = apply(before, op, self._clock())
            if op.kind != "peek":
                db.execute(
                    "INSERT OR REPLACE INTO bucket"
                    " (key, tokens, updated, learned_rate, learned_until) VALUES (?, ?, ?, ?, ?)",
                    (key, state.tokens, state.updated, state.learned_rate, state.learned_until),
                )
            db.execute("COMMIT")
        except BaseException:
            # Also after a failed COMMIT: an open transaction would make every later BEGIN fail.
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return outcome

    def _set_up(self, connection: sqlite3.Connection) -> None:
        """Switch the file to WAL and create the table, waiting out other processes doing so.

        SQLite answers a journal-mode change with "database is locked" at once, without its
        busy timeout, while another process is in a transaction on a fresh file: retried here,
        not reported as a failed store (which would let a call through uncounted).
        """
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                connection.execute("PRAGMA journal_mode = WAL")
                # Losing the last few milliseconds of budget state in a power cut is harmless.
                connection.execute("PRAGMA synchronous = NORMAL")
                connection.execute(_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _connect(self) -> sqlite3.Connection:
        # A connection must not cross a fork (gunicorn preloads, then forks its workers).
        if self._connection is None or self._pid != os.getpid():
            connection = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
                check_same_thread=False,  # guarded by self._lock
            )
            connection.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            self._set_up(connection)
            self._connection, self._pid = connection, os.getpid()
        return self._connection
