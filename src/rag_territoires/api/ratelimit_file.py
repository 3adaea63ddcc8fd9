"""The SQLite file whose buckets the workers share (``ratelimit_shared.py``): opened, made
when missing, made anew when damaged.

Opening and replacing hold an ``flock`` on ``<file>.lock``, so that two workers finding
the file missing or damaged at once make one new file, not one each: two files would
split the buckets, each worker counting alone. A connection remembers which file it
opened (its device and inode): a worker whose file was deleted or replaced opens the one
now at the path at its next request, so no worker keeps counting in a file of its own.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

Identity = tuple[int, int]  # (device, inode)
_SCHEMA = "CREATE TABLE IF NOT EXISTS {table} (client TEXT PRIMARY KEY, tokens REAL, last REAL)"
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_JOURNALS = ("-wal", "-shm")


def identity(path: Path) -> Identity | None:
    """Which file is at ``path`` now; None when none is (other errors are raised)."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def damaged(error: sqlite3.Error) -> bool:
    """Junk where a database should be, or a database whose pages are broken."""
    return getattr(error, "sqlite_errorcode", 0) & 0xFF in _DAMAGED


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)  # gone with its folder: made again
    lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)  # releases the flock


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


def connect(path: Path, table: str) -> tuple[sqlite3.Connection, Identity | None]:
    """A connection to the file at ``path`` (made if missing), and which file it is."""
    with _locked(path):
        if identity(path) is None:
            # the journals of a deleted file would be read as the new file's content
            for suffix in _JOURNALS:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        db = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            _switch_to_wal(db)
            db.execute("PRAGMA synchronous=OFF")  # counters, not records: no fsync per request
            db.execute(_SCHEMA.format(table=table))
        except BaseException:
            db.close()
            raise
        return db, identity(path)


def remove_if_damaged(path: Path) -> bool:
    """True when the file at ``path`` was damaged and is removed, with its journals, to be
    made anew; False when it is sound (another worker replaced it already) or missing."""
    with _locked(path):
        try:
            probe = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10)
        except sqlite3.OperationalError:
            return False  # missing: connect() makes it
        try:
            if probe.execute("PRAGMA quick_check").fetchall() == [("ok",)]:
                return False
        except sqlite3.DatabaseError as error:
            if not damaged(error):
                raise
        finally:
            probe.close()
        for suffix in ("", *_JOURNALS):
            with suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
        return True
