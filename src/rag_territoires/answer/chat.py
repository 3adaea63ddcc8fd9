"""A chat turn: the last user message is the question, the earlier ones its context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rag_territoires.answer.extractive import extractive_answer
from rag_territoires.answer.language import question_language
from rag_territoires.answer.llm import LlmClient, LlmError
from rag_territoires.errors import QueryError
from rag_territoires.retrieval.search import Searcher
from rag_territoires.schema import ChatAnswer


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    content: str


def answer_chat(
    searcher: Searcher,
    messages: Sequence[Message],
    top_k: int = 5,
    llm: LlmClient | None = None,
) -> ChatAnswer:
    if not messages or messages[-1].role != "user":
        raise QueryError("the last message must be the user's question", "not_a_question")
    question = messages[-1].content
    history = [m.content for m in messages[:-1] if m.role == "user"]
    retrieval = searcher.retrieve(question, top_k=top_k, history=history)
    extractive = extractive_answer(question, retrieval, searcher)
    if llm is None or extractive.abstained:
        return extractive
    try:
        written = llm.write(
            retrieval.result.query, history, extractive.citations, question_language(question)
        )
    except LlmError as error:
        return extractive.model_copy(
            update={"notice": f"Language model not used ({error}): extractive answer instead."}
        )
    return ChatAnswer(
        answer=written.text,
        abstained=False,
        citations=[c for c in extractive.citations if c.n in written.cited],
        passages=extractive.passages,
        generator="llm",
        dropped_citations=written.dropped,
    )
