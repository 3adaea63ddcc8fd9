"""Growing the corpus: adding maps to a corpus folder and removing them.

A file is read and checked before anything is copied, and the whole corpus is
checked with it (two files may not hold the same document). The folder changed is a
private staged copy of the corpus folder (``transaction.py``): a change that fails
half-way is dropped with its copy, so nothing here needs undoing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rag_territoires.corpus.access import is_sidecar, sidecar_name, write_sidecar
from rag_territoires.corpus.corpus import Corpus, is_document_file, read_document
from rag_territoires.corpus.file_checks import check_new_files
from rag_territoires.corpus.model import Document
from rag_territoires.corpus.readers import is_companion
from rag_territoires.corpus.readers.text_export import TextExportReader, outline_of
from rag_territoires.errors import CorpusError, CorpusWriteError, DocumentConflict


@dataclass
class Change:
    """What a change did to the folder, by file name: the corpus folder gets the same."""

    written: list[str] = field(default_factory=list)  # new or replaced files
    removed: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # added, or removed


def _copy(source: Path, folder: Path) -> None:
    try:
        shutil.copyfile(source, folder / source.name)
    except OSError as exc:  # a full disk, a name too long: one line, the change dropped
        raise CorpusWriteError(
            f"cannot copy {source} into the corpus: {exc.strerror}", exc.errno
        ) from None


def _files_of(path: Path) -> list[Path]:
    """A map's files: a text export brings its outline along."""
    if path.name.lower().endswith(TextExportReader.suffixes):
        return [path, outline_of(path)]
    return [path]


def _sidecar_of(path: Path) -> list[Path]:
    """A map's access file, when it has one (corpus/access.py)."""
    sidecar = path.with_name(sidecar_name(path.name))
    return [sidecar] if sidecar.is_file() else []


def add_files(
    folder: Path, paths: list[Path], replace: bool = False, groups: frozenset[str] | None = None
) -> Change:
    """Copy maps into ``folder`` (a staged corpus) after checking them; raises
    ``CorpusError``. ``groups``: the maps are restricted to them (an access file is
    written beside each); None: a new map is public, a replaced one keeps its access."""
    check_new_files(paths)  # names, links, special files: before anything is read
    has_documents = any(is_document_file(p) for p in folder.iterdir())
    existing = Corpus.load(folder).documents if has_documents else []
    incoming = []
    for path in paths:
        if is_companion(path):
            raise CorpusError(f"{path}: an outline is added with its export (add the .txt)")
        if is_sidecar(path):
            raise CorpusError(f"{path}: an access file is written by `add --groups`")
        if not path.is_file():
            raise CorpusError(f"no file {path}")
        incoming.append(read_document(path))  # refuses a malformed file, file:location: why
    new_ids = {document.id for document in incoming}
    kept = [d for d in existing if d.id not in new_ids]
    if not replace and len(kept) < len(existing):
        clash = next(d for d in existing if d.id in new_ids)
        raise DocumentConflict(
            f"the corpus already has the document {clash.id} ({clash.file}): "
            "use --replace to replace it",
            clash.id,
        )
    Corpus(kept + incoming)  # the same document twice among the new files: refused here
    change = Change(documents=incoming)
    kept_access = {}  # a replaced map's groups, by its id: they go to its new file
    for document in existing:
        if document not in kept:  # replaced by a file of another format: remove its files
            old_file = folder / document.file
            for sidecar in _sidecar_of(old_file):
                kept_access[document.id] = sidecar.read_bytes()
            for old in _files_of(old_file) + _sidecar_of(old_file):
                old.unlink(missing_ok=True)
                change.removed.append(old.name)
    for path in paths:
        for source in _files_of(path):
            _copy(source, folder)
            change.written.append(source.name)
    for document in incoming:
        if groups is not None:
            change.written.append(write_sidecar(folder, document.file, groups))
        elif document.id in kept_access:  # never public by being replaced
            (folder / sidecar_name(document.file)).write_bytes(kept_access[document.id])
            change.written.append(sidecar_name(document.file))
    change.removed = [name for name in change.removed if name not in change.written]
    return change


def remove_document(folder: Path, name: str) -> Change:
    corpus = Corpus.load(folder)
    document = corpus.document(name)  # by id or file name, else UnknownDocument
    if len(corpus.documents) == 1:
        raise DocumentConflict(
            f"{document.file} is the only document: the corpus cannot be empty", document.id
        )
    change = Change(documents=[document])
    for path in _files_of(folder / document.file) + _sidecar_of(folder / document.file):
        if path.exists():
            path.unlink()
            change.removed.append(path.name)
    return change
