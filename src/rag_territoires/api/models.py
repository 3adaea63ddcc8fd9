"""Request bodies of the HTTP API, validated before any search runs.

Types are strict (``"top_k": "5"`` is an error, not 5): an intranet client
that sends the wrong type should learn it at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)
from pydantic_core import PydanticCustomError

from rag_territoires.config import MAX_QUERY_CHARS, MAX_TOP_K, MIN_TOP_K
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


# The rules above, as JSON Schema patterns (for clients and for schemathesis; pydantic
# checks them in the validators, with a reason for each): no control characters, and a
# question has a character that is not a space. (Lone surrogates are refused too, but a
# pattern cannot name them: they are not characters, and UTF-8 cannot carry them.)
_NOT_TEXT = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f"
_NOT_QUESTION = _NOT_TEXT + "\\u0080-\\u009f"
QUESTION_SCHEMA = {
    "minLength": 1,
    "maxLength": MAX_QUERY_CHARS,
    "pattern": f"^[^{_NOT_QUESTION}]*[^\\s{_NOT_QUESTION}][^{_NOT_QUESTION}]*$",
}
TEXT_SCHEMA = {"maxLength": MAX_ASSISTANT_CHARS, "pattern": f"^[^{_NOT_TEXT}]*$"}

Question = Annotated[StrictStr, AfterValidator(_question), Field(json_schema_extra=QUESTION_SCHEMA)]
Text = Annotated[StrictStr, AfterValidator(_text), Field(json_schema_extra=TEXT_SCHEMA)]


def _integral(value: object) -> object:
    """JSON has one number type: 5.0 is the integer 5 (as JSON Schema says). "5" and true
    stay errors, as strict types want."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def integer(**bounds: int) -> object:
    """A strict integer within ``bounds`` (ge, le...) that accepts 5.0 as 5."""
    return Annotated[StrictInt, Field(**bounds), BeforeValidator(_integral)]


TopK = Annotated[
    integer(ge=MIN_TOP_K, le=MAX_TOP_K),
    Field(description=f"Number of passages ({MIN_TOP_K}-{MAX_TOP_K})."),
]
DocumentNames = Annotated[
    list[Annotated[StrictStr, Field(min_length=1, max_length=200)]],
    Field(
        default_factory=list,
        max_length=100,
        description="Search only these maps (file names or ids, see GET /v1/documents); "
        "empty: all of them.",
    ),
]


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
    documents: DocumentNames


class UserMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user"]
    content: Question


class AssistantMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["assistant"]
    content: Text


ChatMessage = Annotated[UserMessage | AssistantMessage, Field(discriminator="role")]


class ChatRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "messages": [
                        {"role": "user", "content": "Quels sont les 3 principes à appliquer ?"},
                        {
                            "role": "assistant",
                            "content": "D'après « Séminaire « territoires ruraux » : "
                            "carte mentale »…",
                        },
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
    documents: DocumentNames
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
