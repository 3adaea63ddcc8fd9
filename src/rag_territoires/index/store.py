"""The index on disk: one folder per build, and a ``CURRENT`` file naming the live one.

A build writes a new folder, then publishes it (``publish.py``: ``CURRENT`` replaced
atomically, older builds removed). A build interrupted at any point leaves ``CURRENT``
naming the previous, complete build.

Loading checks the manifest against the corpus, the chunking and the
encoders, and the files against their checksums: a stale or damaged index is
never used silently.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import faiss
import numpy as np
from tqdm import tqdm

from rag_territoires import __version__
from rag_territoires.corpus.chunks import Chunk
from rag_territoires.embedding.cache import StoredVectors
from rag_territoires.embedding.encoders import Encoder
from rag_territoires.errors import IndexStateError
from rag_territoires.index.builders import build_expansion, centre, dense_index, embed_chunks
from rag_territoires.index.lock import build_lock
from rag_territoires.index.manifest import (
    CHANGE_FILE,
    MAPS_FOLDER,
    REBUILD_HINT,
    Bm25Folder,
    ExpansionFile,
    HashedFile,
    Manifest,
    read_current,
    read_manifest,
    sha256_of,
)
from rag_territoires.index.publish import new_build_folder, publish
from rag_territoires.index.search_index import SearchIndex, bm25_index, unit_owners
from rag_territoires.index.snapshot import SNAPSHOT_FILE, ParsedNotes, write_snapshot
from rag_territoires.index.spec import IndexSpec
from rag_territoires.text.expansion import ExpansionTable

FORMAT_VERSION = 2  # 2: centred unit vectors, plain node units, expansion table
EXPANSION_FILE = "expansion.npz"  # builds before it: expansion.json, still read
BM25_FOLDER = "bm25"
CACHE_FOLDER = "cache"
UNITS_FILE = "units.npy"  # the chunk (position) of each embedded unit, in vector order
E5_FILE = "e5.npy"  # e5's centred unit vectors, same rows (retrieval/rerank.py)


Checksums = dict[Path, str]
BeforePublish = Callable[[Path], None]


def checksums_in_background(index_dir: Path) -> Future[Checksums]:
    """Start hashing the live build's files in a thread and return at once.

    Checking a large build's files costs a second of a cold start (530 MB of vectors at
    120k nodes), and hashlib releases the GIL while it hashes: started before the notes
    are read (pure Python, the other core idle), the check costs almost nothing more.
    Returns an empty result when there is no readable build: ``load_index`` says why."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-checksums")
    future = pool.submit(_checksums_of_build, index_dir)
    pool.shutdown(wait=False)
    return future


def _checksums_of_build(index_dir: Path) -> Checksums:
    try:
        build_dir = read_current(index_dir)
        # the snapshot is hashed where it is read (snapshot.py), before the rest is needed;
        # the maps and the change record are not index files
        skip = {"manifest.json", SNAPSHOT_FILE, CHANGE_FILE}
        files = [
            p
            for p in build_dir.rglob("*")
            if p.is_file()
            and p.name not in skip
            and p.relative_to(build_dir).parts[0] != MAPS_FOLDER
        ]
        return {path: sha256_of(path) for path in files}
    except (IndexStateError, OSError):
        return {}


def build_index(
    index_dir: Path,
    spec: IndexSpec,
    show_progress: bool = True,
    reuse_fresh: bool = False,
    notes: ParsedNotes | None = None,
    before_publish: BeforePublish | None = None,
    e5: Encoder | None = None,
) -> SearchIndex:
    """Build, one build at a time per folder (see ``lock.py``). ``reuse_fresh``: when the
    build is only needed because no usable index existed, use the one a concurrent build
    has just finished instead of building again. ``notes``: the parsed notes, stored in
    the new build (``snapshot.py``). ``before_publish`` is given the complete build
    folder before ``CURRENT`` names it: a corpus change puts its maps there, to be
    published with the index. ``e5``: also store e5's unit vectors (the added maps'
    re-ranker), through the vector cache."""
    try:
        with build_lock(index_dir):
            if reuse_fresh:
                try:
                    return load_index(index_dir, spec, e5=e5 is not None)
                except IndexStateError:
                    pass
            return _build(index_dir, spec, show_progress, notes, before_publish, e5)
    except OSError as exc:
        raise IndexStateError(f"cannot write the index in {index_dir}: {exc}") from exc


