"""How well the direct answer leads, and what the citation cap costs (answer/direct.py).

For each answerable question the product answers (not declined, not an ordinal pick):
- whether the lead names a gold node (the lead node, or one of the items it lists);
- whether a gold node is among the capped citations, and among every quote uncapped;
- how many citations the answer has, capped and uncapped.

``python -m rag_territoires.evaluation.direct`` prints them for the seminar's question
sets and for the test maps (tuning and blind), each searched as the product searches.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from rag_territoires.answer import direct
from rag_territoires.answer.extractive import _quotes
from rag_territoires.evaluation.questions import Question
from rag_territoires.retrieval.search import Searcher


@dataclass(frozen=True)
class DirectFigures:
    answered: int
    lead_names_gold: float
    gold_cited_uncapped: float
    gold_cited: float
    citations_uncapped: float  # median
    citations: float  # median


def measure(searcher: Searcher, questions: Sequence[Question]) -> DirectFigures:
    leads = cited = uncapped = 0
    counts: list[int] = []
    counts_uncapped: list[int] = []
    for question in (q for q in questions if q.answerable):
        outcome = searcher.search_outcome(question.question, history=question.history)
        if outcome.result.abstained or outcome.focus is not None:
            continue
        gold = {g.node for g in question.gold}
        ranked = _quotes(outcome, searcher.corpus)
        scores = outcome.node_scores([r.id for r in ranked])
        selection = direct.select(ranked, outcome.chunks, searcher.corpus, scores)
        leads += bool({selection.lead.id, *(n.id for n in selection.listed)} & gold)
        cited += bool({span.id for _, span in selection.quotes} & gold)
        uncapped += bool({r.id for r in ranked} & gold)
        counts.append(len(selection.quotes))
        counts_uncapped.append(len(ranked))
    n = len(counts) or 1
    return DirectFigures(
        len(counts),
        leads / n,
        uncapped / n,
        cited / n,
        statistics.median(counts_uncapped or [0]),
        statistics.median(counts or [0]),
    )


def _main() -> None:  # pragma: no cover - a measurement to run by hand
    from rag_territoires.cli.checkout import eval_dir
    from rag_territoires.config import Settings
    from rag_territoires.engine import Engine
    from rag_territoires.evaluation.mapsets import corpus_of, load_all, question_files
    from rag_territoires.evaluation.questions import load_questions
    from rag_territoires.index.builders import build_in_memory

    folder = eval_dir(None)  # the checkout's eval/, wherever this is run from
    engine = Engine(Settings())
    engine.warm_up()
    seminar = [q for name in ("questions.jsonl", "blind-3.jsonl")
               for q in load_questions(folder / name)]  # fmt: skip
    print("seminar", measure(engine.searcher, seminar))
    maps = [folder / "maps" / "tuning", folder / "maps" / "blind"]
    config = engine.config
    corpus = corpus_of(maps, config.chunk_max_chars)
    index = build_in_memory(corpus.chunks, engine.encoders, config.node_vectors, config.centring)
    searcher = Searcher(index, engine.encoders, config, corpus)
    for part in maps:
        questions = load_all(question_files(part), corpus)
        print(f"maps {part.name}", measure(searcher, questions))


if __name__ == "__main__":
    _main()
