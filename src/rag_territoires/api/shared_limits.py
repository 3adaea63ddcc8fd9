"""Rate limits that stay correct when several worker processes serve the same port.

With ``serve --workers N`` the kernel hands each connection to one of N processes, so
a token bucket in each process's memory would let a client through N times its limit.
Here the buckets live in one small SQLite file that the workers of one ``serve`` share
(``serve`` creates it in /dev/shm, memory, when it can): one short write transaction per
request, ~0.1 ms. ``CLOCK_MONOTONIC`` is one clock for every process of the machine, so
the refill arithmetic is the same as in memory (``limits.RateLimiter``).

Replicas on other machines do not share it: behind a load balancer, limit there too
(``docs/deploy.md``).
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from pathlib import Path

_SCHEMA = "CREATE TABLE IF NOT EXISTS buckets (client TEXT PRIMARY KEY, tokens REAL, last REAL)"


def _switch_to_wal(db: sqlite3.Connection, within: float = 10.0) -> None:
    """WAL mode, which workers opening a new file at the same moment all ask for: SQLite
    may refuse the switch at once ("database is locked") without waiting its busy timeout,
    so it is retried (seen in CI: a worker died on it at start)."""
    deadline = time.monotonic() + within
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class SharedRateLimiter:
    """``limits.RateLimiter``'s behaviour, its buckets in a file shared across processes.
    ``name`` separates several limiters in one file (a table each)."""

    PRUNE_EVERY = 1024  # acquisitions, per process

    def __init__(self, per_minute: int, path: Path, name: str = "requests") -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self.path = path
        self.table = f"buckets_{name}"
        self._local = threading.local()  # one connection per thread: sqlite3's rule
        self._since_prune = 0

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            _switch_to_wal(db)
            db.execute("PRAGMA synchronous=OFF")  # counters, not records: no fsync per request
            db.execute(_SCHEMA.replace("buckets", self.table))
            self._local.db = db
        return db

    def __len__(self) -> int:
        return self._db().execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def acquire(self, client: str) -> float:
        """0 if the request may go on, else the seconds to wait before retrying."""
        if self.capacity <= 0:
            return 0.0
        db = self._db()
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
