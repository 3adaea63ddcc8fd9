"""Rate limits that stay correct when several worker processes serve the same port.

With ``serve --workers N`` the kernel hands each connection to one of N processes, so
a token bucket in each process's memory would let a client through N times its limit.
Here the buckets live in one small SQLite file that the workers of one ``serve`` share
(``serve`` creates it in /dev/shm, memory, when it can): one short write transaction per
request, ~0.1 ms. ``CLOCK_MONOTONIC`` is one clock for every process of the machine, so
the refill arithmetic is the same as in memory (``limits.RateLimiter``).

A damaged or deleted file is made anew (``ratelimit_file.py``). When the file cannot be used
at all (a full or read-only /dev/shm), each worker counts in its own memory instead, said
once in the log and shown by ``mode`` (/readyz, /metrics), and tries the file again every
``RETRY_SECONDS``: a client may then get N times its limit, never a 500.

Replicas on other machines do not share it: behind a load balancer, limit there too
(``docs/deploy.md``).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from contextlib import suppress
from pathlib import Path

from rag_territoires.api.ratelimit import RateLimiter
from rag_territoires.api.ratelimit_file import connect, damaged, identity, remove_if_damaged

SHARED = "shared"
FALLBACK = "in_process_fallback"
log = logging.getLogger(__name__)


def limits_mode(*limiters: RateLimiter | SharedRateLimiter) -> str:
    """How the limits are counted: "in_process" (one process), "shared" (one file for
    the workers), or the fallback when any of them cannot use the file."""
    modes = {limiter.mode for limiter in limiters}
    return FALLBACK if FALLBACK in modes else modes.pop()


class SharedRateLimiter:
    """``limits.RateLimiter``'s behaviour, its buckets in a file shared across processes.
    ``name`` separates several limiters in one file (a table each)."""

    PRUNE_EVERY = 1024  # acquisitions, per process
    RETRY_SECONDS = 30.0  # after a failure, the buckets in memory until then

    def __init__(self, per_minute: int, path: Path, name: str = "requests") -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self.path = path
        self.table = f"buckets_{name}"
        self._local = threading.local()  # one connection per thread: sqlite3's rule
        self._since_prune = 0
        self._in_memory = RateLimiter(per_minute)  # while the file cannot be used
        self._retry_at: float | None = None  # None: the file is in use

    @property
    def mode(self) -> str:
        return SHARED if self._retry_at is None else FALLBACK

    def __len__(self) -> int:
        return self._db().execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def close(self) -> None:
        """Closes this thread's connection (Python frees a connection only with the
        garbage collector, and SQLite folds its journal into the file on close)."""
        db = getattr(self._local, "db", None)
        self._local.db = None
        if db is not None:
            with suppress(sqlite3.Error):
                db.close()

    def acquire(self, client: str) -> float:
        """0 if the request may go on, else the seconds to wait before retrying."""
        if self.capacity <= 0:
            return 0.0
        if self._retry_at is not None and time.monotonic() < self._retry_at:
            return self._in_memory.acquire(client)
        try:
            wait = self._acquire_mended(client)
        except (sqlite3.Error, OSError) as error:
            self._fall_back(error)
            return self._in_memory.acquire(client)
        if self._retry_at is not None:
            self._retry_at = None
            log.warning("the shared rate limits' file %s works again: one limit for all", self.path)
        return wait

    def _acquire_mended(self, client: str) -> float:
        try:
            return self._take(self._db(), client)
        except sqlite3.DatabaseError as error:
            if not damaged(error):
                raise
            self.close()
            if remove_if_damaged(self.path):
                log.warning(
                    "the shared rate limits' file %s was damaged (%s): made anew, its "
                    "buckets start full",
                    self.path,
                    error,
                )
            return self._take(self._db(), client)

    def _fall_back(self, error: BaseException) -> None:
        self.close()
        if self._retry_at is None:
            log.warning(
                "the shared rate limits' file %s cannot be used (%s): each worker counts its "
                "own requests until it can (with N workers, up to N times the limit); "
                "tried again every %g s",
                self.path,
                error,
                self.RETRY_SECONDS,
            )
        self._retry_at = time.monotonic() + self.RETRY_SECONDS

    def _db(self) -> sqlite3.Connection:
        """This thread's connection, to the file at the path now (opened anew when the
        file it had was deleted or replaced)."""
        db = getattr(self._local, "db", None)
        if db is None or identity(self.path) != self._local.identity:
            self.close()
            db, self._local.identity = connect(self.path, self.table)
            self._local.db = db
        return db

    def _take(self, db: sqlite3.Connection, client: str) -> float:
        db.execute("BEGIN IMMEDIATE")  # one writer at a time across the processes
        try:
            now = time.monotonic()
            row = db.execute(
                f"SELECT tokens, last FROM {self.table} WHERE client = ?", (client,)
            ).fetchone()
            tokens, last = row if row else (self.capacity, now)
            tokens = min(self.capacity, tokens + (now - last) * self.refill)
            allowed = tokens >= 1.0
            tokens = tokens - 1.0 if allowed else tokens
            db.execute(
                f"INSERT OR REPLACE INTO {self.table} (client, tokens, last) VALUES (?, ?, ?)",
                (client, tokens, now),
            )
            self._since_prune += 1
            if self._since_prune >= self.PRUNE_EVERY:
                self._since_prune = 0
                db.execute(
                    f"DELETE FROM {self.table} WHERE tokens + (? - last) * ? >= ?",
                    (now, self.refill, self.capacity),
                )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (a full disk)
                with suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise
        return 0.0 if allowed else max(1.0, math.ceil((1.0 - tokens) / self.refill))

    def waiting(self, client: str) -> float:
        """What ``acquire`` would answer now, taking nothing: 0, or the seconds to wait."""
        if self.capacity <= 0:
            return 0.0
        row = (
            self._db()
            .execute(f"SELECT tokens, last FROM {self.table} WHERE client = ?", (client,))
            .fetchone()
        )
        now = time.monotonic()
        tokens, last = row if row else (self.capacity, now)
        tokens = min(self.capacity, tokens + (now - last) * self.refill)
        return 0.0 if tokens >= 1.0 else max(1.0, math.ceil((1.0 - tokens) / self.refill))
