"""``add`` and ``remove`` as transactions: the corpus folder and the live index change
together, or not at all.

1. The build lock is taken, so a concurrent change or build waits (``index/lock.py``),
   and what a crashed change left is settled (``index/generation.py``).
2. The corpus folder is copied into a private staging folder inside the index folder,
   and the change (``manage.py``) is made on the copy, checked with the whole corpus.
3. Each new file is also copied into the corpus folder under a hidden temporary name:
   a full disk or a name the folder refuses stops the change here.
4. The index is built from the staged copy; the copy moves into the new build with the
   record of the change, and ``CURRENT`` is replaced: the one atomic step that publishes
   the maps and their index.
5. The corpus folder is brought up to the build: temporary files renamed over their
   names, removed files unlinked.

Whatever stops the command before step 4 (an error, Ctrl-C, SIGTERM, SIGKILL, a full
disk) leaves the corpus folder and the live build as they were, byte for byte; after
it, the change is published, and the next command finishes step 5 if it was cut short.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rag_territoires.config import Settings
from rag_territoires.corpus.manage import Change
from rag_territoires.embedding.encoders import Encoder
from rag_territoires.engine import Engine
from rag_territoires.errors import CorpusWriteError
from rag_territoires.index.generation import (
    STAGE_PREFIX,
    prepare,
    roll_forward,
    settle,
    write_record,
)
from rag_territoires.index.lock import WAIT_SECONDS, build_lock
from rag_territoires.index.manifest import MAPS_FOLDER


def _stage(corpus_dir: Path, index_dir: Path) -> Path:
    """A copy of the corpus folder's visible files, in the index folder (the same file
    system as the builds: the copy is moved into the build, not copied again)."""
    staged = index_dir / f"{STAGE_PREFIX}{uuid.uuid4().hex[:12]}"
    staged.mkdir()
    if not corpus_dir.is_dir():
        return staged
    try:
        for path in sorted(corpus_dir.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                shutil.copyfile(path, staged / path.name)
    except OSError as exc:
        raise CorpusWriteError(
            f"cannot copy the corpus folder {corpus_dir}: {exc.strerror}", exc.errno
        ) from None
    return staged


@contextmanager
def corpus_change(settings: Settings, wait_seconds: float = WAIT_SECONDS) -> Iterator[Path]:
    """Hold the build lock and give a staged copy of the corpus folder to change; on the
    way out, whatever happened, settle: a change not published leaves nothing, one
    published is completed. ``wait_seconds``: how long to wait for the lock (0: the API's
    changes, refused at once with ``BuildBusy`` when another holds it)."""
    corpus_dir, index_dir = settings.corpus_dir, settings.index_dir
    with build_lock(index_dir, wait_seconds):
        settle(corpus_dir, index_dir)
        try:
            yield _stage(corpus_dir, index_dir)
        finally:
            settle(corpus_dir, index_dir)


def publish(
    settings: Settings,
    staged: Path,
    change: Change,
    show_progress: bool,
    encoders: Sequence[Encoder] | None = None,
) -> Engine:
    """Build the index of ``staged`` (changed by ``change``) and publish both; bring the
    corpus folder up to them. Call it inside ``corpus_change``. ``encoders``: loaded ones
    to embed with (a running server's), instead of loading the model again."""
    corpus_dir, index_dir = settings.corpus_dir, settings.index_dir
    temporaries = prepare(corpus_dir, index_dir, staged, change.written)

    def carry(build_dir: Path) -> None:  # the maps go with the index they were indexed in
        os.rename(staged, build_dir / MAPS_FOLDER)
        write_record(build_dir, temporaries, change.removed)

    engine = Engine(
        settings,
        show_progress=show_progress,
        encoders=encoders,
        notes_dir=staged,
        before_publish=carry,
    )
    engine.warm_up(rebuild=True)
    if engine.build is not None:
        roll_forward(corpus_dir, index_dir / engine.build)
    return engine
