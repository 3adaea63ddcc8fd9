"""Reading a document's file: size-bounded, UTF-8 or a clear error naming the file."""

from __future__ import annotations

from pathlib import Path

from rag_territoires.errors import CorpusError, SourceFileError

# A mind map of a few thousand nodes is well under a megabyte; far more is a mistake or
# an attack, refused before anything parses it.
MAX_FILE_BYTES = 20 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceFileError(path, 0, f"file of {size} bytes, more than {MAX_FILE_BYTES}")
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc


def decode_utf8(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFileError(
            path, line, f"not valid UTF-8 at byte {exc.start}: {exc.reason}"
        ) from exc


def read_text(path: Path) -> str:
    """Read a UTF-8 file, or fail with a message naming the file and the bad byte."""
    return decode_utf8(read_bytes(path), path)


def split_lines(text: str) -> list[str]:
    """Split on newlines only (not on the other separators ``str.splitlines`` knows)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]
