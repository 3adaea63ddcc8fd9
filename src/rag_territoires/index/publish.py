"""Publishing a build: its finished folder named, ``CURRENT`` switched to it, older ones gone.

A build is written in ``<build>.partial``: only a complete one is renamed to ``<build>``
and named by ``CURRENT``, which is replaced atomically (``os.replace``), so a reader
sees the previous build or the new one, never half of one, and a build interrupted at
any point leaves ``CURRENT`` naming the previous, complete build.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from rag_territoires.index.manifest import CURRENT

PARTIAL_SUFFIX = ".partial"


def new_build_folder(index_dir: Path) -> Path:
    """A fresh build's unfinished folder, made: ``build-<time>-<random>.partial``."""
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"build-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    partial = index_dir / (name + PARTIAL_SUFFIX)
    partial.mkdir()
    return partial


def publish(partial: Path) -> Path:
    """Make the complete build in ``partial`` the live one, and return its folder. Only
    under the build lock: no other build is running, so the older builds and the
    unfinished folders of killed ones can go."""
    index_dir = partial.parent
    build_dir = partial.with_name(partial.name.removesuffix(PARTIAL_SUFFIX))
    partial.rename(build_dir)
    pointer = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:6]}"
    pointer.write_text(build_dir.name + "\n", encoding="utf-8")
    os.replace(pointer, index_dir / CURRENT)  # the switch: atomic on POSIX
    for old in index_dir.glob("build-*"):
        if old != build_dir:
            shutil.rmtree(old, ignore_errors=True)
    return build_dir
