"""The embeddable widget: its script, the two routes it calls, and the token exchange.

``/widget/v1/...`` is reached from intranet pages (see ``api/widget.py`` for who may):
the script, the chat (as ``POST /v1/chat``) and the export's lines (as
``GET /v1/documents/{name}/lines``). ``POST /v1/widget-tokens`` is for the intranet's
server, with its API key.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from rag_territoires.api.auth.caller import (
    bearer_claims,
    bearer_token,
    client_address,
    count_wrong_credential,
)
from rag_territoires.api.auth.oidc import OidcError, claimed_groups
from rag_territoires.api.auth.widget_tokens import TOKEN_VERSION
from rag_territoires.api.deps import V1_GUARDS, CorpusDep, SearcherDep, StateDep, caller_groups
from rag_territoires.api.errors import FORBIDDEN_ORIGIN, NOT_FOUND, V1_ERRORS, OriginRefused
from rag_territoires.api.examples import CHAT_EXAMPLE, LINES_EXAMPLE, example_response
from rag_territoires.api.models import ChatRequest, DocumentLines, TokenRequest, WidgetToken
from rag_territoires.api.routes import browse, chat

SCRIPT = "rag-territoires.js"


async def widget_origin(request: Request, state: StateDep) -> None:
    if request.headers.get("origin") not in state.settings.widget_origins:
        raise OriginRefused()


async def widget_guard(request: Request, state: StateDep) -> None:
    """The token, when one is needed, and the per-visitor rate limit. The caller's groups
    are its token's (none without a token: restricted maps stay hidden)."""
    settings = state.settings
    request.state.groups = frozenset()
    if settings.api_keys or settings.widget_require_token or state.oidc is not None:
        token = bearer_token(request)
        if token is None:
            raise HTTPException(401, "the widget needs a token (Authorization: Bearer ...)")
        if token.startswith(TOKEN_VERSION + ".") or state.oidc is None:
            why = state.widget_tokens.check(token, request.headers["origin"])
            if why is None:
                request.state.groups = state.widget_tokens.groups(token)
        else:  # the signed-in user's token from the intranet's provider
            try:
                claims = await bearer_claims(request, state)
                why = None if claims else "no token"
                if claims:
                    request.state.groups = claimed_groups(claims, settings.oidc_groups_claim)
            except OidcError as error:
                why = str(error)
                count_wrong_credential(request, state)  # as on /v1
        if why:
            raise HTTPException(401, why)
    wait = state.limiter.acquire("widget:" + client_address(request))
    if wait:
        raise HTTPException(
            429, f"too many requests; retry in {wait:g} s", headers={"Retry-After": f"{wait:g}"}
        )


WidgetGuard = [Depends(widget_guard)]
router = APIRouter(
    prefix="/widget/v1",
    tags=["widget"],
    dependencies=[Depends(widget_origin)],
    responses=FORBIDDEN_ORIGIN,
)
tokens = APIRouter(
    prefix="/v1",
    tags=["widget"],
    dependencies=V1_GUARDS,
    responses={**V1_ERRORS, **FORBIDDEN_ORIGIN},
)


@router.get(
    f"/{SCRIPT}",
    summary="The <rag-territoires-chat> web component",
    response_class=Response,
    responses={
        200: {"content": {"text/javascript": {"example": "// <rag-territoires-chat>: ..."}}}
    },
)
async def script() -> Response:
    code = resources.files("rag_territoires.widget").joinpath(SCRIPT).read_bytes()
    return Response(
        code,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )


@router.post(
    "/chat",
    summary="The widget's chat (as POST /v1/chat)",
    description=chat.SSE_DESCRIPTION,
    dependencies=WidgetGuard,
    response_model=chat.ChatAnswer,
    responses={
        **V1_ERRORS,
        **NOT_FOUND,
        200: {"content": {"application/json": {"example": CHAT_EXAMPLE}, "text/event-stream": {}}},
    },
)
def widget_chat(body: ChatRequest, searcher: SearcherDep, state: StateDep):
    return chat.chat(body, searcher, state)


@router.get(
    "/documents/{name}/lines",
    summary="The widget's view of the export (as GET /v1/documents/{name}/lines)",
    dependencies=WidgetGuard,
    responses={**V1_ERRORS, **NOT_FOUND, **example_response(LINES_EXAMPLE)},
)
def widget_lines(
    name: str,
    corpus: CorpusDep,
    start: Annotated[int, Query(ge=1, description="First line, 1-based.")],
    end: Annotated[int, Query(ge=1, description="Last line, inclusive.")],
) -> DocumentLines:
    return browse.document_lines(name, corpus, start, end)


@tokens.post(
    "/widget-tokens",
    summary="Exchange an API key for a widget token",
    status_code=201,
    responses={
        201: {
            "content": {
                "application/json": {
                    "example": {"token": "rtw1.eyJvIjoi….Qm9m…", "expires_at": 1795700000}
                }
            }
        }
    },
)
async def widget_token(body: TokenRequest, state: StateDep, request: Request) -> WidgetToken:
    if body.origin not in state.settings.widget_origins:
        raise HTTPException(403, f"{body.origin!r} is not in RAG_TERRITOIRES_WIDGET_ORIGINS")
    groups = frozenset(body.groups)
    beyond = sorted(groups - caller_groups(request))
    if beyond:  # never more than the caller itself may read
        raise HTTPException(403, f"this key is not in the group {beyond[0]!r}")
    token, expires = state.widget_tokens.issue(body.origin, body.ttl_seconds, groups=groups)
    return WidgetToken(token=token, expires_at=expires)
