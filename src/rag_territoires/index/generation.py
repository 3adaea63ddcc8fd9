"""A corpus change is published with its build: one switch of ``CURRENT`` for both.

A change (``corpus/transaction.py``) builds from a staged copy of the corpus folder and
moves that copy into the new build (``corpus/`` in the build folder), with a record of
the files it writes into the corpus folder and removes from it (``corpus-change.json``).
Before the switch, each written file is already in the corpus folder under a hidden
temporary name (``prepare``), so a full disk or a refused name stops the change while
nothing is published. Replacing ``CURRENT`` then publishes the maps and their index at
once: a running server reads the notes from the build's own maps (``api/reload.py``),
so what it serves always matches what it lists. Last, ``roll_forward`` brings the corpus
folder up to the build: the temporary files are renamed over their names, removed files
unlinked, and the record deleted.

``settle`` runs first in every command that takes the build lock. When a command was
killed after the switch, it finishes bringing the corpus folder forward (never back);
when it was killed before, it removes what was left (the staged copy, an unfinished or
unpublished build, temporary files). A leftover is never published: only ``CURRENT``
publishes, and it only ever names a complete build.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

from rag_territoires.errors import CorpusError, CorpusWriteError, IndexStateError
from rag_territoires.index.manifest import CHANGE_FILE, CURRENT, MAPS_FOLDER, read_current
from rag_territoires.index.store import CACHE_FOLDER

STAGE_PREFIX = ".stage-"


def live_build(index_dir: Path) -> Path | None:
    try:
        build_dir = read_current(index_dir)
    except IndexStateError:
        return None
    return build_dir if build_dir.is_dir() else None


def live_maps(index_dir: Path) -> Path | None:
    """The maps the live build was made from, when a corpus change made it."""
    build_dir = live_build(index_dir)
    maps = build_dir / MAPS_FOLDER if build_dir is not None else None
    return maps if maps is not None and maps.is_dir() else None


def _temporary_prefix(index_dir: Path) -> str:
    # names the index folder: a change of another index on the same notes is not ours
    digest = hashlib.sha256(str(index_dir.resolve()).encode()).hexdigest()[:8]
    return f".rag-territoires-{digest}-"


def temporary_name(index_dir: Path) -> str:
    """Short, whatever the map's name: a long name plus a suffix may pass the file
    system's limit (255 bytes) where the name alone does not."""
    return f"{_temporary_prefix(index_dir)}{uuid.uuid4().hex[:12]}.partial"


def prepare(corpus_dir: Path, index_dir: Path, staged: Path, names: list[str]) -> dict[str, str]:
    """Copy each written file into the corpus folder under a temporary name; return the
    temporary name of each. Raises ``CorpusError`` (nothing published yet)."""
    temporaries: dict[str, str] = {}
    for name in names:
        temporaries[name] = temporary_name(index_dir)
        try:
            corpus_dir.mkdir(parents=True, exist_ok=True)
            # renamed to its name after the switch, where a refusal would come too late
            if len(os.fsencode(name)) > os.pathconf(corpus_dir, "PC_NAME_MAX"):
                raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))
            shutil.copyfile(staged / name, corpus_dir / temporaries[name])
        except OSError as exc:
            raise CorpusWriteError(
                f"cannot write {name} into {corpus_dir}: {exc.strerror}", exc.errno
            ) from None
    return temporaries


def write_record(build_dir: Path, temporaries: dict[str, str], removed: list[str]) -> None:
    record = {"write": temporaries, "remove": removed}
    (build_dir / CHANGE_FILE).write_text(json.dumps(record, ensure_ascii=False), "utf-8")


def _plain(name: object) -> bool:
    """A file name of the folder itself: never a path that leads elsewhere."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name


def _read_record(build_dir: Path) -> tuple[dict[str, str], list[str]]:
    path = build_dir / CHANGE_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        write, remove = record["write"], record["remove"]
        if not all(_plain(k) and _plain(v) for k, v in write.items()):
            raise ValueError("a name is not a plain file name")
        if not all(_plain(name) for name in remove):
            raise ValueError("a name is not a plain file name")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexStateError(
            f"{path} is unreadable ({exc})", "remove it and check the corpus folder"
        ) from None
    return write, remove


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        return one.read_bytes() == other.read_bytes()
    except OSError:
        return False


def roll_forward(corpus_dir: Path, build_dir: Path) -> None:
    """Bring the corpus folder up to the maps ``build_dir`` published, then forget the
    change. Idempotent: a second run after a crash half-way finishes the first."""
    write, remove = _read_record(build_dir)
    try:
        corpus_dir.mkdir(parents=True, exist_ok=True)
        for name, temporary in write.items():
            target, copied = corpus_dir / name, corpus_dir / temporary
            if copied.is_file():
                os.replace(copied, target)
            elif not _same_bytes(target, build_dir / MAPS_FOLDER / name):
                # its temporary copy is gone (cleared by a change of another index): again
                again = corpus_dir / temporary_name(build_dir.parent)
                shutil.copyfile(build_dir / MAPS_FOLDER / name, again)
                os.replace(again, target)
        for name in remove:
            (corpus_dir / name).unlink(missing_ok=True)
        (build_dir / CHANGE_FILE).unlink(missing_ok=True)
    except OSError as exc:
        raise CorpusError(
            f"the index holds the change, but {corpus_dir} could not be brought up to it "
            f"({exc.strerror}): the next add, remove or build completes it"
        ) from None


def settle(corpus_dir: Path, index_dir: Path) -> None:
    """Finish a published change, clear what an unpublished one left. Call it holding
    the build lock (``lock.build_lock``), before reading the corpus folder."""
    if not index_dir.is_dir():
        return
    live = live_build(index_dir)
    if live is not None and (live / CHANGE_FILE).exists():
        roll_forward(corpus_dir, live)
    leftovers = [*index_dir.glob(STAGE_PREFIX + "*"), *index_dir.glob(f".{CURRENT}.*")]
    if live is not None:  # no readable CURRENT: keep every build, one may be wanted
        leftovers += [p for p in index_dir.glob("build-*") if p != live]
    leftovers += (index_dir / CACHE_FOLDER).glob(".vectors-*.npz")
    if corpus_dir.is_dir():
        leftovers += corpus_dir.glob(_temporary_prefix(index_dir) + "*.partial")
    for path in leftovers:  # one that cannot be removed is still never published
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
