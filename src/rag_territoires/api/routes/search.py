"""POST /v1/search: the passages that answer a question, as `rag-territoires search --json`."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from rag_territoires.api.deps import V1_GUARDS, SearcherDep, StateDep
from rag_territoires.api.errors import NOT_FOUND, V1_ERRORS
from rag_territoires.api.examples import SEARCH_EXAMPLE
from rag_territoires.api.models import SearchRequest
from rag_territoires.schema import SearchResult

router = APIRouter(
    prefix="/v1", tags=["search"], dependencies=V1_GUARDS, responses={**V1_ERRORS, **NOT_FOUND}
)
LANE_CHARS = 200  # up to this much text (question and history), ~2-6 ms of CPU



@router.post(
    "/search",
    summary="Find the branches of the notes that answer a question",
    response_model=SearchResult,
    responses={200: {"content": {"application/json": {"example": SEARCH_EXAMPLE}}}},
)
async def search(body: SearchRequest, searcher: SearcherDep, state: StateDep) -> Response:
    # Never on the event loop: searched there, 16 clients' searches ran back to back in
    # one turn of the loop and a probe waited for them all (/healthz p99 0.5 s under
    # `bench --load`). A usual question (~2 ms of CPU) goes to the search lane's
    # thread (api/lane.py), one at a time as on the loop; a long text (2,000 CJK
    # characters with history: ~0.4 s) to the thread pool, not to wait in the lane.
    text_chars = len(body.query) + sum(len(h) for h in body.history)

    def searched() -> SearchResult:
        started = time.perf_counter()  # the search's own time, not its wait in the lane
        found = searcher.search(body.query, body.top_k, body.history, body.documents)
        state.metrics.search_latency.observe(time.perf_counter() - started)
        return found

    if text_chars <= LANE_CHARS:
        result = await state.search_lane.run(searched)
    else:
        result = await run_in_threadpool(searched)
    if result.abstained:
        state.metrics.abstentions.labels("search").inc()
    # Serialised once by the model itself (the route's response_model documents it).
    return Response(result.model_dump_json(), media_type="application/json")
