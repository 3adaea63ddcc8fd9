"""The floors of the HTTP stack: bare FastAPI routes on uvicorn, for ``bench``.

One POST route that validates a ``{"query": ..., "top_k": ...}`` body, with no
middleware and no dependency: no key check, rate limit, metrics or security headers.
Without ``--search`` it answers a small fixed JSON: what any FastAPI service costs per
request on this machine. With ``--search`` it answers with the real search over the
built index, as ``POST /v1/search`` does: what the search costs over HTTP when the API
adds nothing of its own. Both are measured by the same client in the same run as
``POST /v1/search``. Run as ``python -m benchmarks.bare_app PORT [--search]``.
"""

from __future__ import annotations

import sys

from fastapi import FastAPI, Response
from pydantic import BaseModel

app = FastAPI()
searcher = None  # with --search: the real one, loaded before the server starts


class Body(BaseModel):
    query: str
    top_k: int = 5


@app.post("/v1/search")
async def search(body: Body) -> Response:
    if searcher is None:
        return Response('{"passages": []}', media_type="application/json")
    result = searcher.search(body.query, body.top_k)
    return Response(result.model_dump_json(), media_type="application/json")


@app.get("/readyz")
async def ready() -> dict:
    return {"status": "ready"}


if __name__ == "__main__":
    import uvicorn

    if "--search" in sys.argv:
        from rag_territoires.engine import Engine

        engine = Engine(auto_build=False)
        engine.warm_up()
        searcher = engine.searcher
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
