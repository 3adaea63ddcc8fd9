"""One reader per file format; ``reader_for`` picks one by the file's suffix.

Adding a format means adding one class with ``format``, ``suffixes`` and
``read(path) -> ReadDocument`` and listing it in ``READERS``: ids, chunks, the
index and the citations stay the same.
"""

from __future__ import annotations

from pathlib import Path

from rag_territoires.corpus.model import DocumentReader
from rag_territoires.corpus.readers.freemind import FreeMindReader
from rag_territoires.corpus.readers.markdown import MarkdownReader
from rag_territoires.corpus.readers.opml import OpmlReader
from rag_territoires.corpus.readers.text_export import OUTLINE_SUFFIX, TextExportReader
from rag_territoires.corpus.readers.xmind import XMindReader
from rag_territoires.errors import SourceFileError

READERS: tuple[DocumentReader, ...] = (
    TextExportReader(),
    MarkdownReader(),
    OpmlReader(),
    FreeMindReader(),
    XMindReader(),
)


def is_companion(path: Path) -> bool:
    """A file that belongs to another document (a text export's outline), not one itself."""
    return path.name.endswith(OUTLINE_SUFFIX)


def reader_for(path: Path) -> DocumentReader:
    for reader in READERS:
        if path.name.lower().endswith(reader.suffixes):
            return reader
    known = ", ".join(s for r in READERS for s in r.suffixes)
    raise SourceFileError(path, 0, f"no reader for this kind of file (known: {known})")
