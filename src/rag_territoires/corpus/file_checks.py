"""Which files the corpus folder takes: regular files with safe names, never a link.

A map's file name is printed on one line (the CLI, the logs), written beside a temporary
copy of itself (``.NAME.xxxxxx.partial``) and, for a text export, beside its outline
(``X.outline.md``, 7 bytes longer than ``X.txt``); it must be found again by ``remove``.
A symbolic link could point at any file the service can read, and a FIFO or a device
would block a read or never end it. So ``add`` refuses such a file before reading
anything, and loading the corpus refuses one found in the folder. Names starting with a
dot are not maps: ``add`` refuses them, loading skips them (as it always has: editors'
and ``add``'s own temporary files are named so), and subfolders are not read.
"""

from __future__ import annotations

import stat
import unicodedata
from pathlib import Path

from rag_territoires.corpus.readers.text_export import TextExportReader, outline_of
from rag_territoires.errors import CorpusError

# Filesystems allow 255 bytes a name; the temporary copy of an outline adds 23 to an
# export's name, and the rest is room for longer temporary names.
MAX_NAME_BYTES = 200
# Characters that break a line or reorder what a terminal shows (a "Trojan source" name)
_LINE_OR_DIRECTION = {"Cc", "Zl", "Zp"}
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a file of the corpus, or None when it can."""
    if name.startswith("."):
        return "a hidden name (it starts with a dot), which the corpus never reads"
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return "a name that is not valid UTF-8"
    if any(unicodedata.category(c) in _LINE_OR_DIRECTION or c in _BIDI_CONTROLS for c in name):
        return "a control character in the name (a newline, an escape, a direction mark)"
    if "/" in name or "\\" in name:
        return "a path separator in the name"
    if size > MAX_NAME_BYTES:
        return f"a name of {size} bytes, longer than {MAX_NAME_BYTES}"
    return None


def kind_problem(mode: int) -> str | None:
    """Why a file of this ``lstat`` mode cannot be read as a map, or None when it can."""
    if stat.S_ISLNK(mode):
        return "a symbolic link: the corpus takes regular files only (copy the file itself)"
    if not stat.S_ISREG(mode):
        return "not a regular file (a folder, a FIFO, a device or a socket)"
    return None


def shown(path: Path) -> str:
    """The path as is, or quoted with its escapes (``\\n``...) when it holds a character
    that is not printable: an error message stays one line that shows what it names."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def check_new_files(paths: list[Path]) -> None:
    """Refuse, before anything is read, a map ``add`` must not copy: an unsafe name (its
    own or its outline's), a link or a special file. A missing file is left to the
    reader, which says so."""
    for path in paths:
        files = [path]
        if path.name.lower().endswith(TextExportReader.suffixes):
            files.append(outline_of(path))  # copied along with its export
        for file in files:
            problem = name_problem(file.name)
            if problem is None:
                try:
                    problem = kind_problem(file.lstat().st_mode)
                except FileNotFoundError:
                    continue
            if problem is not None:
                raise CorpusError(f"{shown(file)}: {problem}")


def check_folder(folder: Path) -> None:
    """Refuse a corpus folder holding, besides hidden files and subfolders, anything that
    is not a regular file with a safe name."""
    for path in folder.iterdir():
        if path.name.startswith("."):
            continue
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:  # removed meanwhile
            continue
        if stat.S_ISDIR(mode):
            continue
        problem = kind_problem(mode) or name_problem(path.name)
        if problem is not None:
            raise CorpusError(f"{shown(path)}: {problem}")
