"""Growing the corpus: adding maps to the corpus folder and removing them.

A file is read and checked before anything is copied, and the whole corpus is
checked with it (two files may not hold the same document). Copies are atomic
(a temporary name, then ``os.replace``), and ``Change.undo`` puts the folder back
as it was when the index cannot be built afterwards: a failed ``add`` leaves the
corpus and the live index as they were.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from rag_territoires.corpus.corpus import Corpus, is_document_file, read_document
from rag_territoires.corpus.file_checks import check_new_files
from rag_territoires.corpus.model import Document
from rag_territoires.corpus.readers import is_companion
from rag_territoires.corpus.readers.text_export import TextExportReader, outline_of
from rag_territoires.errors import CorpusError


@dataclass
class Change:
    """What a change did to the folder, to undo it."""

    folder: Path
    written: list[Path] = field(default_factory=list)  # new or replaced files
    saved: dict[Path, bytes] = field(default_factory=dict)  # replaced or removed: old bytes
    documents: list[Document] = field(default_factory=list)

    def undo(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)
        for path, data in self.saved.items():
            _write_atomically(path, data)


def _write_atomically(target: Path, data: bytes) -> None:
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:6]}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)


def _files_of(path: Path) -> list[Path]:
    """A map's files: a text export brings its outline along."""
    if path.name.lower().endswith(TextExportReader.suffixes):
        return [path, outline_of(path)]
    return [path]


def add_files(folder: Path, paths: list[Path], replace: bool = False) -> Change:
    """Copy maps into the corpus folder after checking them; raises ``CorpusError``."""
    check_new_files(paths)  # names, links, special files: before anything is read
    folder.mkdir(parents=True, exist_ok=True)
    has_documents = any(is_document_file(p) for p in folder.iterdir())
    existing = Corpus.load(folder).documents if has_documents else []
    incoming = []
    for path in paths:
        if is_companion(path):
            raise CorpusError(f"{path}: an outline is added with its export (add the .txt)")
        if not path.is_file():
            raise CorpusError(f"no file {path}")
        incoming.append(read_document(path))  # refuses a malformed file, file:location: why
    new_ids = {document.id for document in incoming}
    kept = [d for d in existing if d.id not in new_ids]
    if not replace and len(kept) < len(existing):
        clash = next(d for d in existing if d.id in new_ids)
        raise CorpusError(
            f"the corpus already has the document {clash.id} ({clash.file}): "
            "use --replace to replace it"
        )
    Corpus(kept + incoming)  # the same document twice among the new files: refused here
    change = Change(folder, documents=incoming)
    for document in existing:
        if document not in kept:  # replaced by a file of another format: remove its files
            for old in _files_of(folder / document.file):
                change.saved[old] = old.read_bytes()
                old.unlink()
    for path in paths:
        for source in _files_of(path):
            target = folder / source.name
            if target.exists():
                change.saved.setdefault(target, target.read_bytes())
            else:
                change.written.append(target)
            _write_atomically(target, source.read_bytes())
    return change


def remove_document(folder: Path, name: str) -> Change:
    corpus = Corpus.load(folder)
    document = corpus.document(name)  # by id or file name, else UnknownDocument
    if len(corpus.documents) == 1:
        raise CorpusError(f"{document.file} is the only document: the corpus cannot be empty")
    change = Change(folder, documents=[document])
    for path in _files_of(folder / document.file):
        if path.exists():
            change.saved[path] = path.read_bytes()
            path.unlink()
    return change
