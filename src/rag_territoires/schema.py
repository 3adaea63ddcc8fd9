"""The search result, as ``rag-territoires search --json`` prints it and the API returns it.

Defined once here so that the CLI, the HTTP API and the evaluation agree.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Source(BaseModel):
    document: str = Field(
        description="File name of the cited mind map in the corpus (GET /v1/documents)."
    )
    title: str = Field(default="", description="The document's title.")
    line_start: int = Field(description="First line of the passage in that file (1-based).")
    line_end: int = Field(description="Last line of the passage in that file (inclusive).")
    topic_id: str | None = Field(
        default=None,
        description="XMind maps: the quoted topic's id in the file (its lines are those of "
        "the map's content.json).",
    )


class Passage(BaseModel):
    id: str = Field(description="Stable id of the branch chunk (its top node's id).")
    text: str = Field(description="Node texts of the chunk, one per line, exactly as exported.")
    branch: list[str] = Field(description="Titles from the root of the mind map down to the chunk.")
    score: float = Field(description="Fused retrieval score; higher is better.")
    source: Source


class Reading(BaseModel):
    """How a question asked within a conversation was understood."""

    follows: list[str] = Field(
        description="The earlier questions it was read with; empty when it stands alone "
        "(a new subject, off topic): it was then searched and judged as if asked alone."
    )
    item: int | None = Field(
        None, description="An ordinal follow-up (\"et le deuxième ?\"): which item (-1: the last)."
    )
    of: str | None = Field(None, description="... of which list: the branch's title.")


class SearchResult(BaseModel):
    query: str
    abstained: bool = Field(description="True when nothing in the notes answers the question.")
    confidence: float = Field(
        description="Estimated probability that the passages answer the question (a "
        "calibrated model; the search abstains under its threshold)."
    )
    passages: list[Passage] = Field(description="Best first.")
    reading: Reading | None = Field(
        None, description="How the question was understood; null without a conversation."
    )


class Citation(BaseModel):
    n: int = Field(description="The marker [n] in the answer.")
    passage_id: str = Field(description="The passage (branch chunk) the quote comes from.")
    quote: str = Field(description="One node of the notes, verbatim.")
    branch: list[str] = Field(description="Titles from the root down to the quoted node.")
    source: Source = Field(description="The quoted node's own lines in the export.")


class Unsupported(BaseModel):
    sentence: str = Field(description="A sentence of the language model's answer, as written.")
    reason: str = Field(
        description="no_citation, unknown_citation, not_in_quotes, number_not_in_quotes or "
        "name_not_in_quotes."
    )
    probability: float | None = Field(
        description="The grounding check's probability that the cited quotes support it "
        "(null when decided without it: no marker, or only unknown markers)."
    )


class ChatAnswer(BaseModel):
    answer: str = Field(description="Markdown; every [n] resolves to a citation.")
    lead: str | None = Field(
        default=None,
        description="The direct answer alone, as it opens `answer` (Markdown, its [n] resolve "
        "to citations): what a client shows first, the rest of `answer` being its sources. "
        "None when declined; a language model's answer is its own lead.",
    )
    abstained: bool
    citations: list[Citation]
    passages: list[Passage]
    see_also: list[list[str]] = Field(
        default_factory=list,
        description="Branches among the passages that the answer does not quote (weaker "
        "than those it does): offered to ask about.",
    )
    generator: str = Field(default="extractive", description='"extractive" (default) or "llm".')
    notice: str | None = Field(
        default=None, description="Why the language model's answer was not used, if it was not."
    )
    dropped_citations: list[int] = Field(
        default_factory=list,
        description="Markers the language model wrote that matched no passage (removed).",
    )
    unsupported: list[Unsupported] = Field(
        default_factory=list,
        description="Sentences of the language model's answer that its cited quotes do not "
        "support: removed from the answer (or, when too few remained, the reason for the "
        "extractive answer).",
    )
