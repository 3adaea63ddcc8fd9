"""The default answer: the notes' own words, grouped by branch, each quote cited.

No language model: one framing sentence in the question's language, then the
relevant node texts, verbatim and in French, each followed by its marker [n].
A passage that is only a title (a large branch split into chunks) also quotes
its direct sub-branches' titles, so "Quels sont les 3 principes ?" lists them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag_territoires.answer.language import question_language
from rag_territoires.chunking import Chunk, NodeSpan
from rag_territoires.notes.outline import Node
from rag_territoires.retrieval.search import Retrieval, Searcher
from rag_territoires.schema import ChatAnswer, Citation, Source

BRANCH_SEPARATOR = " › "
NEAREST_BRANCHES = 3

FRAMING = {
    "fr": "D'après les notes du séminaire, voici ce qui répond à votre question :",
    "en": "According to the seminar notes, this is what answers your question "
    "(quoted in the original French):",
}
NOT_COVERED = {
    "fr": "Les notes du séminaire ne traitent pas de cette question. "
    "Branches les plus proches, à parcourir :",
    "en": "The seminar notes do not cover this question. Nearest branches, to browse:",
}


def _quotes(retrieval: Retrieval, searcher: Searcher) -> list[tuple[Chunk, NodeSpan]]:
    """Nodes to quote, in passage order, each once; titles alone bring their children."""
    seen: set[str] = set()
    quotes: list[tuple[Chunk, NodeSpan]] = []
    for chunk in retrieval.chunks:
        spans = list(chunk.nodes)
        if len(spans) == 1:
            node: Node = searcher.nodes[spans[0].id]
            for child in node.children:
                child_chunk = searcher.chunk_of_node(child.id)
                spans.append(next(s for s in child_chunk.nodes if s.id == child.id))
        for span in spans:
            if span.id not in seen:
                seen.add(span.id)
                owner = chunk if span in chunk.nodes else searcher.chunk_of_node(span.id)
                quotes.append((owner, span))
    return quotes


def citations_for(retrieval: Retrieval, searcher: Searcher) -> list[Citation]:
    return [
        Citation(
            n=n,
            passage_id=chunk.id,
            quote=span.text,
            branch=[*span.parents, span.text],
            source=Source(
                document=chunk.document, line_start=span.line_start, line_end=span.line_end
            ),
        )
        for n, (chunk, span) in enumerate(_quotes(retrieval, searcher), start=1)
    ]


def render(citations: Sequence[Citation], language: str) -> str:
    """Quotes grouped under their parent branch, in order of first appearance."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for citation in citations:
        groups.setdefault(tuple(citation.branch[:-1]), []).append(
            f"- {citation.quote} [{citation.n}]"
        )
    parts = [FRAMING[language]]
    for parents, lines in groups.items():
        heading = f"**{BRANCH_SEPARATOR.join(parents)}**\n" if parents else ""
        parts.append(heading + "\n".join(lines))
    return "\n\n".join(parts)


def not_covered(retrieval: Retrieval, language: str) -> str:
    branches: list[str] = []
    for passage in retrieval.result.passages:
        path = BRANCH_SEPARATOR.join(passage.branch)
        if path not in branches:
            branches.append(path)
    lines = [f"- {path}" for path in branches[:NEAREST_BRANCHES]]
    return "\n".join([NOT_COVERED[language], *lines])


def extractive_answer(question: str, retrieval: Retrieval, searcher: Searcher) -> ChatAnswer:
    language = question_language(question)
    passages = retrieval.result.passages
    if retrieval.result.abstained:
        return ChatAnswer(
            answer=not_covered(retrieval, language),
            abstained=True,
            citations=[],
            passages=passages,
        )
    citations = citations_for(retrieval, searcher)
    return ChatAnswer(
        answer=render(citations, language),
        abstained=False,
        citations=citations,
        passages=passages,
    )
