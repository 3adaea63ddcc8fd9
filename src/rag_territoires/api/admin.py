"""Who may manage the maps over the API: the admin scope.

An admin is a caller with a key configured as ``{"key": "...", "admin": true}``, or an OIDC
caller whose groups claim names ``RAG_TERRITOIRES_OIDC_ADMIN_GROUP``. A widget token is
never one: it is not accepted on ``/v1`` at all, and it carries groups, not rights. With
neither keys nor OIDC configured (open mode), nobody is: anyone who can reach the port
would otherwise rewrite the corpus. A refusal is recorded in the audit log with who asked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from rag_territoires.api import audit
from rag_territoires.api.auth.caller import Caller

ACTIONS = {"POST": "add", "PUT": "replace", "DELETE": "remove"}
OPEN_MODE = (
    "managing maps over the API needs an admin API key or the OIDC admin group, and this "
    "server has neither API keys nor OIDC configured (open mode): use `rag-territoires add` "
    "on the server, or configure an admin key"
)
NOT_ADMIN = (
    "this caller may not manage maps: it needs an API key configured with "
    '"admin": true, or membership of the OIDC admin group (RAG_TERRITOIRES_OIDC_ADMIN_GROUP)'
)


def calling(request: Request) -> Caller:
    """The caller the /v1 guard found (``deps.v1_guard``, run before any route's own)."""
    return request.state.caller


async def admin_caller(request: Request) -> Caller:
    caller = calling(request)
    if caller.admin:
        return caller
    message = OPEN_MODE if caller.identity is None else NOT_ADMIN
    action = ACTIONS.get(request.method, request.method.lower())
    event = audit.new_event(request, caller, action, request.path_params.get("name"))
    data_dir = request.app.state.rag.settings.data_dir
    await run_in_threadpool(
        audit.record_or_log, data_dir, event, "refused", status=403, detail=message
    )
    raise HTTPException(403, message)


AdminDep = Annotated[Caller, Depends(admin_caller)]
