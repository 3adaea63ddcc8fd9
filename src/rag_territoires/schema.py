"""The search result, as ``rag-territoires search --json`` prints it and the API returns it.

Defined once here so that the CLI, the HTTP API and the evaluation agree.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Source(BaseModel):
    document: str = Field(description="File name of the raw mind-map export.")
    line_start: int = Field(description="First line of the passage in the export (1-based).")
    line_end: int = Field(description="Last line of the passage in the export (inclusive).")


class Passage(BaseModel):
    id: str = Field(description="Stable id of the branch chunk (its top node's id).")
    text: str = Field(description="Node texts of the chunk, one per line, exactly as exported.")
    branch: list[str] = Field(description="Titles from the root of the mind map down to the chunk.")
    score: float = Field(description="Fused retrieval score; higher is better.")
    source: Source


class SearchResult(BaseModel):
    query: str
    abstained: bool = Field(description="True when nothing in the notes answers the question.")
    passages: list[Passage] = Field(description="Best first.")
