"""One build, or one change of the corpus, at a time per index folder.

Builds started together (several servers starting on an empty folder, a `build` while
another runs) used to delete each other's unfinished folders: 21 of 36 such processes
died. A build now holds an exclusive lock on ``<index_dir>/.build.lock``; the others
wait for it, and those that only needed *an* index then find the fresh one and use it.
A corpus change (``add``, ``remove``: ``corpus/transaction.py``) holds the same lock
from its first read of the corpus folder to its last write, so two changes never see
each other half done. The lock is the kernel's (``flock``): a killed build releases it
with its process.

The lock is re-entrant within a thread: a corpus change builds its index while holding
it. ``build_lock`` yields True when the call took the lock, False when the thread held
it already, so that only the outermost holder clears what a crashed one left. With
``wait_seconds`` 0 a busy lock is refused at once (``BuildBusy``): a change made over the
API answers 409 rather than holding its request while another build runs.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag_territoires.errors import BuildBusy, IndexStateError

LOCK_FILE = ".build.lock"
WAIT_SECONDS = 900.0  # a build takes seconds here; past this, something is stuck

log = logging.getLogger(__name__)
_held = threading.local()  # the index folders whose lock this thread holds


@contextmanager
def build_lock(index_dir: Path, wait_seconds: float = WAIT_SECONDS) -> Iterator[bool]:
    held: set[Path] = _held.__dict__.setdefault("folders", set())
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        key = index_dir.resolve()
        # this thread holds it already: a corpus change building its index
        handle = None if key in held else (index_dir / LOCK_FILE).open("a")
    except OSError as exc:
        raise IndexStateError(f"cannot write the index in {index_dir}: {exc}") from exc
    if handle is None:
        yield False
        return
    with handle:
        deadline = time.monotonic() + wait_seconds
        said = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildBusy(
                        f"another build or corpus change of {index_dir} has been running "
                        f"for over {wait_seconds:g} s; try again when it ends"
                        if wait_seconds > 0
                        else "another build or corpus change is running; try again when it ends"
                    ) from None
                if not said:
                    log.warning("waiting for another build or corpus change to end")
                    said = True
                time.sleep(0.1)
        held.add(key)
        try:
            yield True
        finally:
            held.discard(key)
            fcntl.flock(handle, fcntl.LOCK_UN)
