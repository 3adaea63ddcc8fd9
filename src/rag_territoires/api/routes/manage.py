"""Managing the maps over the API, for admins (api/admin.py): upload a map, replace one,
remove one; and ``GET /v1/me``, which tells a caller (the chat page) whether it is one.

A change is ``rag-territoires add`` / ``remove`` itself: the same checks
(corpus/manage.py) on a staged copy of the corpus, built and published with the corpus
in one step (corpus/transaction.py), so a change that fails or is cut short leaves the
corpus and the live index as they were. It never waits for another: while a build or a
change holds the lock, it is refused at once with 409. Once published, this worker
serves the new build before answering (api/reload.py's switch); other workers pick it up
at their next poll. Every attempt is in the audit log (api/audit.py).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from rag_territoires.api import audit
from rag_territoires.api.admin import AdminDep, calling
from rag_territoires.api.deps import V1_GUARDS, AppState, Caller
from rag_territoires.api.errors import NOT_FOUND, STORAGE_FULL, V1_ERRORS, _documented
from rag_territoires.api.reload import load_next, serve_build
from rag_territoires.api.uploads import Refused, Upload, UploadRefused, received_map
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.manage import Change, add_files, remove_document
from rag_territoires.corpus.transaction import corpus_change, publish
from rag_territoires.errors import (
    BuildBusy,
    CorpusError,
    CorpusWriteError,
    DocumentConflict,
    IndexStateError,
    RagError,
    StorageError,
    StorageFull,
    UnknownDocument,
)
from rag_territoires.feedback_store import NO_ROOM
from rag_territoires.index.manifest import current_build_name
from rag_territoires.retriever import Retriever

MANAGE_ERRORS = {
    403: _documented("The caller is not an admin (or the server is in open mode)."),
    409: _documented("Another build or corpus change is running, or the map clashes."),
    415: _documented("Not multipart/form-data, or not a map format the corpus reads."),
    **STORAGE_FULL,
}
log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["manage"], dependencies=V1_GUARDS, responses=V1_ERRORS)

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The map (.opml, .mm, .xmind, .md, or .txt with "
                            "`outline`), named as it will be in the corpus.",
                        },
                        "outline": {
                            "type": "string",
                            "format": "binary",
                            "description": "A text export's outline (X.outline.md for X.txt).",
                        },
                        "groups": {
                            "type": "string",
                            "description": "Only these groups may read the map, comma-"
                            "separated (as `add --groups`). Absent: a new map is public, a "
                            "replaced one keeps its groups.",
                            "example": "elus,direction",
                        },
                    },
                }
            }
        },
    }
}


class Me(BaseModel):
    admin: bool = Field(description="The caller may add, replace and remove maps.")
    groups: list[str] = Field(description="The caller's groups (restricted maps it may read).")


class ChangedDocument(BaseModel):
    document: str = Field(description="The map's file name in the corpus.")
    id: str
    title: str
    format: str
    nodes: int
    build: str | None = Field(description="The build that now serves the corpus.")


class RemovedDocument(BaseModel):
    document: str
    id: str
    build: str | None


CHANGED_EXAMPLE = {
    "document": "forum-mobilites.opml",
    "id": "forum-mobilites",
    "title": "Forum mobilités rurales",
    "format": "opml",
    "nodes": 42,
    "build": "build-20260105T101500-3f2a9c81",
}


def _example(status: int, example: dict) -> dict:
    return {status: {"content": {"application/json": {"example": example}}}}


@router.get(
    "/me",
    summary="Who the caller is to this API: admin or not, its groups",
    responses=_example(200, {"admin": False, "groups": ["elus"]}),
)
async def me(request: Request) -> Me:
    caller = calling(request)
    return Me(admin=caller.admin, groups=sorted(caller.groups))


def _errno(error: RagError) -> int | None:
    """Why a write failed: a corpus file's (``CorpusWriteError``), or the index's (an
    ``IndexStateError`` raised from the ``OSError``)."""
    if isinstance(error, CorpusWriteError):
        return error.errno
    cause = error.__cause__
    return cause.errno if isinstance(cause, OSError) else None


def _refusal(error: RagError, upload: Upload | None, conflict: str | None) -> HTTPException:
    """The HTTP answer to a change ``add``/``remove`` refused or could not make. A failed
    write says what failed, not where (the server's paths stay in its log)."""
    text = upload.shown(str(error)) if upload is not None else str(error)
    if isinstance(error, BuildBusy):
        return Refused(409, "busy", text)
    if isinstance(error, DocumentConflict):
        return Refused(409, "conflict", conflict.format(error.document) if conflict else text)
    if isinstance(error, UnknownDocument):
        return Refused(404, "not_found", text)
    failed_write = _errno(error)
    if failed_write in NO_ROOM:
        log.error("map change refused, no room: %s", error)
        return Refused(507, "storage_full", "no room to write the map and its index: disk full")
    if isinstance(error, CorpusWriteError):
        log.error("map change refused: %s", error)
        if failed_write == errno.ENAMETOOLONG:
            return Refused(422, "invalid_map", "the file name is too long for the corpus folder")
        return Refused(503, "unavailable", "the corpus folder cannot be written now")
    if isinstance(error, CorpusError):
        return Refused(422, "invalid_map", text)
    log.error("map change failed: %s", error)
    if isinstance(error, IndexStateError):
        return Refused(503, "not_ready", "the index cannot be built now; see the server's log")
    return Refused(500, "server_error", "the change failed; see the server's log")


def _make_change(
    state: AppState, make: Callable[[Path], Change]
) -> tuple[Change, str | None, Retriever | None]:
    """The change, published with its build; then the live build loaded as a reload would
    (None when it cannot be now: the watcher tries again, the change is made)."""
    settings = state.settings
    with corpus_change(settings, wait_seconds=0) as staged:
        change = make(staged)
        built = publish(
            settings, staged, change, show_progress=False, encoders=state.retriever.encoders
        )
    try:
        return change, built.build, load_next(state.retriever)
    except (RagError, OSError) as error:
        log.warning("build %s published, not loaded yet: %s", built.build, error)
        return change, built.build, None


async def _run(
    request: Request,
    caller: Caller,
    action: str,
    name: str | None,
    make: Callable[[Path], Change],
    upload: Upload | None = None,
    conflict: str | None = None,
    status: int = 200,
) -> Change:
    """Audit, make the change, switch this worker to its build, audit its outcome."""
    state: AppState = request.app.state.rag
    data_dir = state.settings.data_dir
    event = audit.new_event(request, caller, action, name)
    if upload is not None:
        event.update(size=upload.size, sha256=upload.sha256)
        if upload.groups is not None:
            event["groups"] = sorted(upload.groups)
    await run_in_threadpool(audit.record, data_dir, event, "started")  # or no change: 507
    try:
        change, build, fresh = await run_in_threadpool(_make_change, state, make)
    except RagError as error:
        refusal = _refusal(error, upload, conflict)
        await run_in_threadpool(
            audit.record_or_log,
            data_dir,
            event,
            "failed",
            status=refusal.status_code,
            detail=refusal.detail,
        )
        raise refusal from None
    except Exception as error:  # a bug: answered 500 by errors.py, but never unrecorded
        await run_in_threadpool(
            audit.record_or_log, data_dir, event, "failed", status=500, detail=repr(error)
        )
        raise
    if fresh is not None and fresh.build == current_build_name(state.settings.index_dir):
        serve_build(state, fresh)  # unless another build landed since: the watcher's then
    await run_in_threadpool(
        audit.record_or_log,
        data_dir,
        event,
        "done",
        status=status,
        build=build,
        document=change.documents[0].file,
    )
    return change


async def _upload_and_run(
    request: Request,
    caller: Caller,
    action: str,
    name: str | None,
    make_for: Callable[[Upload], Callable[[Path], Change]],
    conflict: str | None = None,
    status: int = 200,
) -> Change:
    """Receive the map, then ``_run`` the change ``make_for`` it; an upload refused, or
    that cannot be received, is audited here (no change started)."""
    try:
        async with received_map(request) as upload:
            named = name or upload.path.name
            make = make_for(upload)
            return await _run(request, caller, action, named, make, upload, conflict, status)
    except (UploadRefused, StorageError) as error:
        status = (
            error.status_code
            if isinstance(error, UploadRefused)
            else (507 if isinstance(error, StorageFull) else 503)
        )
        detail = error.detail if isinstance(error, UploadRefused) else str(error)
        event = audit.new_event(request, caller, action, name)
        data_dir = request.app.state.rag.settings.data_dir
        await run_in_threadpool(
            audit.record_or_log, data_dir, event, "failed", status=status, detail=detail
        )
        raise


def _changed(change: Change, request: Request) -> ChangedDocument:
    document = change.documents[0]
    return ChangedDocument(
        document=document.file,
        id=document.id,
        title=document.title,
        format=document.format,
        nodes=document.node_count,
        build=request.app.state.rag.retriever.build,
    )


@router.post(
    "/documents",
    status_code=201,
    summary="Add a map to the corpus (admins): the same checks as `rag-territoires add`",
    openapi_extra=UPLOAD_BODY,
    responses={**_example(201, CHANGED_EXAMPLE), **MANAGE_ERRORS},
)
async def add_document(request: Request, caller: AdminDep) -> ChangedDocument:
    def adding(upload: Upload) -> Callable[[Path], Change]:
        return lambda staged: add_files(staged, [upload.path], groups=upload.groups)

    conflict = "the corpus already has the document {0}: replace it with PUT /v1/documents/{0}"
    change = await _upload_and_run(request, caller, "add", None, adding, conflict, 201)
    return _changed(change, request)


def _replacing(name: str) -> Callable[[Upload], Callable[[Path], Change]]:
    def make_for(upload: Upload) -> Callable[[Path], Change]:
        def make(staged: Path) -> Change:
            target = Corpus.load(staged).document(name)  # 404 when there is none
            change = add_files(staged, [upload.path], replace=True, groups=upload.groups)
            if change.documents[0].id != target.id:
                raise CorpusError(
                    f"{upload.path.name} holds the document {change.documents[0].id}, not "
                    f"{target.id}: a map is replaced by a file of the same name (any format)"
                )
            return change

        return make

    return make_for


@router.put(
    "/documents/{name}",
    summary="Replace a map (admins); its groups are kept unless `groups` is given",
    openapi_extra=UPLOAD_BODY,
    responses={**_example(200, CHANGED_EXAMPLE), **NOT_FOUND, **MANAGE_ERRORS},
)
async def replace_document(name: str, request: Request, caller: AdminDep) -> ChangedDocument:
    change = await _upload_and_run(request, caller, "replace", name, _replacing(name))
    return _changed(change, request)


@router.delete(
    "/documents/{name}",
    summary="Remove a map (admins), by file name or id",
    responses={
        **_example(200, {k: CHANGED_EXAMPLE[k] for k in ("document", "id", "build")}),
        **NOT_FOUND,
        **MANAGE_ERRORS,
    },
)
async def remove_map(name: str, request: Request, caller: AdminDep) -> RemovedDocument:
    def make(staged: Path) -> Change:
        return remove_document(staged, name)

    change = await _run(request, caller, "remove", name, make)
    document = change.documents[0]
    build = request.app.state.rag.retriever.build
    return RemovedDocument(document=document.file, id=document.id, build=build)
