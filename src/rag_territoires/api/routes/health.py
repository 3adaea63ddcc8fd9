"""Probes for the orchestrator and metrics for Prometheus; open even when API keys are set."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from rag_territoires.api.deps import StateDep
from rag_territoires.api.ratelimit_shared import limits_mode
from rag_territoires.corpus.access import hidden_from
from rag_territoires.corpus.visible import VisibleCorpus

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="The process is alive",
    responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
)
async def healthz() -> dict[str, str]:
    # async, as /readyz: a probe must not wait for a worker thread behind busy routes; no
    # search runs on the event loop (api/lane.py), so none delays it
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The model and the index are loaded",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "status": "ready",
                        "chunks": 110,
                        "encoders": ["use"],
                        "document": "seminaire-territoires-ruraux-carte-mentale.txt",
                        "rate_limits": "in_process",
                    }
                }
            }
        },
        503: {"content": {"application/json": {"example": {"status": "loading"}}}},
    },
)
async def readyz(state: StateDep) -> JSONResponse:
    if not state.ready:
        return JSONResponse({"status": "loading"}, status_code=503)
    engine = state.engine
    # an open probe: only the maps anyone may see (a restricted map's name, or its
    # passages in the count, would tell that it exists)
    hidden = hidden_from(engine.corpus.access, frozenset())
    public = VisibleCorpus(engine.corpus, hidden).documents
    return JSONResponse(
        {
            "status": "ready",
            "chunks": sum(engine.corpus.passage_count(d) for d in public),
            "encoders": [e.name for e in engine.encoders],
            "documents": [d.file for d in public],
            "build": engine.build,
            # "in_process_fallback": the workers' shared file failed, each counts alone
            "rate_limits": limits_mode(state.limiter, state.failed_keys),
        }
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/plain": {
                    "example": (
                        'rag_http_requests_total{method="POST",route="/v1/search",'
                        'status="200"} 12.0\n'
                        'rag_abstentions_total{endpoint="search"} 1.0\n'
                    )
                }
            }
        }
    },
)
def metrics(state: StateDep) -> Response:
    return Response(state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
