"""POST /v1/search: the passages that answer a question, as `rag-territoires search --json`."""

from __future__ import annotations

import time

from fastapi import APIRouter

from rag_territoires.api.deps import V1_GUARDS, SearcherDep, StateDep
from rag_territoires.api.models import SearchRequest
from rag_territoires.schema import SearchResult

router = APIRouter(prefix="/v1", tags=["search"], dependencies=V1_GUARDS)

EXAMPLE = {
    "query": "tiers-lieux ?",
    "abstained": False,
    "passages": [
        {
            "id": "tiers-lieux-e3e8dd1f",
            "text": "Tiers-lieux\nVolonté de contribuer à des logiques de développement "
            "territorial "
            "et coopération\nCoopérative tiers-lieu(x) (Nvelle Aquitaine)\nBrie'nov living lab\n"
            "Ubo open factory (nom ?)",
            "branch": ["Pour s'inspirer", "Tiers-lieux"],
            "score": 1.3001,
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
    responses={200: {"content": {"application/json": {"example": EXAMPLE}}}},
)
def search(body: SearchRequest, searcher: SearcherDep, state: StateDep) -> SearchResult:
    started = time.perf_counter()
    result = searcher.search(body.query, top_k=body.top_k, history=body.history)
    state.metrics.search_latency.observe(time.perf_counter() - started)
    if result.abstained:
        state.metrics.abstentions.labels("search").inc()
    return result
