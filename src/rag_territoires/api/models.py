"""The routes' models: the HTTP API's request bodies, validated before any search runs, and
the answers of the routes that are the API's alone (search and chat answers are
``schema.py``'s, which the CLI and the answer code share; examples: ``examples.py``).

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
    model_validator,
)
from pydantic_core import PydanticCustomError

from rag_territoires.config import MAX_QUERY_CHARS, MAX_TOP_K, MIN_TOP_K
from rag_territoires.errors import QueryError
from rag_territoires.retrieval.search import validate_query
from rag_territoires.schema import Source

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


# GET /v1/documents, /v1/passages, /v1/tree, /v1/documents/{name}/lines (routes/browse.py)
class NodeLines(BaseModel):
    id: str
    text: str
    line_start: int
    line_end: int
    topic_id: str | None = None


class PassageDetail(BaseModel):
    id: str
    text: str
    branch: list[str]
    source: Source
    nodes: list[NodeLines]


class TreeNode(BaseModel):
    id: str
    text: str
    line_start: int
    line_end: int
    passage_id: str  # the passage (chunk) that holds this node
    children: list[TreeNode]


class Tree(BaseModel):
    document: str = Field(description="The map's file name in the corpus.")
    title: str
    format: str = Field(description="text, markdown, opml, freemind or xmind.")
    roots: list[TreeNode]


class Forest(BaseModel):
    documents: list[Tree]


class DocumentInfo(BaseModel):
    document: str = Field(description="The map's file name: what citations name.")
    id: str = Field(description="The prefix of its node and passage ids.")
    title: str
    format: str
    nodes: int
    passages: int


class Line(BaseModel):
    number: int
    text: str


class DocumentLines(BaseModel):
    document: str
    start: int
    end: int
    total_lines: int
    lines: list[Line]


# POST /v1/feedback (routes/feedback.py)
# What the page sends back of an answer's citations, checked as strictly as the rest:
# the file is read by people and by `rag-territoires feedback`, so no control characters,
# no impossible lines, bounded sizes.
SHORT = 2000
ShortText = Annotated[
    StrictStr,
    AfterValidator(_text),
    Field(max_length=SHORT, json_schema_extra={**TEXT_SCHEMA, "maxLength": SHORT}),
]
LineNumber = integer(ge=1, le=10_000_000)


class FeedbackSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: Annotated[StrictStr, Field(pattern=r"^[^/\\\x00-\x1f]{1,200}$")]
    title: ShortText = ""
    line_start: LineNumber
    line_end: LineNumber
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


# GET /v1/me and the maps' changes (routes/manage.py)
class Me(BaseModel):
    admin: bool = Field(description="The caller may add, replace and remove maps.")
    groups: list[str] = Field(description="The caller's groups (restricted maps it may read).")


class ChangedDocument(BaseModel):
    document: str = Field(description="The map's file name in the corpus.")
    id: str
    title: str
    format: str
    nodes: int
    build: str | None = Field(description="The build that now serves the corpus.")


class RemovedDocument(BaseModel):
    document: str
    id: str
    build: str | None


# POST /v1/widget-tokens (routes/widget.py)
MAX_TOKEN_SECONDS = 3600


class TokenRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"origin": "https://intranet.example", "ttl_seconds": 600}]
        },
    )
    origin: StrictStr = Field(
        description="The page's origin, one of RAG_TERRITOIRES_WIDGET_ORIGINS."
    )
    ttl_seconds: integer(ge=30, le=MAX_TOKEN_SECONDS) = 600  # type: ignore[valid-type]
    groups: list[StrictStr] = Field(
        default_factory=list,
        max_length=100,
        description="The groups the widget's readers are in, among the caller's own: the "
        "restricted maps it may read. None: public maps only.",
    )


class WidgetToken(BaseModel):
    token: str
    expires_at: int = Field(description="Unix time.")
