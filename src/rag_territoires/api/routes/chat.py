"""POST /v1/chat: an answer made of cited quotes, as JSON or as Server-Sent Events."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from rag_territoires.answer.chat import Message, answer_chat
from rag_territoires.api.deps import V1_GUARDS, SearcherDep, StateDep
from rag_territoires.api.errors import NOT_FOUND, V1_ERRORS
from rag_territoires.api.examples import CHAT_EXAMPLE
from rag_territoires.api.lane import LanedSearcher
from rag_territoires.api.models import ChatRequest
from rag_territoires.schema import ChatAnswer

router = APIRouter(
    prefix="/v1", tags=["chat"], dependencies=V1_GUARDS, responses={**V1_ERRORS, **NOT_FOUND}
)

SSE_DESCRIPTION = """With `"stream": true`, `text/event-stream` events, in order:
`answer` (data `{"delta": "..."}`, the answer text piece by piece), `citations`
(data: the list of citations), then `done` (data: the whole JSON answer). The answer is
checked before its first event is sent: with a language model, a streamed answer carries
only the sentences its quotes support, as the JSON one does."""



def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sse_events(answer: ChatAnswer) -> Iterator[str]:
    for line in answer.answer.splitlines(keepends=True):
        yield _event("answer", {"delta": line})
    yield _event("citations", [c.model_dump() for c in answer.citations])
    yield _event("done", answer.model_dump())


@router.post(
    "/chat",
    summary="Answer the last question of a conversation with cited quotes",
    description=SSE_DESCRIPTION,
    response_model=ChatAnswer,
    responses={
        200: {"content": {"application/json": {"example": CHAT_EXAMPLE}, "text/event-stream": {}}}
    },
)
def chat(body: ChatRequest, searcher: SearcherDep, state: StateDep):
    body.question()  # a QueryError (422, with its reason) when the last message is not one
    messages = [Message(m.role, m.content) for m in body.messages]
    answer = answer_chat(
        LanedSearcher(searcher, state.search_lane),  # type: ignore[arg-type]
        messages,
        top_k=body.top_k,
        llm=state.llm,
        min_grounded_share=state.settings.llm_min_grounded_share,
        documents=body.documents,
    )
    if answer.abstained:
        state.metrics.abstentions.labels("chat").inc()
    if body.stream:
        return StreamingResponse(
            sse_events(answer),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return answer
