"""An uploaded map (``POST``/``PUT /v1/documents``): received, saved under its own name in
a private folder, then handed to the corpus change as a file given to ``add`` would be.

Only what ``add`` cannot say in HTTP terms is checked here: the form's shape (415, 422),
a name to save the file under (corpus/file_checks.py's rule, 422), a format some reader
takes (415) and the readers' size limit (413). Everything else (the content, a clash with
the corpus, the groups) is ``add``'s own checks (corpus/manage.py), run on the saved file.
The form is read only after the caller is known to be an admin (api/admin.py): nobody
else gets to make the server receive a large body (``BodySizeLimit`` caps it anyway).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from rag_territoires.corpus.access import parse_groups
from rag_territoires.corpus.file_checks import name_problem
from rag_territoires.corpus.readers import READERS, reader_for
from rag_territoires.corpus.readers.files import MAX_FILE_BYTES
from rag_territoires.corpus.readers.text_export import TextExportReader, outline_of
from rag_territoires.errors import CorpusError, SourceFileError, StorageError, StorageFull
from rag_territoires.feedback_store import NO_ROOM

MAX_FIELD_BYTES = 64 * 1024  # the form's text fields (groups)
CHUNK_BYTES = 1024 * 1024


class Refused(HTTPException):
    """An upload or a change refused, with the error type the client reads."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(status, message)
        self.kind = kind


class UploadRefused(Refused):
    """The upload itself refused, before any change started."""


@dataclass
class Upload:
    path: Path  # the map, under its own name, in a private folder
    size: int
    sha256: str
    groups: frozenset[str] | None  # None: not given (a new map public, a replaced one kept)

    def shown(self, message: str) -> str:
        """An error about the saved file, naming it as the client did, not where it lies."""
        return message.replace(str(self.path.parent) + "/", "")


def _cannot_receive(exc: OSError) -> StorageError:
    if exc.errno in NO_ROOM:
        return StorageFull("no room to receive the map: the server's disk is full")
    return StorageError("the map cannot be received now; try again later")


def _save(part: UploadFile, target: Path) -> tuple[int, str]:
    """Copy the part to ``target``; its size and SHA-256. A full disk: 507."""
    digest, size = hashlib.sha256(), 0
    part.file.seek(0)
    try:
        with target.open("wb") as out:
            while chunk := part.file.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except OSError as exc:
        raise _cannot_receive(exc) from exc
    return size, digest.hexdigest()


def _checked_name(part: UploadFile) -> str:
    name = part.filename or ""
    if not name:
        raise UploadRefused(422, "invalid_request", "the file part has no file name")
    problem = name_problem(name)
    if problem is not None:
        raise UploadRefused(422, "invalid_request", f"{name!r}: {problem}")
    try:
        reader_for(Path(name))
    except SourceFileError:
        known = ", ".join(suffix for reader in READERS for suffix in reader.suffixes)
        raise UploadRefused(
            415, "unsupported_format", f"{name}: not a format the corpus reads (known: {known})"
        ) from None
    if part.size is not None and part.size > MAX_FILE_BYTES:
        raise UploadRefused(413, "body_too_large", f"{name}: more than {MAX_FILE_BYTES} bytes")
    return name


async def _form(request: Request):
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise UploadRefused(
            415, "unsupported_media_type", "send the map as multipart/form-data (field 'file')"
        )
    try:
        return await request.form(max_files=2, max_fields=2, max_part_size=MAX_FIELD_BYTES)
    except ClientDisconnect:  # or over the size limit: BodySizeLimit answers 413 itself
        raise UploadRefused(400, "incomplete_upload", "the upload ended before its end") from None


@asynccontextmanager
async def received_map(request: Request) -> AsyncIterator[Upload]:
    """The uploaded map saved in a private folder, removed on the way out."""
    form = await _form(request)
    try:
        part, outline = form.get("file"), form.get("outline")
        if not isinstance(part, UploadFile):
            raise UploadRefused(
                422, "invalid_request", "no file: send the map in the form field 'file'"
            )
        name = _checked_name(part)
        groups_text = form.get("groups")
        try:
            groups = parse_groups(groups_text) if isinstance(groups_text, str) else None
        except CorpusError as error:
            raise UploadRefused(422, "invalid_request", str(error)) from None
        try:
            folder = Path(tempfile.mkdtemp(prefix="rag-territoires-upload-"))
        except OSError as exc:
            raise _cannot_receive(exc) from exc
        try:
            path = folder / name
            size, sha256 = await run_in_threadpool(_save, part, path)
            if size > MAX_FILE_BYTES:
                raise UploadRefused(
                    413, "body_too_large", f"{name}: more than {MAX_FILE_BYTES} bytes"
                )
            if isinstance(outline, UploadFile) and name.lower().endswith(TextExportReader.suffixes):
                await run_in_threadpool(_save, outline, outline_of(path))  # the export's own
            yield Upload(path, size, sha256, groups)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        await form.close()
