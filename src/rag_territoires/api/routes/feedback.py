"""POST /v1/feedback: a person's rating of an answer, kept so bad answers can become
evaluation questions. Appended as one JSON line to <data_dir>/feedback.jsonl."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    model_validator,
)

from rag_territoires.api.deps import V1_GUARDS, StateDep
from rag_territoires.api.models import MAX_MESSAGES, Question, _text
from rag_territoires.errors import StorageError
from rag_territoires.schema import Citation

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=V1_GUARDS)
_write_lock = threading.Lock()  # one line at a time, whole


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "question": "Comment renforcer l'ingénierie territoriale ?",
                    "answer": "D'après les notes du séminaire, …",
                    "citations": [],
                    "rating": "down",
                    "comment": "Il manque la branche sur l'animation des territoires.",
                }
            ]
        },
    )
    question: Question
    answer: Annotated[StrictStr, AfterValidator(_text)]
    citations: list[Citation] = Field(default_factory=list, max_length=MAX_MESSAGES * 2)
    rating: Literal["up", "down"] | None = Field(
        None, description="Thumbs up or down; null for a comment given without a rating."
    )
    comment: Annotated[StrictStr, AfterValidator(_text), Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _rated_or_commented(self) -> FeedbackRequest:
        if self.rating is None and not (self.comment or "").strip():
            raise ValueError("give a rating, a comment, or both")
        return self


class FeedbackReceipt(BaseModel):
    id: str
    status: Literal["recorded"] = "recorded"


@router.post(
    "/feedback",
    status_code=201,
    summary="Rate an answer (thumbs up or down) or comment on it",
    responses={
        201: {
            "content": {
                "application/json": {"example": {"id": "3f2a9c81d04e", "status": "recorded"}}
            }
        }
    },
)
def feedback(body: FeedbackRequest, state: StateDep) -> FeedbackReceipt:
    receipt = FeedbackReceipt(id=uuid.uuid4().hex[:12])
    record = {
        "id": receipt.id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        **body.model_dump(),
    }
    path = state.settings.data_dir / "feedback.jsonl"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock, path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        log.error("cannot record feedback in %s: %s", path, exc.strerror or exc)
        raise StorageError("the feedback cannot be recorded now; try again later") from exc
    return receipt
