"""The default answer: the notes' own words, grouped by branch, each quote cited.

No language model: one framing sentence in the question's language, then the
relevant node texts, verbatim and in French, each followed by its marker [n].
The order is the notes' where it can be: the branches come in the order of the
passages (the most responsive first), the quotes under a branch in the order
of the notes, and the markers are numbered in the order they are read, each
branch's heading once. A passage that is only a title (a large branch split
into chunks) also quotes its direct sub-branches, so "Quels sont les 3
principes ?" lists them. An ordinal follow-up ("et le deuxième ?") answers
with that sub-branch alone, and says which it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rag_territoires.answer.direct import Quote, Ranked, lead_sentence, see_also, select
from rag_territoires.answer.language import question_language
from rag_territoires.corpus.corpus import NodeLookup
from rag_territoires.corpus.model import Node
from rag_territoires.passages import source_of
from rag_territoires.retrieval.search import Focus, SearchOutcome
from rag_territoires.schema import ChatAnswer, Citation

BRANCH_SEPARATOR = " › "
NEAREST_BRANCHES = 3

# The map a quote comes from is named by its title, as the corpus gives it: staff add the
# map of each event, and a quote must say which one it is from.
FRAMING = {
    "fr": "D'après « {title} », voici ce qui répond à votre question :",
    "en": "According to “{title}”, this is what answers your question "
    "(quoted in the original French):",
}
FRAMING_SEVERAL = {
    "fr": "Plusieurs cartes répondent à votre question :",
    "en": "Several maps answer your question (quoted in the original French):",
}
MAP_HEADING = {"fr": "D'après « {title} » :", "en": "According to “{title}”:"}
NOT_COVERED = {
    "fr": "Les notes ne traitent pas de cette question. Branches les plus proches, à parcourir :",
    "en": "The notes do not cover this question. Nearest branches, to browse:",
}
ORDINALS = {
    "fr": {
        1: "Le premier",
        2: "Le deuxième",
        3: "Le troisième",
        4: "Le quatrième",
        5: "Le cinquième",
        -1: "Le dernier",
    },
    "en": {
        1: "The first",
        2: "The second",
        3: "The third",
        4: "The fourth",
        5: "The fifth",
        -1: "The last",
    },
}
FOCUS = {
    "fr": "{ordinal} point de « {parent} » (la branche en compte {count}) : {child} [{n}]",
    "en": "{ordinal} point of “{parent}” (the branch has {count}): {child} [{n}]",
}

# A follow-up says how it was understood, so that a wrong reading shows at once
FOLLOWS = {
    "fr": "Compris dans la suite de : « {previous} »",
    "en": "Understood as following: “{previous}”",
}

T = TypeVar("T")


def _span(corpus: NodeLookup, node: Node) -> Quote:
    chunk = corpus.chunk_of_node(node.id)
    return chunk, next(s for s in chunk.nodes if s.id == node.id)


def _quotes(outcome: SearchOutcome, corpus: NodeLookup) -> list[Ranked]:
    """Nodes to quote, each once, with the rank of the passage that brings it: the
    passages' nodes, titles alone bringing their children; for an ordinal follow-up, the
    chosen sub-branch and what it holds."""
    if outcome.focus is not None:
        return [Ranked(0, _span(corpus, node)) for node in outcome.focus.child.walk()]
    quotes: dict[str, Ranked] = {}
    for rank, chunk in enumerate(outcome.chunks):
        found = [(chunk, span) for span in chunk.nodes]
        node = corpus.node(chunk.nodes[0].id) if len(chunk.nodes) == 1 else None
        if node is not None:
            found += [_span(corpus, child) for child in node.children]
        for owner, span in found:
            quotes.setdefault(span.id, Ranked(rank, (owner, span)))
    return list(quotes.values())


@dataclass
class Item(Generic[T]):
    """A quote in the answer, with the quotes of its sub-branches below it."""

    value: T
    below: list[Item[T]] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[int, T]]:
        yield 0, self.value
        for child in self.below:
            yield from ((depth + 1, value) for depth, value in child.walk())


def _layout(
    items: Sequence[T], path: Callable[[T], tuple[str, ...]], line: Callable[[T], int]
) -> list[tuple[tuple[str, ...], list[Item[T]]]]:
    """The quotes as the mind map holds them: each under its nearest quoted ancestor, in the
    notes' order; those with no quoted ancestor grouped under their branch, the branches in
    order of first appearance (the most responsive first)."""
    by_path = {path(item): Item(item) for item in items}
    groups: dict[tuple[str, ...], list[Item[T]]] = {}
    for item in items:
        here = path(item)
        ancestor = next(
            (by_path[here[:n]] for n in range(len(here) - 1, 0, -1) if here[:n] in by_path), None
        )
        if ancestor is not None:
            ancestor.below.append(by_path[here])
        else:
            groups.setdefault(here[:-1], []).append(by_path[here])
    for entry in by_path.values():
        entry.below.sort(key=lambda e: line(e.value))
    return [
        (parents, sorted(roots, key=lambda e: line(e.value))) for parents, roots in groups.items()
    ]


def citations_for(quotes: Sequence[Quote]) -> tuple[list[Citation], dict[str, int]]:
    """The quotes, numbered in the order the answer reads them, and each node's number."""
    layout = _layout(quotes, lambda q: (*q[1].parents, q[1].text), lambda q: q[1].line_start)
    ordered = [quote for _, roots in layout for root in roots for _, quote in root.walk()]
    citations = [
        Citation(
            n=n,
            passage_id=chunk.id,
            quote=span.text,
            branch=[*span.parents, span.text],
            source=source_of(chunk, span),
        )
        for n, (chunk, span) in enumerate(ordered, start=1)
    ]
    return citations, {span.id: n for n, (_, span) in enumerate(ordered, start=1)}


