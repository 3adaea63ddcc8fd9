"""Reading a document's file: size-bounded, a regular file reached without following a
link, UTF-8 or a clear error naming the file."""

from __future__ import annotations

import os
import stat
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
    """The file's bytes. A symbolic link is refused rather than followed (it could point at
    any file the service can read), and so is anything but a regular file: a FIFO would
    block the read, a device never end it."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise SourceFileError(path, 0, "a symbolic link: give the file itself") from None
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(path, 0, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise SourceFileError(
                path, 0, f"file of {info.st_size} bytes, more than {MAX_FILE_BYTES}"
            )
        try:
            data = file.read(MAX_FILE_BYTES + 1)  # bounded: the file may grow meanwhile
        except OSError as exc:
            raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise SourceFileError(path, 0, f"file of more than {MAX_FILE_BYTES} bytes")
    return data


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
