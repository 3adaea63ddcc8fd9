"""The floor of the HTTP stack: a bare FastAPI route on uvicorn, for ``bench``.

One POST route that validates a ``{"query": ...}`` body and answers a small fixed JSON,
no middleware, no dependency, no search: what any FastAPI service costs per request on
this machine, measured by the same client in the same run as ``POST /v1/search``.
Run as ``python -m rag_territoires.evaluation.bare_app PORT``.
"""

from __future__ import annotations

import sys

from fastapi import FastAPI, Response
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    query: str


@app.post("/v1/search")
async def search(body: Body) -> Response:
    return Response('{"passages": []}', media_type="application/json")


@app.get("/readyz")
async def ready() -> dict:
    return {"status": "ready"}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
