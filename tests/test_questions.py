from collections import Counter
from pathlib import Path

import pytest

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.evaluation.questions import (
    BLIND_FILE,
    TUNING_FILES,
    Question,
    load_questions,
    problems,
    same_questions,
)
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.unit

QUESTIONS = ROOT / "eval" / "questions.jsonl"


@pytest.mark.parametrize("path", [*TUNING_FILES, BLIND_FILE], ids=str)
def test_every_question_file_matches_the_outline(path: Path):
    # When the outline is edited, this lists the items whose gold needs updating.
    assert problems(load_questions(ROOT / path), Corpus.load(CORPUS)) == []


def test_the_blind_batch_is_apart_from_the_tuning_questions():
    blind = load_questions(ROOT / BLIND_FILE)
    tuning = [q for path in TUNING_FILES for q in load_questions(ROOT / path)]
    assert len(blind) >= 60
    assert not {q.id for q in blind} & {q.id for q in tuning}
    # Nor a question worded (nearly) as a blind one, conversation included: writers who
    # saw the same notes converged 15 times, and those tuning items were dropped.
    assert [(t.id, b.id) for t, b in same_questions(tuning, blind)] == []
    assert {q.lang for q in blind} == {"fr", "en"}
    assert sum(not q.answerable for q in blind) >= 10


def test_the_set_covers_every_kind_and_every_section():
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 100
    kinds = Counter(q.kind for q in questions)
    assert set(kinds) == {
        "lookup",
        "paraphrase",
        "synthesis",
        "crosslingual",
        "unanswerable",
        "followup",
    }
    outline = Corpus.load(CORPUS)
    nodes = outline.by_id()
    covered = {nodes[g.node].path[0] for q in questions for g in q.gold}
    assert covered == {root.text for root in outline.documents[0].roots}


def test_problems_are_reported_per_item(tmp_path: Path):
    bad = tmp_path / "q.jsonl"
    bad.write_text(
        '{"id": "x1", "lang": "fr", "kind": "lookup", "question": "?", "history": [], '
        '"gold": [{"node": "nope-00000000", "snippet": "Tiers-lieux"}]}\n'
        '{"id": "x1", "lang": "de", "kind": "lookup", "question": "?", "history": ["a"], '
        '"gold": []}\n',
        encoding="utf-8",
    )
    found = problems(load_questions(bad), Corpus.load(CORPUS))
    assert any(
        "not in the corpus (its snippet is now in "
        "'seminaire-territoires-ruraux-carte-mentale:tiers-lieux-" in p
        for p in found
    )
    assert any("duplicate id" in p for p in found)
    assert any("unknown lang" in p for p in found)
    assert any("history must be given exactly for follow-ups" in p for p in found)


def test_a_question_worded_nearly_the_same_is_the_same_question():
    def question(text: str, *history: str) -> Question:
        return Question("x", "fr", "lookup", text, tuple(history), ())

    blind = [question("qui animait l'atelier sur les ressources financieres ?")]
    same = question("Qui animait l'atelier consacré aux ressources financières ?")
    other = question("Qui a financé l'atelier sur les tiers-lieux ?")
    assert same_questions([same, other], blind) == [(same, blind[0])]
    # the conversation counts: the same words after another question ask something else
    follow_up = [question("lesquelles sont citées ?", "Quels sont les 3 principes ?")]
    assert (
        same_questions([question("lesquelles sont citées ?", "Et les métropoles ?")], follow_up)
        == []
    )
