"""Idempotency-Key bookkeeping, persisted in the store's SQLite file.

Semantics follow Lightfield's docs: keys are scoped per entity type and operation
(`contact.create`, `contact.update`, …) and kept for 24 hours; a completed key replays the
original response even when the new payload differs; a key whose first request is still running
answers 409; a failed (non-2xx) request does not pin its key, so a retry runs again.

In-flight claims are rows too, so two processes sharing the file see each other's claims. A claim
left behind by a crashed process expires after `ABANDONED_CLAIM_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.store import Store

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
RETENTION_SECONDS = 24 * 60 * 60
# Longer than any request can take, even with the timeout knob at its default of 30 s.
ABANDONED_CLAIM_SECONDS = 10 * 60

_PENDING = "pending"
_DONE = "done"


@dataclass(frozen=True)
class StoredResponse:
    """Hold the response a completed key replays."""

    status: int
    body: bytes


def check_key(key: str) -> None:
    """Reject keys longer than Lightfield accepts."""
    if len(key) > MAX_KEY_LENGTH:
        raise errors.bad_request(
            f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters.",
            code=errors.IDEMPOTENCY_KEY_TOO_LONG,
            param=HEADER,
        )


class IdempotencyKeys:
    """Claim, complete and release idempotency keys."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    def claim(self, scope: str, key: str) -> StoredResponse | None:
        """Pin `key` as in flight, or return the response to replay.

        Raises a 409 while another request holding the same key is still running.
        """
        now = self._clock()
        conflict = False
        replay: StoredResponse | None = None
        with self._store.transaction() as db:
            db.execute(
                "DELETE FROM idempotency_keys WHERE created_at < ?", (now - RETENTION_SECONDS,)
            )
            row = db.execute(
                "SELECT state, created_at, status, body FROM idempotency_keys "
                "WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()
            if row is not None:
                state, created_at, status, body = row
                if state == _DONE:
                    replay = StoredResponse(status, bytes(body))
                elif now - created_at < ABANDONED_CLAIM_SECONDS:
                    conflict = True
            if replay is None and not conflict:
                db.execute(
                    "INSERT OR REPLACE INTO idempotency_keys (scope, key, state, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (scope, key, _PENDING, now),
                )
        if conflict:
            raise ApiError(
                409,
                "A request with this Idempotency-Key is already in progress; "
                "retry with the same key once it has finished.",
                # The spec's ConflictError only has type/message; the docs' example names this
                # case `idempotency_conflict`, so it rides along as the code.
                code="idempotency_conflict",
            )
        return replay

    def complete(self, scope: str, key: str, status: int, body: bytes) -> None:
        """Remember a successful response for replay; a failure just releases the key."""
        if not 200 <= status < 300:
            self.release(scope, key)
            return
        with self._store.transaction() as db:
            db.execute(
                "UPDATE idempotency_keys SET state = ?, status = ?, body = ? "
                "WHERE scope = ? AND key = ?",
                (_DONE, status, body, scope, key),
            )

    def release(self, scope: str, key: str) -> None:
        """Forget an in-flight claim, so that a retry executes again."""
        with self._store.transaction() as db:
            db.execute(
                "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = ?",
                (scope, key, _PENDING),
            )
