"""POST /v1/feedback: a person's rating of an answer, kept so bad answers can become
evaluation questions. Appended as one JSON line to <data_dir>/feedback.jsonl (whole or
not at all, the file capped and rotated: feedback_store.py)."""

from __future__ import annotations

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
from rag_territoires.api.errors import STORAGE_FULL, V1_ERRORS
from rag_territoires.api.models import (
    MAX_MESSAGES,
    TEXT_SCHEMA,
    Question,
    Text,
    _text,
    integer,
)
from rag_territoires.feedback_store import append_feedback

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=V1_GUARDS, responses=V1_ERRORS)

# What the page sends back of an answer's citations, checked as strictly as the rest:
# the file is read by people and by `rag-territoires feedback`, so no control characters,
# no impossible lines, bounded sizes.
SHORT = 2000
ShortText = Annotated[
    StrictStr,
    AfterValidator(_text),
    Field(max_length=SHORT, json_schema_extra={**TEXT_SCHEMA, "maxLength": SHORT}),
]
Line = integer(ge=1, le=10_000_000)


class FeedbackSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: Annotated[StrictStr, Field(pattern=r"^[^/\\\x00-\x1f]{1,200}$")]
    title: ShortText = ""
    line_start: Line
    line_end: Line
    topic_id: Annotated[StrictStr, Field(pattern=r"^[0-9A-Za-z_.:-]{1,100}$")] | None = None


class FeedbackCitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: integer(ge=1, le=10_000)
    passage_id: Annotated[StrictStr, Field(pattern=r"^[0-9A-Za-z_:-]{1,200}$")]
    quote: ShortText
    branch: list[ShortText] = Field(max_length=30)
    source: FeedbackSource


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            # a rating, a comment that says something, or both (checked below)
            "anyOf": [
                {"properties": {"rating": {"enum": ["up", "down"]}}, "required": ["rating"]},
                {
                    "properties": {"comment": {"type": "string", "pattern": "\\S"}},
                    "required": ["comment"],
                },
            ],
            "examples": [
                {
                    "question": "Comment renforcer l'ingénierie territoriale ?",
                    "answer": "D'après « Séminaire « territoires ruraux » : carte mentale », …",
                    "citations": [],
                    "rating": "down",
                    "comment": "Il manque la branche sur l'animation des territoires.",
                }
            ],
        },
    )
    question: Question
    answer: Text
    citations: list[FeedbackCitation] = Field(default_factory=list, max_length=MAX_MESSAGES * 2)
    rating: Literal["up", "down"] | None = Field(
        None, description="Thumbs up or down; null for a comment given without a rating."
    )
    comment: ShortText | None = None

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
        },
        **STORAGE_FULL,
    },
)
def feedback(body: FeedbackRequest, state: StateDep) -> FeedbackReceipt:
    receipt = FeedbackReceipt(id=uuid.uuid4().hex[:12])
    record = {
        "id": receipt.id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        **body.model_dump(),
    }
    settings = state.settings
    append_feedback(
        settings.data_dir, record, settings.feedback_max_bytes, settings.feedback_keep_files
    )
    return receipt
