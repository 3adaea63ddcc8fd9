"""POST /v1/feedback: a person's rating of an answer, kept so bad answers can become
evaluation questions. Appended as one JSON line to <data_dir>/feedback.jsonl (whole or
not at all, the file capped and rotated: feedback_store.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter

from rag_territoires.api.deps import V1_GUARDS, StateDep
from rag_territoires.api.errors import STORAGE_FULL, V1_ERRORS
from rag_territoires.api.models import FeedbackReceipt, FeedbackRequest
from rag_territoires.feedback_store import append_feedback

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=V1_GUARDS, responses=V1_ERRORS)

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
