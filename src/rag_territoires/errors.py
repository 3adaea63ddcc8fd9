"""The library's exceptions. They carry a message meant for a person; the edges
(CLI, HTTP) turn them into an exit code or a JSON error, never a traceback."""


class RagError(Exception):
    """Base class: anything the user can fix by changing input, files or settings."""


class CorpusError(RagError):
    """The notes or their outline cannot be read or do not match each other."""


class OutlineError(CorpusError):
    """The outline file is malformed; the message names the file and the line."""

    def __init__(self, path: object, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


class IndexStateError(RagError):
    """The index is missing, stale or corrupt (or cannot be written).

    ``reason`` says what is wrong; the message adds how to fix it, when there is a fix."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(f"{reason}: {hint}" if hint else reason)
        self.reason = reason


class QueryError(RagError):
    """The question cannot be searched (empty, too long, bad characters).

    ``reason`` is a stable code (``empty``, ``too_long``...) that clients can translate."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


class StorageError(RagError):
    """A file the server writes (feedback) cannot be written. The message is safe to show:
    the cause, with its paths, goes to the server's log only."""