def every_citation(outcome: SearchOutcome, corpus: NodeLookup) -> list[Citation]:
    """Every node the passages bring, numbered, uncapped: what a language model is given
    (it writes its own short answer, and the grounding check keeps only what they hold)."""
    return citations_for([r.quote for r in _quotes(outcome, corpus)])[0]


def _focus_line(focus: Focus, first: Citation, language: str) -> str:
    return FOCUS[language].format(
        ordinal=ORDINALS[language][focus.number],
        parent=focus.parent.text,
        count=len(focus.parent.children),
        child=first.quote,
        n=first.n,
    )


def map_title(citation: Citation) -> str:
    return citation.source.title or citation.source.document


def render(citations: Sequence[Citation], language: str, focus: Focus | None = None) -> str:
    """The map the quotes come from named first (several: each group headed by its map),
    then each branch's heading once, its quotes below as a nested list (sub-branches
    indented), markers in reading order. With an ordinal ``focus``, the chosen sub-branch
    is named first and what it holds follows."""
    by_map: dict[str, list[Citation]] = {}
    for citation in citations:  # the maps in reading order: the most responsive first
        by_map.setdefault(citation.source.document, []).append(citation)
    if len(by_map) == 1:
        parts = [FRAMING[language].format(title=map_title(citations[0]))]
        parts += _render_map(citations, language, focus)
        return "\n\n".join(parts)
    parts = [FRAMING_SEVERAL[language]]
    for group in by_map.values():
        parts.append(MAP_HEADING[language].format(title=map_title(group[0])))
        parts += _render_map(group, language, focus)
    return "\n\n".join(parts)


def _render_map(citations: Sequence[Citation], language: str, focus: Focus | None) -> list[str]:
    parts: list[str] = []
    layout = _layout(citations, lambda c: tuple(c.branch), lambda c: c.source.line_start)
    for parents, roots in layout:
        lines = []
        for root in roots:
            for depth, citation in root.walk():
                if focus is not None and citation.n == 1:
                    parts.append(_focus_line(focus, citation, language))
                    continue
                indent = "  " * (depth - 1 if focus is not None else depth)
                lines.append(f"{indent}- {citation.quote} [{citation.n}]")
        if lines:
            heading = [f"**{BRANCH_SEPARATOR.join(parents)}**"] if parents and not focus else []
            parts.append("\n".join([*heading, *lines]))
    return parts


def not_covered(outcome: SearchOutcome, language: str) -> str:
    branches: list[str] = []
    for passage in outcome.result.passages:
        path = BRANCH_SEPARATOR.join(passage.branch)
        if path not in branches:
            branches.append(path)
    lines = [f"- {path}" for path in branches[:NEAREST_BRANCHES]]
    return "\n".join([NOT_COVERED[language], *lines])


def understood(outcome: SearchOutcome, language: str) -> list[str]:
    """The line saying which earlier question a follow-up was read with (an ordinal's
    own line names its list instead; a question that stands alone needs none)."""
    reading = outcome.result.reading
    if reading is None or not reading.follows or reading.item is not None:
        return []
    return [FOLLOWS[language].format(previous=reading.follows[-1])]


def extractive_answer(question: str, outcome: SearchOutcome, corpus: NodeLookup) -> ChatAnswer:
    language = question_language(question)
    passages = outcome.result.passages
    said = understood(outcome, language)
    if outcome.result.abstained:
        return ChatAnswer(
            answer="\n\n".join([*said, not_covered(outcome, language)]),
            abstained=True,
            citations=[],
            passages=passages,
        )
    ranked = _quotes(outcome, corpus)
    if outcome.focus is not None:  # the chosen item and what it holds: all of it
        citations, _ = citations_for([r.quote for r in ranked])
        lead = _focus_line(outcome.focus, citations[0], language)
        text = render(citations, language, outcome.focus).replace("\n\n" + lead, "", 1)
        return ChatAnswer(
            answer="\n\n".join([*said, lead, text]),
            lead=lead,
            abstained=False,
            citations=citations,
            passages=passages,
        )
    scores = outcome.node_scores([r.id for r in ranked])
    selection = select(ranked, outcome.chunks, corpus, scores)
    citations, numbers = citations_for(selection.quotes)
    lead = lead_sentence(selection, numbers, language)
    parts = [*said, lead, render(citations, language)]
    if selection.see_also:
        parts.append(see_also(selection.see_also, language, BRANCH_SEPARATOR))
    return ChatAnswer(
        answer="\n\n".join(parts),
        lead=lead,
        see_also=[list(branch) for branch in selection.see_also],
        abstained=False,
        citations=citations,
        passages=passages,
    )
