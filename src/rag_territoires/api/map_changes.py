"""Making a map change asked over the API (api/routes/manage.py): ``add``'s or ``remove``'s
own change (corpus/manage.py) on a staged corpus, published with its build
(corpus/transaction.py), this worker switched to that build, and every step audited
(api/audit.py). What stops a change becomes one JSON error with its status, naming no
path of the server (those go to its log)."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from rag_territoires.api import audit
from rag_territoires.api.auth.caller import Caller
from rag_territoires.api.deps import AppState
from rag_territoires.api.reload import load_next, serve_build
from rag_territoires.api.uploads import Refused, Upload, UploadRefused, received_map
from rag_territoires.corpus.manage import Change
from rag_territoires.corpus.transaction import corpus_change, publish
from rag_territoires.engine import Engine
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

log = logging.getLogger(__name__)
Make = Callable[[Path], Change]  # the change, made on the staged corpus folder it is given


@dataclass
class Asked:
    """One change asked: by whom, what (the audit's fields), and how success answers."""

    request: Request
    caller: Caller
    action: str  # add, replace, remove
    name: str | None  # the map named, when known before the upload is read
    status: int = 200
    conflict: str = "{message}"  # a clash's message: {message}, or {document}, its id

    def event(self, name: str | None = None) -> dict:
        return audit.new_event(self.request, self.caller, self.action, name or self.name)

    @property
    def data_dir(self) -> Path:
        return self.request.app.state.rag.settings.data_dir


def _errno(error: RagError) -> int | None:
    """Why a write failed: a corpus file's (``CorpusWriteError``), or the index's (an
    ``IndexStateError`` raised from the ``OSError``)."""
    if isinstance(error, CorpusWriteError):
        return error.errno
    cause = error.__cause__
    return cause.errno if isinstance(cause, OSError) else None


def refusal(error: RagError, upload: Upload | None, conflict: str) -> HTTPException:
    """The HTTP answer to a change ``add``/``remove`` refused or could not make."""
    text = upload.shown(str(error)) if upload is not None else str(error)
    if isinstance(error, BuildBusy):
        return Refused(409, "busy", text)
    if isinstance(error, DocumentConflict):
        return Refused(409, "conflict", conflict.format(message=text, document=error.document))
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


def _make_change(state: AppState, make: Make) -> tuple[Change, str | None, Engine | None]:
    """The change, published with its build; then the live build loaded as a reload would
    (None when it cannot be now: the watcher tries again, the change is made)."""
    settings = state.settings
    with corpus_change(settings, wait_seconds=0) as staged:
        change = make(staged)
        built = publish(
            settings, staged, change, show_progress=False, encoders=state.engine.encoders
        )
    try:
        return change, built.build, load_next(state.engine)
    except (RagError, OSError) as error:
        log.warning("build %s published, not loaded yet: %s", built.build, error)
        return change, built.build, None


async def run_change(asked: Asked, make: Make, upload: Upload | None = None) -> tuple[Change, str]:
    """Audit, make the change, switch this worker to its build, audit the outcome; the
    change and the build that holds it. The first audit line fails the change (507)."""
    state: AppState = asked.request.app.state.rag
    event = asked.event()
    if upload is not None:
        event.update(size=upload.size, sha256=upload.sha256)
        if upload.groups is not None:
            event["groups"] = sorted(upload.groups)
    await run_in_threadpool(audit.record, asked.data_dir, event, "started")
    try:
        change, build, fresh = await run_in_threadpool(_make_change, state, make)
    except RagError as error:
        refused = refusal(error, upload, asked.conflict)
        await _record(asked, event, "failed", status=refused.status_code, detail=refused.detail)
        raise refused from None
    except Exception as error:  # a bug: answered 500 by errors.py, but never unrecorded
        await _record(asked, event, "failed", status=500, detail=repr(error))
        raise
    if fresh is not None and fresh.build == current_build_name(state.settings.index_dir):
        serve_build(state, fresh)  # unless another build landed since: the watcher's then
    document = change.documents[0].file
    await _record(asked, event, "done", status=asked.status, build=build, document=document)
    return change, build


async def upload_and_run(asked: Asked, make_for: Callable[[Upload], Make]) -> tuple[Change, str]:
    """Receive the map, then ``run_change`` what ``make_for`` makes of it. An upload
    refused, or that cannot be received, is audited here: no change started."""
    try:
        async with received_map(asked.request) as upload:
            asked.name = asked.name or upload.path.name
            return await run_change(asked, make_for(upload), upload)
    except UploadRefused as refused:
        await _record(
            asked, asked.event(), "failed", status=refused.status_code, detail=refused.detail
        )
        raise
    except StorageError as error:  # the upload could not be saved (the change's own: above)
        status = 507 if isinstance(error, StorageFull) else 503
        await _record(asked, asked.event(), "failed", status=status, detail=str(error))
        raise


async def _record(asked: Asked, event: dict, outcome: str, **details: object) -> None:
    await run_in_threadpool(audit.record_or_log, asked.data_dir, event, outcome, **details)
