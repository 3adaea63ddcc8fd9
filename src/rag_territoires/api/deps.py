"""Dependencies of the routes: the loaded state, the API key check, the rate limit.

All are ``async def`` though none awaits: FastAPI runs a plain ``def`` dependency in
its thread pool, and four such hops per request cost more than the search itself
adds to the encoder (measured with `rag-territoires bench`)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from rag_territoires.answer.llm import LlmClient
from rag_territoires.api.limits import RateLimiter
from rag_territoires.api.metrics import Metrics
from rag_territoires.config import Settings
from rag_territoires.retrieval.search import Searcher
from rag_territoires.retriever import Retriever


@dataclass
class AppState:
    settings: Settings
    retriever: Retriever
    metrics: Metrics
    limiter: RateLimiter
    llm: LlmClient | None
    # wrong keys per client address: past it, 429 instead of 401, so keys cannot be guessed
    # at full speed (the address is the socket's, or a trusted proxy's X-Forwarded-For)
    failed_keys: RateLimiter
    ready: bool = False


async def get_state(request: Request) -> AppState:
    return request.app.state.rag


StateDep = Annotated[AppState, Depends(get_state)]


async def get_searcher(state: StateDep) -> Searcher:
    if not state.ready:
        raise HTTPException(503, "the model and index are still loading")
    return state.retriever.searcher


SearcherDep = Annotated[Searcher, Depends(get_searcher)]

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="Required when the server has API keys configured (RAG_TERRITOIRES_API_KEYS).",
)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def require_api_key(
    request: Request, state: StateDep, key: Annotated[str | None, Depends(api_key_header)]
) -> str | None:
    keys = state.settings.api_keys
    if not keys:
        return None
    offered = (key or "").encode()
    # compare_digest on every key, always: the time taken says nothing about the keys
    matches = [hmac.compare_digest(offered, k.encode()) for k in keys]
    if not any(matches):
        # a missing key guesses nothing; a wrong one is counted
        wait = state.failed_keys.acquire("ip:" + _address(request)) if key else 0
        if wait:
            raise HTTPException(
                429,
                f"too many requests with a wrong key; retry in {wait:g} s",
                headers={"Retry-After": f"{wait:g}"},
            )
        raise HTTPException(
            401, "missing or invalid X-API-Key", headers={"WWW-Authenticate": "ApiKey"}
        )
    return key


async def rate_limit(
    request: Request, state: StateDep, key: Annotated[str | None, Depends(require_api_key)]
) -> None:
    if key:
        client = "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    else:
        client = "ip:" + _address(request)
    wait = state.limiter.acquire(client)
    if wait:
        raise HTTPException(
            429, f"too many requests; retry in {wait:g} s", headers={"Retry-After": f"{wait:g}"}
        )


# Every /v1 route depends on this: key first, then the rate limit.
V1_GUARDS = [Depends(rate_limit)]
