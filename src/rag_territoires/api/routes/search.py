"""POST /v1/search: the passages that answer a question, as `rag-territoires search --json`."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from rag_territoires.api.deps import V1_GUARDS, SearcherDep, StateDep
from rag_territoires.api.errors import NOT_FOUND, V1_ERRORS
from rag_territoires.api.models import SearchRequest
from rag_territoires.schema import SearchResult

router = APIRouter(
    prefix="/v1", tags=["search"], dependencies=V1_GUARDS, responses={**V1_ERRORS, **NOT_FOUND}
)
INLINE_CHARS = 200  # up to this much text (question and history), ~2-6 ms of CPU

EXAMPLE = {
    "query": "tiers-lieux ?",
    "abstained": False,
    "confidence": 0.933,
    "passages": [
        {
            "id": "seminaire-territoires-ruraux-carte-mentale:tiers-lieux-e3e8dd1f",
            "text": "Tiers-lieux\nVolonté de contribuer à des logiques de développement "
            "territorial "
            "et coopération\nCoopérative tiers-lieu(x) (Nvelle Aquitaine)\nBrie'nov living lab\n"
            "Ubo open factory (nom ?)",
            "branch": ["Pour s'inspirer", "Tiers-lieux"],
            "score": 0.582388,
            "source": {
                "document": "seminaire-territoires-ruraux-carte-mentale.txt",
                "line_start": 84,
                "line_end": 100,
            },
        }
    ],
}


@router.post(
    "/search",
    summary="Find the branches of the notes that answer a question",
    response_model=SearchResult,
    responses={200: {"content": {"application/json": {"example": EXAMPLE}}}},
)
async def search(body: SearchRequest, searcher: SearcherDep, state: StateDep) -> Response:
    # A usual question (~2 ms of CPU) is searched on the event loop: a hop to the thread
    # pool and back would cost a good share of that. A long text costs more (2,000 CJK
    # characters with history: ~0.4 s) and would stall every other request, probes
    # included: it goes to the thread pool.
    started = time.perf_counter()
    text_chars = len(body.query) + sum(len(h) for h in body.history)
    if text_chars <= INLINE_CHARS:
        result = searcher.search(body.query, body.top_k, body.history, body.documents)
    else:
        result = await run_in_threadpool(
            searcher.search, body.query, body.top_k, body.history, body.documents
        )
    state.metrics.search_latency.observe(time.perf_counter() - started)
    if result.abstained:
        state.metrics.abstentions.labels("search").inc()
    # Serialised once by the model itself (the route's response_model documents it).
    return Response(result.model_dump_json(), media_type="application/json")
