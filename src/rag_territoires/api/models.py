"""Request bodies of the HTTP API, validated before any search runs.

Types are strict (``"top_k": "5"`` is an error, not 5): an intranet client
that sends the wrong type should learn it at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from rag_territoires.errors import QueryError
from rag_territoires.retrieval.search import validate_query

MAX_MESSAGES = 50
MAX_ASSISTANT_CHARS = 20_000


def _question(value: str) -> str:
    try:
        return validate_query(value)
    except QueryError as error:  # its reason becomes the field's "reason" in the JSON error
        raise PydanticCustomError(error.reason, str(error)) from None


def _text(value: str) -> str:
    """Earlier answers: any length up to a bound, but no control characters."""
    if len(value) > MAX_ASSISTANT_CHARS:
        raise PydanticCustomError(
            "too_long", f"a message may have at most {MAX_ASSISTANT_CHARS} characters"
        )
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in value):
        raise PydanticCustomError("control_character", "the message contains a control character")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise PydanticCustomError("invalid_text", "the message is not valid text (lone surrogate)")
    return value


Question = Annotated[StrictStr, AfterValidator(_question)]
TopK = Annotated[StrictInt, Field(ge=1, le=50, description="Number of passages (1-50).")]


class SearchRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"query": "Comment renforcer l'ingénierie territoriale ?", "top_k": 5},
                {"query": "et le deuxième ?", "history": ["Quels sont les 3 principes ?"]},
            ]
        },
    )
    query: Question = Field(description="The question, 1 to 2,000 characters.")
    top_k: TopK = 5
    history: list[Question] = Field(
        default_factory=list,
        max_length=MAX_MESSAGES,
        description="Earlier questions of the conversation, oldest first.",
    )


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: Annotated[StrictStr, AfterValidator(_text)]


class ChatRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "messages": [
                        {"role": "user", "content": "Quels sont les 3 principes à appliquer ?"},
                        {"role": "assistant", "content": "D'après les notes du séminaire…"},
                        {"role": "user", "content": "et le deuxième ?"},
                    ],
                    "top_k": 5,
                    "stream": False,
                }
            ]
        },
    )
    messages: list[ChatMessage] = Field(
        min_length=1,
        max_length=MAX_MESSAGES,
        description="The conversation; the last message is the user's question.",
    )
    top_k: TopK = 5
    stream: StrictBool = Field(False, description="Answer as Server-Sent Events.")

    def question(self) -> str:
        last = self.messages[-1]
        if last.role != "user":
            raise QueryError(
                "messages: the last message must be the user's question", "not_a_question"
            )
        try:
            return validate_query(last.content)
        except QueryError as error:
            raise QueryError(f"messages: {error}", error.reason) from None
