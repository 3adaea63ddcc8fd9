"""Dependencies of the routes: the loaded state, the API key check, the rate limit.

All are ``async def`` though none awaits: FastAPI runs a plain ``def`` dependency in
its thread pool, and four such hops per request cost more than the search itself
adds to the encoder (measured with `rag-territoires bench`). The graph is kept flat for
the same reason: FastAPI pays ~10 µs per dependency node and request, cached or not, so
each dependency reads the state from the request itself instead of depending on
``get_state``, and the key check and the rate limit are one guard: a search solves 4
dependencies instead of 8, 23 µs less per request (measured in-process)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from rag_territoires.answer.llm import LlmClient
from rag_territoires.api.lane import SearchLane
from rag_territoires.api.metrics import Metrics
from rag_territoires.api.oidc import OidcError, OidcVerifier, claimed_groups
from rag_territoires.api.ratelimit import RateLimiter
from rag_territoires.api.ratelimit_shared import SharedRateLimiter
from rag_territoires.api.reload import Retired
from rag_territoires.api.widget import WidgetTokens
from rag_territoires.config import Settings
from rag_territoires.corpus.access import hidden_from
from rag_territoires.corpus.visible import VisibleCorpus
from rag_territoires.engine import Engine
from rag_territoires.retrieval.search import Searcher
from rag_territoires.retrieval.views import EmptySearcher


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    metrics: Metrics
    limiter: RateLimiter | SharedRateLimiter
    llm: LlmClient | None
    # wrong keys per client address: past it, 429 instead of 401, so keys cannot be guessed
    # at full speed (the address is the socket's, or a trusted proxy's X-Forwarded-For)
    failed_keys: RateLimiter | SharedRateLimiter
    widget_tokens: WidgetTokens
    oidc: OidcVerifier | None = None
    ready: bool = False
    reloads: int = 0  # new builds switched to without a restart (api/reload.py)
    retired: Retired = field(default_factory=Retired)  # frees the builds switched from
    search_lane: SearchLane = field(default_factory=SearchLane)  # searches, off the loop


async def get_state(request: Request) -> AppState:
    return request.app.state.rag


StateDep = Annotated[AppState, Depends(get_state)]


def _loaded(request: Request) -> AppState:
    state: AppState = request.app.state.rag
    if not state.ready:
        raise HTTPException(503, "the model and index are still loading")
    return state


def caller_groups(request: Request) -> frozenset[str]:
    """The groups the guard found the caller in (``v1_guard``, the widget's guard); none
    when it set nothing: restricted maps are then hidden, never shown by default."""
    return getattr(request.state, "groups", frozenset())


def _hidden(request: Request, engine: Engine) -> frozenset[str]:
    return hidden_from(engine.corpus.access, caller_groups(request))


async def get_searcher(request: Request) -> Searcher | EmptySearcher:
    """The search over the maps this caller may see (``retrieval/views.py``): the whole
    corpus's searcher when nothing is hidden from it. A view built for the first time is
    built in the thread pool, not on the event loop."""
    engine = _loaded(request).engine
    hidden = _hidden(request, engine)
    ready = engine.views.ready(hidden)
    if ready is not None:
        return ready
    return await run_in_threadpool(engine.views.for_hidden, hidden)


SearcherDep = Annotated[Searcher | EmptySearcher, Depends(get_searcher)]


async def get_engine(request: Request) -> Engine:
    """The loaded engine: its corpus and its build id, from one and the same build."""
    return _loaded(request).engine


EngineDep = Annotated[Engine, Depends(get_engine)]


async def get_corpus(request: Request) -> VisibleCorpus:
    """The corpus without the maps this caller may not see."""
    engine = _loaded(request).engine
    return VisibleCorpus(engine.corpus, _hidden(request, engine))


CorpusDep = Annotated[VisibleCorpus, Depends(get_corpus)]

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="Required when the server has API keys configured (RAG_TERRITOIRES_API_KEYS).",
)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None. A scheme's name is
    case-insensitive (RFC 9110, 11.1): ``bearer`` and ``BEARER`` are the same scheme."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _too_many(wait: float) -> HTTPException:
    return HTTPException(
        429,
        f"too many requests with a wrong key; retry in {wait:g} s",
        headers={"Retry-After": f"{wait:g}"},
    )


def count_wrong_credential(request: Request, state: AppState) -> None:
    """A wrong key or token counts against its address: past the limit, 429."""
    wait = state.failed_keys.acquire("ip:" + client_address(request))
    if wait:
        raise _too_many(wait)


async def bearer_claims(request: Request, state: StateDep) -> dict | None:
    """The claims of a valid OIDC bearer token, None when there is none to check, or
    ``OidcError``. An address already past its wrong-credential limit gets its 429 before
    the token is even looked at: checking one may mean fetching the provider's keys."""
    token = bearer_token(request)
    if state.oidc is None or token is None:
        return None
    wait = state.failed_keys.waiting("ip:" + client_address(request))
    if wait:
        raise _too_many(wait)
    return await state.oidc.verify(token)


NO_GROUPS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Caller:
    """Who called a /v1 route, as the guard found it. ``identity``: its rate-limit bucket
    ("key:..." or "sub:...", hashed), None when the API is open; ``who``: how the audit log
    names it (a key's hashed id, or the OIDC subject; never a secret); ``admin``: it may
    manage the maps (an admin key, or the OIDC admin group: api/admin.py)."""

    identity: str | None
    groups: frozenset[str] = NO_GROUPS
    who: str = "anonymous"
    admin: bool = False


OPEN = Caller(None)


async def caller_identity(request: Request, state: AppState, key: str | None) -> Caller:
    """The caller, from a key or an OIDC bearer token when either is configured; its groups
    are its key's, or its token's groups claim (none when the API is open)."""
    settings = state.settings
    keys = settings.key_groups()
    if not keys and state.oidc is None:
        return OPEN
    # a header's value does not include the blanks around it (RFC 9110, 5.5); the server
    # strips the leading ones only
    key = key.strip(" \t") if key else key
    offered = (key or "").encode()
    # compare_digest on every key, always: the time taken says nothing about the keys
    matches = [hmac.compare_digest(offered, k.encode()) for k, _ in keys]
    if any(matches):
        found, groups = keys[matches.index(True)]
        identity = "key:" + hashlib.sha256(offered).hexdigest()[:16]
        return Caller(identity, groups, identity, found in settings.admin_keys())
    why = "missing or invalid X-API-Key"
    if state.oidc is not None and not key:
        try:
            claims = await bearer_claims(request, state)
        except OidcError as error:
            claims, why = None, str(error)
        if claims is not None:  # "sub" is required: each person has a bucket
            groups = claimed_groups(claims, settings.oidc_groups_claim)
            identity = "sub:" + hashlib.sha256(claims["sub"].encode()).hexdigest()[:16]
            admin = bool(settings.oidc_admin_group) and settings.oidc_admin_group in groups
            return Caller(identity, groups, "oidc:" + claims["sub"], admin)
    # a missing credential guesses nothing; a wrong one is counted
    if key or request.headers.get("authorization"):
        count_wrong_credential(request, state)
    raise HTTPException(401, why, headers={"WWW-Authenticate": "ApiKey, Bearer"})


async def v1_guard(request: Request, key: Annotated[str | None, Depends(api_key_header)]) -> None:
    """The key (or bearer token) first, then the caller's rate limit."""
    state: AppState = request.app.state.rag
    request.state.caller = caller = await caller_identity(request, state, key)
    request.state.groups = caller.groups
    wait = state.limiter.acquire(caller.identity or "ip:" + client_address(request))
    if wait:
        raise HTTPException(
            429, f"too many requests; retry in {wait:g} s", headers={"Retry-After": f"{wait:g}"}
        )


# Every /v1 route depends on this: key first, then the rate limit.
V1_GUARDS = [Depends(v1_guard)]
