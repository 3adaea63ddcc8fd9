"""One build at a time per index folder.

Builds started together (several servers starting on an empty folder, a `build` while
another runs) used to delete each other's unfinished folders: 21 of 36 such processes
died. A build now holds an exclusive lock on ``<index_dir>/.build.lock``; the others
wait for it, and those that only needed *an* index then find the fresh one and use it.
The lock is the kernel's (``flock``): a killed build releases it with its process.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag_territoires.errors import IndexStateError

LOCK_FILE = ".build.lock"
WAIT_SECONDS = 900.0  # a build takes seconds here; past this, something is stuck


@contextmanager
def build_lock(index_dir: Path, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("a") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexStateError(
                        f"another build of {index_dir} has been running for over "
                        f"{wait_seconds:g} s; try again when it ends"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