def _build(
    index_dir: Path,
    spec: IndexSpec,
    show_progress: bool,
    notes: ParsedNotes | None,
    before_publish: BeforePublish | None = None,
    e5: Encoder | None = None,
) -> SearchIndex:
    chunks = spec.chunks
    started = time.perf_counter()
    partial = new_build_folder(index_dir)
    # vectors of texts an earlier build embedded are reused: adding a map embeds its texts
    cached = [StoredVectors(encoder, index_dir / CACHE_FOLDER) for encoder in spec.encoders]
    owners = unit_owners(chunks)
    # stored: deriving it from the chunks again takes ~0.5 s of a start at 100k chunks
    np.save(partial / UNITS_FILE, owners)
    dense, files = _write_dense(partial, chunks, cached, len(owners), show_progress)
    expansion = build_expansion(chunks, cached)
    e5_units, e5_entry = None, {}
    if e5 is not None:  # cached as the others: adding a map embeds only its texts
        e5_cached = StoredVectors(e5, index_dir / CACHE_FOLDER)
        e5_units, e5_entry = _write_e5(partial, chunks, e5_cached)
        cached.append(e5_cached)
    for encoder in cached:
        encoder.save()
    expansion.save(partial / EXPANSION_FILE)
    # BM25 stored too, and memory-mapped at load: at 100k chunks, analysing and indexing
    # every chunk again would take seconds at every start
    bm25 = bm25_index(chunks)
    bm25.save(str(partial / BM25_FOLDER), show_progress=False)
    bm25_files = {p.name: sha256_of(p) for p in sorted((partial / BM25_FOLDER).iterdir())}
    manifest = {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 3),
        # texts embedded by this build, and texts whose vectors an earlier build had made
        "embedded_texts": sum(e.encoded for e in cached),
        "reused_texts": sum(e.reused for e in cached),
        **spec.identity(),
        "dense": files,
        "expansion": {
            "file": EXPANSION_FILE,
            "words": len(expansion),
            "sha256": sha256_of(partial / EXPANSION_FILE),
        },
        "bm25": {"folder": BM25_FOLDER, "files": bm25_files},
        "units": {"file": UNITS_FILE, "sha256": sha256_of(partial / UNITS_FILE)},
        **e5_entry,
    }
    snapshot = write_snapshot(partial, notes) if notes is not None else None
    if snapshot is not None:
        manifest["snapshot"] = snapshot
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if before_publish is not None:
        before_publish(partial)
    publish(partial)
    return SearchIndex(chunks, dense, expansion, bm25=bm25, e5_units=e5_units)


def _write_dense(
    partial: Path, chunks: list[Chunk], cached: list[StoredVectors], units: int, progress: bool
) -> tuple[dict[str, faiss.Index], dict[str, dict]]:
    """Each encoder's centred unit vectors, indexed and written: the indexes and their
    manifest entries, by encoder name."""
    dense, files = {}, {}
    with tqdm(
        total=units * len(cached), unit="text", desc="embedding", disable=not progress
    ) as bar:
        for encoder in cached:
            encoder.warm_up()
            vectors = embed_chunks(chunks, encoder, progress=bar.update)
            dense[encoder.name], kind = dense_index(centre(vectors))
            file_name = f"dense-{hashlib.sha1(encoder.name.encode()).hexdigest()[:10]}.faiss"
            # written by Python, not faiss.write_index: a full disk is then an OSError with
            # its errno (FAISS raises a RuntimeError, which escaped as a traceback)
            (partial / file_name).write_bytes(faiss.serialize_index(dense[encoder.name]))
            files[encoder.name] = {
                "file": file_name,
                "dimension": int(vectors.shape[1]),
                "kind": kind,
                "sha256": sha256_of(partial / file_name),
            }
    return dense, files


def _write_e5(
    partial: Path, chunks: list[Chunk], e5: StoredVectors
) -> tuple[np.ndarray, dict[str, dict]]:
    """e5's centred unit vectors (the added maps' re-ranker), written, with their
    manifest entry."""
    e5.warm_up()
    units = centre(embed_chunks(chunks, e5))
    np.save(partial / E5_FILE, units)
    return units, {"e5": {"file": E5_FILE, "sha256": sha256_of(partial / E5_FILE)}}


