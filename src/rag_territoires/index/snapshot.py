"""The parsed notes, stored in the build, so a large corpus starts without parsing again.

Reading and chunking the notes is pure Python: at 250k nodes (100k chunks) it takes
4.8 s, most of a cold start. A build therefore stores the ``Corpus`` it indexed
(pickled) beside the vectors, with a key saying which notes and which parsing code made
it. A start uses the stored corpus only when the key still holds:

- every file of the corpus folder, names and bytes, hashes to the same digest (an added
  companion outline changes how a map is read, so the whole folder counts);
- the parsing code (``corpus/`` and ``chunking.py``) hashes to the same digest, so a
  fixed reader is never hidden behind an old snapshot;
- the chunk budget is the same;
- the file's own SHA-256 matches the manifest, checked before anything is unpickled.

Otherwise the notes are parsed as before: the snapshot is a shortcut, never a source of
truth. Pickle runs code when loaded, so the snapshot is trusted exactly as far as the
index folder is: only the service account may write there (SECURITY.md).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import stat
from dataclasses import dataclass
from pathlib import Path

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.errors import IndexStateError
from rag_territoires.index.manifest import read_current, read_manifest, sha256_of

SNAPSHOT_FILE = "corpus.pickle"
PACKAGE = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)


def notes_digest(corpus_dir: Path) -> str | None:
    """Every visible file of the corpus folder: its name and its bytes. None when the
    folder cannot be read: no snapshot then, and reading the notes says what is wrong.
    A link or a special file is counted by its kind, never read: the notes are then not
    the stored ones, and parsing them refuses it (corpus/file_checks.py)."""
    digest = hashlib.sha256()
    try:
        for path in sorted(corpus_dir.iterdir()):
            if path.name.startswith("."):
                continue
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode):
                entry = f"{path.name}\x1f{sha256_of(path)}\x1e"
            elif not stat.S_ISDIR(mode):
                entry = f"{path.name}\x1f{stat.S_IFMT(mode)}\x1e"
            else:
                continue
            digest.update(entry.encode("utf-8", "surrogateescape"))
    except OSError:
        return None
    return digest.hexdigest()


def parser_digest() -> str:
    """The code that turns files into nodes and chunks."""
    digest = hashlib.sha256()
    sources = sorted((PACKAGE / "corpus").rglob("*.py"))  # the readers, the chunker
    for path in sources:
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\x1f")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def snapshot_key(corpus_dir: Path, max_chars: int) -> dict:
    """Taken before the notes are parsed, and kept with what the parse gives: notes edited
    meanwhile then never pass for the ones parsed."""
    return {
        "notes": notes_digest(corpus_dir),
        "parser": parser_digest(),
        "chunk_max_chars": max_chars,
    }


@dataclass(frozen=True)
class ParsedNotes:
    """The notes as parsed, to store with a build: the corpus, and the ``snapshot_key`` of
    the files it was parsed from."""

    corpus: Corpus
    key: dict


def write_snapshot(build_dir: Path, notes: ParsedNotes) -> dict | None:
    """Store the corpus in ``build_dir`` under its key; return its manifest entry, or None
    when it cannot be stored (a map nested deeper than pickle recurses): starts then parse."""
    key = notes.key
    if key["notes"] is None:
        return None
    try:
        data = pickle.dumps(notes.corpus, protocol=pickle.HIGHEST_PROTOCOL)
    except (RecursionError, pickle.PicklingError) as exc:
        log.warning("the parsed notes are not stored with the index (%s): starts parse", exc)
        return None
    (build_dir / SNAPSHOT_FILE).write_bytes(data)
    return {
        "file": SNAPSHOT_FILE,
        "sha256": hashlib.sha256(data).hexdigest(),
        **key,
    }


def stored_corpus(index_dir: Path, key: dict) -> Corpus | None:
    """The live build's corpus when it was stored under ``key``, else None (parse)."""
    try:
        build_dir = read_current(index_dir)
        text = (build_dir / "manifest.json").read_text(encoding="utf-8")
        entry = read_manifest(build_dir, text).snapshot
        if entry is None or key["notes"] is None:
            return None
        if entry.model_dump(exclude={"file", "sha256"}) != key:
            return None
        path = build_dir / entry.file
        # read twice rather than held whole: 100 MB less at the start's peak (250k nodes);
        # a build folder is never written again once it is live
        if sha256_of(path) != entry.sha256:
            log.warning("%s is damaged: parsing the notes", path)
            return None
        with path.open("rb") as file:
            corpus = pickle.load(file)
    except (IndexStateError, OSError, ValueError):
        return None
    except Exception as exc:  # written by another version of a class: parse instead
        log.warning("%s is unreadable (%s): parsing the notes", build_dir / SNAPSHOT_FILE, exc)
        return None
    return corpus if isinstance(corpus, Corpus) else None
