"""Managing the maps over the API, for admins (api/admin.py): upload a map, replace one,
remove one; and ``GET /v1/me``, which tells a caller (the chat page) whether it is one.

A change is ``rag-territoires add`` / ``remove`` itself: the same checks
(corpus/manage.py) on a staged copy of the corpus, built and published with the corpus
in one step (corpus/transaction.py), so a change that fails or is cut short leaves the
corpus and the live index as they were. It never waits for another: while a build or a
change holds the lock, it is refused at once with 409. Once published, this worker
serves the new build before answering (api/reload.py's switch); other workers pick it up
at their next poll. Every attempt is in the audit log (api/audit.py). The making, the
auditing and the errors are api/map_changes.py's; the upload's form, api/uploads.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request

from rag_territoires.api.admin import AdminDep, calling
from rag_territoires.api.deps import V1_GUARDS
from rag_territoires.api.errors import MANAGE_ERRORS, NOT_FOUND, V1_ERRORS
from rag_territoires.api.examples import CHANGED_EXAMPLE, UPLOAD_BODY, example_response
from rag_territoires.api.map_changes import Asked, Make, run_change, upload_and_run
from rag_territoires.api.models import ChangedDocument, Me, RemovedDocument
from rag_territoires.api.uploads import Upload
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.manage import Change, add_files, remove_document
from rag_territoires.errors import CorpusError

router = APIRouter(prefix="/v1", tags=["manage"], dependencies=V1_GUARDS, responses=V1_ERRORS)





@router.get(
    "/me",
    summary="Who the caller is to this API: admin or not, its groups",
    responses=example_response({"admin": False, "groups": ["elus"]}),
)
async def me(request: Request) -> Me:
    caller = calling(request)
    return Me(admin=caller.admin, groups=sorted(caller.groups))


def _changed(change: Change, build: str) -> ChangedDocument:
    document = change.documents[0]
    return ChangedDocument(
        document=document.file,
        id=document.id,
        title=document.title,
        format=document.format,
        nodes=document.node_count,
        build=build,
    )


@router.post(
    "/documents",
    status_code=201,
    summary="Add a map to the corpus (admins): the same checks as `rag-territoires add`",
    openapi_extra=UPLOAD_BODY,
    responses={**example_response(CHANGED_EXAMPLE, 201), **MANAGE_ERRORS},
)
async def add_document(request: Request, caller: AdminDep) -> ChangedDocument:
    def adding(upload: Upload) -> Make:
        return lambda staged: add_files(staged, [upload.path], groups=upload.groups)

    conflict = (
        "the corpus already has the document {document}: replace it with "
        "PUT /v1/documents/{document}"
    )
    asked = Asked(request, caller, "add", None, status=201, conflict=conflict)
    return _changed(*await upload_and_run(asked, adding))


def _replacing(name: str) -> Callable[[Upload], Make]:
    def make_for(upload: Upload) -> Make:
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
    responses={**example_response(CHANGED_EXAMPLE), **NOT_FOUND, **MANAGE_ERRORS},
)
async def replace_document(name: str, request: Request, caller: AdminDep) -> ChangedDocument:
    asked = Asked(request, caller, "replace", name)
    return _changed(*await upload_and_run(asked, _replacing(name)))


@router.delete(
    "/documents/{name}",
    summary="Remove a map (admins), by file name or id",
    responses={
        **example_response({k: CHANGED_EXAMPLE[k] for k in ("document", "id", "build")}),
        **NOT_FOUND,
        **MANAGE_ERRORS,
    },
)
async def remove_map(name: str, request: Request, caller: AdminDep) -> RemovedDocument:
    def make(staged: Path) -> Change:
        return remove_document(staged, name)

    change, build = await run_change(Asked(request, caller, "remove", name), make)
    document = change.documents[0]
    return RemovedDocument(document=document.file, id=document.id, build=build)