def load_index(
    index_dir: Path,
    spec: IndexSpec,
    checksums: Future[Checksums] | None = None,
    e5: bool = False,
) -> SearchIndex:
    """Load the live build, or raise ``IndexStateError`` saying why it cannot be used.
    ``e5``: with e5's unit vectors (a build without them is stale).
    ``checksums``: the files' digests as ``checksums_in_background`` computes them; a
    file it did not hash (another build landed meanwhile) is hashed here."""
    build_dir = read_current(index_dir)
    known = checksums.result() if checksums is not None else {}

    def intact(path: Path, digest: str) -> bool:
        return path.is_file() and (known.get(path) or sha256_of(path)) == digest

    manifest = _checked_manifest(build_dir, spec)
    owners = _load_units(build_dir, manifest.units, intact, spec.chunks)
    dense = _load_dense(build_dir, manifest, spec.encoders, intact, len(owners))
    expansion = _load_expansion(build_dir, manifest.expansion, intact)
    bm25 = _load_bm25(build_dir, manifest.bm25, intact)
    e5_units = _load_e5(build_dir, manifest.e5, intact, len(owners)) if e5 else None
    return SearchIndex(
        spec.chunks, dense, expansion, bm25=bm25, unit_owner=owners, e5_units=e5_units
    )


IntactCheck = Callable[[Path, str], bool]


def _checked_manifest(build_dir: Path, spec: IndexSpec) -> Manifest:
    """The build's manifest, if it is of this format and built from what ``spec`` says
    (the notes' chunks, the encoders, the settings): else ``IndexStateError``."""
    try:
        text = (build_dir / "manifest.json").read_text(encoding="utf-8")
        version = json.loads(text).get("format_version")
    except (OSError, ValueError, AttributeError) as exc:
        raise IndexStateError(
            f"index manifest in {build_dir} is unreadable ({exc})", REBUILD_HINT
        ) from exc
    if version != FORMAT_VERSION:
        raise IndexStateError(f"index in {build_dir} has an older format", REBUILD_HINT)
    manifest = read_manifest(build_dir, text)
    for key, value in spec.identity().items():
        if getattr(manifest, key) != value:
            raise IndexStateError(
                f"index in {build_dir} is stale ({key} is {getattr(manifest, key)!r}, "
                f"expected {value!r})",
                REBUILD_HINT,
            )
    return manifest


def _load_dense(
    build_dir: Path,
    manifest: Manifest,
    encoders: Sequence[Encoder],
    intact: IntactCheck,
    units: int,
) -> dict[str, faiss.Index]:
    """Each encoder's FAISS index of the ``units`` unit vectors, checked whole."""
    dense = {}
    for encoder in encoders:
        entry = manifest.dense.get(encoder.name)
        if entry is None:
            raise IndexStateError(
                f"index in {build_dir} has no {encoder.name} vectors", REBUILD_HINT
            )
        path = build_dir / entry.file
        if not intact(path, entry.sha256):
            raise IndexStateError(f"index file {path} is missing or corrupt", REBUILD_HINT)
        # memory-mapped, not copied: the workers of `serve --workers N` (and every process
        # reading this build) share one copy of the vectors in the page cache
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
        if index.ntotal != units or index.d != entry.dimension:
            raise IndexStateError(f"index file {path} does not match the manifest", REBUILD_HINT)
        dense[encoder.name] = index
    return dense


def _load_bm25(build_dir: Path, entry: Bm25Folder | None, intact: IntactCheck) -> bm25s.BM25 | None:
    if entry is None:
        return None
    folder = build_dir / entry.folder
    for name, digest in entry.files.items():
        if not intact(folder / name, digest):
            raise IndexStateError(f"index file {folder / name} is missing or corrupt", REBUILD_HINT)
    return bm25s.BM25.load(str(folder), mmap=True, show_progress=False)


def _load_units(
    build_dir: Path, entry: HashedFile | None, intact: IntactCheck, chunks: list[Chunk]
) -> np.ndarray:
    if entry is None:  # a build from before they were stored
        return unit_owners(chunks)
    path = build_dir / entry.file
    if not intact(path, entry.sha256):
        raise IndexStateError(f"index file {path} is missing or corrupt", REBUILD_HINT)
    return np.load(path, allow_pickle=False)


def _load_e5(build_dir: Path, entry: HashedFile | None, intact: IntactCheck, units: int):
    if entry is None:
        raise IndexStateError(f"index in {build_dir} has no e5 vectors", REBUILD_HINT)
    path = build_dir / entry.file
    if not intact(path, entry.sha256):
        raise IndexStateError(f"index file {path} is missing or corrupt", REBUILD_HINT)
    # memory-mapped (shared by the workers), as a plain view: a memmap slice costs more
    vectors = np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
    if vectors.ndim != 2 or len(vectors) != units:
        raise IndexStateError(f"index file {path} does not match the manifest", REBUILD_HINT)
    return vectors


def _load_expansion(build_dir: Path, entry: ExpansionFile, intact: IntactCheck) -> ExpansionTable:
    path = build_dir / entry.file
    if not intact(path, entry.sha256):
        raise IndexStateError(f"index file {path} is missing or corrupt", REBUILD_HINT)
    return ExpansionTable.load(path)
