"""Dependencies of the routes: the loaded state, the /v1 guard (the caller, found by
``auth/caller.py``, then the rate limit).

All are ``async def`` though none awaits: FastAPI runs a plain ``def`` dependency in
its thread pool, and four such hops per request cost more than the search itself
adds to the encoder (measured with `rag-territoires bench`). The graph is kept flat for
the same reason: FastAPI pays ~10 µs per dependency node and request, cached or not, so
each dependency reads the state from the request itself instead of depending on
``get_state``, and the key check and the rate limit are one guard: a search solves 4
dependencies instead of 8, 23 µs less per request (measured in-process)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from rag_territoires.answer.llm import LlmClient
from rag_territoires.api.auth.caller import api_key_header, caller_identity, client_address
from rag_territoires.api.auth.oidc import OidcVerifier
from rag_territoires.api.auth.widget_tokens import WidgetTokens
from rag_territoires.api.lane import SearchLane
from rag_territoires.api.metrics import Metrics
from rag_territoires.api.ratelimit import RateLimiter
from rag_territoires.api.ratelimit_shared import SharedRateLimiter
from rag_territoires.api.reload import Retired
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
