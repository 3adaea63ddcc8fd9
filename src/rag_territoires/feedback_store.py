"""Where the chat page's ratings and comments go: one JSON line each, appended to
``feedback.jsonl`` in the data folder.

Several workers and replicas may share that folder (docs/deploy.md): appends are
serialised with ``flock`` on ``feedback.jsonl.lock`` (not on the data file, which rotation
renames). Each record is written whole or not at all: one write, and when the disk (or a
file-size limit) takes only part of it, the file is cut back to its length before, so a
full disk never leaves half a line for the next record to be glued to. The file has a
size cap: a record that would pass it first moves the file to ``feedback.jsonl.1`` (the
older ones to ``.2``..., the oldest beyond ``keep`` dropped); with ``keep`` 0, feedback is
refused instead (``StorageFull``)."""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag_territoires.errors import StorageError, StorageFull

FEEDBACK_FILE = "feedback.jsonl"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_KEEP = 4
NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
log = logging.getLogger(__name__)
_write_lock = threading.Lock()  # the threads of one process; flock orders the processes


def rotated(path: Path, number: int) -> Path:
    return path.with_name(f"{path.name}.{number}")


def feedback_files(data_dir: Path) -> list[Path]:
    """The feedback files that exist, oldest first: the rotated ones, then the current."""
    current = data_dir / FEEDBACK_FILE
    numbered = []
    for path in data_dir.glob(FEEDBACK_FILE + ".*"):
        number = path.name.rsplit(".", 1)[1]
        if number.isdigit():
            numbered.append((int(number), path))
    return [path for _, path in sorted(numbered, reverse=True)] + (
        [current] if current.is_file() else []
    )


def encode(record: dict) -> bytes:
    line = json.dumps(record, ensure_ascii=False)
    # U+2028/2029 end a line for JavaScript and some JSONL readers: escaped
    line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (line + "\n").encode("utf-8")


def append_feedback(
    data_dir: Path, record: dict, max_bytes: int = DEFAULT_MAX_BYTES, keep: int = DEFAULT_KEEP
) -> None:
    path = data_dir / FEEDBACK_FILE
    line = encode(record)
    try:
        if len(line) > max_bytes:
            raise _full(path, f"a record of {len(line)} bytes is over the cap of {max_bytes}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock, _locked(path):
            _append_whole(path, line, max_bytes, keep)
    except OSError as exc:  # the path goes to the log only, not to the client
        if exc.errno in NO_ROOM:
            raise _full(path, exc.strerror or str(exc)) from exc
        log.error("cannot record feedback in %s: %s", path, exc.strerror or exc)
        raise StorageError("the feedback cannot be recorded now; try again later") from exc


def append_line(path: Path, line: bytes) -> None:
    """``line`` appended to ``path`` whole or not at all, under the same lock as feedback,
    never rotated (the audit log: api/audit.py). Raises ``OSError``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_lock, _locked(path):
        _append_whole(path, line, max_bytes=len(line) + (1 << 62), keep=0)


def _full(path: Path, why: str) -> StorageFull:
    log.error("feedback refused, %s is full: %s", path, why)
    return StorageFull("the feedback cannot be recorded: its storage is full")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)  # releases the flock


def _append_whole(path: Path, line: bytes, max_bytes: int, keep: int) -> None:
    size = path.stat().st_size if path.exists() else 0
    if size and size + len(line) > max_bytes:
        if keep == 0:
            raise _full(path, f"it reached its cap of {max_bytes} bytes and rotation is off")
        _rotate(path, keep)
    out = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(out).st_size
        if size and os.pread(out, 1, size - 1) != b"\n":
            # a tail torn by a writer that died mid-line: left as a line of its own (readers
            # skip it), rather than glued to this record
            line = b"\n" + line
        _write_or_undo(out, line, size)
    finally:
        os.close(out)


def _write_or_undo(out: int, line: bytes, size: int) -> None:
    """``line`` appended whole, or the file cut back to ``size`` and the error raised."""
    try:
        written = os.write(out, line)
        while written < len(line):  # cut short: the disk is filling; the next write says why
            more = os.write(out, line[written:])
            if more == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            written += more
        os.fsync(out)  # an acknowledged record is on the disk (NFS reports errors here)
    except OSError:
        try:
            os.ftruncate(out, size)
        except OSError as undo:
            log.critical("the feedback file may end with a partial line: %s", undo)
        raise


def _rotate(path: Path, keep: int) -> None:
    for number in range(keep, 1, -1):
        older = rotated(path, number - 1)
        if older.exists():
            os.replace(older, rotated(path, number))  # over the oldest, which is dropped
    os.replace(path, rotated(path, 1))
    log.info("feedback file at its cap: moved to %s (%d kept)", rotated(path, 1), keep)
