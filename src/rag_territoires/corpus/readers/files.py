"""Reading a document's file: size-bounded, UTF-8 or a clear error naming the file."""

from __future__ import annotations

from pathlib import Path

from rag_territoires.errors import CorpusError, SourceFileError

# A mind map of a few thousand nodes is well under a megabyte; far more is a mistake or
# an attack, refused before anything parses it.
MAX_FILE_BYTES = 20 * 1024 * 1024
# A line of a line-based format (Markdown, a text export and its outline): the longest in
# the notes seen so far is under 1,500 characters. The parsers are linear anyway; the limit
# keeps one line from being a whole file's worth of work for every pattern tried on it.
MAX_LINE_CHARS = 10_000
NUL_HINT = "a NUL character: UTF-16 or UTF-32 without a byte order mark? Save the file as UTF-8"


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
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFileError(
            path, line, f"not valid UTF-8 at byte {exc.start}: {exc.reason}"
        ) from exc
    refuse_nul(text, path)
    return text


def refuse_nul(text: str, path: Path, location: str | None = None) -> None:
    """UTF-16 text without its byte order mark decodes as UTF-8 when it is ASCII, a NUL
    between every two characters; no map has a NUL otherwise."""
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise SourceFileError(path, f"{location}:{line}" if location else line, NUL_HINT)


def read_text(path: Path) -> str:
    """Read a UTF-8 file, or fail with a message naming the file and the bad byte."""
    return decode_utf8(read_bytes(path), path)


def split_lines(text: str) -> list[str]:
    """Split on newlines only (not on the other separators ``str.splitlines`` knows)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def read_lines(path: Path) -> list[str]:
    """The lines of a line-based file, each at most ``MAX_LINE_CHARS`` long."""
    lines = split_lines(read_text(path))
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise SourceFileError(
                path,
                number,
                f"a line of {len(line)} characters, more than {MAX_LINE_CHARS} characters: "
                "break it into several lines",
            )
    return lines
