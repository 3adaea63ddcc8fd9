"""The property staff rely on: every citation can be checked against the original.

Over every question of the evaluation set (and its follow-ups), the chat answer's
[n] markers and citations match one to one, and each quote is exactly the text
of the export's lines it cites (joined by the export's own rules).
"""

import re

import pytest

from rag_territoires.answer.chat import Message, answer_chat
from rag_territoires.corpus.readers.files import read_text, split_lines
from rag_territoires.evaluation.questions import load_questions
from tests.conftest import EXPORT, ROOT

pytestmark = pytest.mark.integration

QUESTIONS = load_questions(ROOT / "eval" / "questions.jsonl")
RAW = split_lines(read_text(EXPORT))


def text_at(line_start: int, line_end: int) -> str:
    """The export's lines joined as the export joins a node (blank lines carry nothing)."""
    return "".join(line for line in RAW[line_start - 1 : line_end] if line.strip())


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_every_citation_resolves_is_used_and_is_verbatim(engine, question):
    messages = [Message("user", h) for h in question.history] + [Message("user", question.question)]
    answer = answer_chat(engine.searcher, messages, top_k=5)
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    numbers = [c.n for c in answer.citations]
    assert sorted(set(markers)) == sorted(numbers)  # every [n] resolves, every citation used
    assert len(numbers) == len(set(numbers))
    for citation in answer.citations:
        assert citation.source.document == EXPORT.name
        assert text_at(citation.source.line_start, citation.source.line_end) == citation.quote
        assert f"{citation.quote} [{citation.n}]" in answer.answer
        assert citation.passage_id  # and that passage holds the quoted node:
        chunk = next(c for c in engine.chunks if c.id == citation.passage_id)
        assert citation.quote in chunk.text.split("\n")
    if answer.abstained:
        assert answer.citations == [] and markers == []
