"""What a build folder must contain, checked before anything in it is trusted.

A manifest edited by hand, truncated or written by another version (``"dense": {}``,
``null``, a list, a file name with a path in it) is refused with one clear reason, so
the server rebuilds or says what to do, never a KeyError. The ``CURRENT`` pointer is
checked the same way: valid UTF-8, naming a build folder and nothing else.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from rag_territoires.errors import IndexStateError

REBUILD_HINT = "run `rag-territoires build` to rebuild it"
CURRENT = "CURRENT"
# a build made by a corpus change carries the maps it was made from, and until the corpus
# folder has caught up with them, the record of the change (index/generation.py)
MAPS_FOLDER = "corpus"
CHANGE_FILE = "corpus-change.json"
BUILD_NAME = re.compile(r"^build-[0-9A-Za-z-]+$")
HASH_BLOCK = 16 * 1024 * 1024

FileName = Annotated[StrictStr, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$", max_length=100)]
Sha256 = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]


class HashedFile(BaseModel):
    file: FileName
    sha256: Sha256


class DenseFile(HashedFile):
    dimension: Annotated[StrictInt, Field(gt=0)]
    kind: Literal["flat", "hnsw"] = "flat"  # exact, or an HNSW graph (builders.HNSW_ABOVE)


class ExpansionFile(HashedFile):
    words: Annotated[StrictInt, Field(ge=0)]


class Bm25Folder(BaseModel):
    folder: FileName
    files: dict[FileName, Sha256] = Field(min_length=1)


class SnapshotFile(HashedFile):
    """The parsed notes (``snapshot.py``) and the key under which they may be used."""

    notes: Sha256
    parser: Sha256
    chunk_max_chars: StrictInt


class Manifest(BaseModel):
    model_config = ConfigDict(extra="allow")  # build facts (built_at, timings) are free

    format_version: StrictInt
    corpus_fingerprint: StrictStr
    chunk_max_chars: StrictInt
    chunk_count: StrictInt
    chunk_ids: StrictStr
    encoders: list[StrictStr]
    dense: dict[str, DenseFile] = Field(min_length=1)
    expansion: ExpansionFile
    bm25: Bm25Folder | None = None  # builds before it was stored rebuild BM25 at load
    snapshot: SnapshotFile | None = None  # none: starts parse the notes
    units: HashedFile | None = None  # each vector's chunk; none: derived from the chunks
    e5: HashedFile | None = None  # the re-ranker's centred unit vectors (retrieval/rerank.py)


def sha256_of(path: Path) -> str:
    """Streamed (530 MB of vectors at 120k nodes), in large blocks: a thread hashing
    while a start parses takes the GIL back once per block, and ``file_digest``'s 256 KB
    blocks made it wait behind the parsing thousands of times (0.35 s of a start at 250k
    nodes)."""
    digest = hashlib.sha256()
    buffer = bytearray(HASH_BLOCK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as file:
        while size := file.readinto(buffer):
            digest.update(view[:size])
    return digest.hexdigest()


def read_manifest(build_dir: Path, text: str) -> Manifest:
    try:
        return Manifest.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "manifest"
        raise IndexStateError(
            f"index manifest in {build_dir} is malformed ({where}: {first['msg']})", REBUILD_HINT
        ) from None


def read_current(index_dir: Path) -> Path:
    """The live build folder named by ``CURRENT``."""
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        raise IndexStateError(f"no index in {index_dir}/", REBUILD_HINT)
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexStateError(f"{pointer} is unreadable ({exc})", REBUILD_HINT) from None
    if not BUILD_NAME.match(name):
        raise IndexStateError(f"{pointer} does not name a build folder", REBUILD_HINT)
    return index_dir / name


def current_build_name(index_dir: Path) -> str | None:
    """The name ``CURRENT`` holds now, or None: cheap enough to poll every second."""
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None
