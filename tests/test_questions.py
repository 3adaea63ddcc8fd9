from collections import Counter
from pathlib import Path

from rag_territoires.evaluation.questions import load_questions, problems
from rag_territoires.evaluation.runner import load_heldout
from rag_territoires.notes.outline import load_outline
from tests.conftest import EXPORT, OUTLINE, ROOT

QUESTIONS = ROOT / "eval" / "questions.jsonl"


def test_the_evaluation_set_matches_the_outline():
    # When the outline is edited, this lists the items whose gold needs updating.
    questions = load_questions(QUESTIONS)
    assert problems(questions, load_outline(EXPORT, OUTLINE)) == []


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
    outline = load_outline(EXPORT, OUTLINE)
    nodes = outline.by_id()
    covered = {nodes[g.node].path[0] for q in questions for g in q.gold}
    assert covered == {root.text for root in outline.roots}


def test_the_heldout_split_is_a_third_of_known_items():
    ids = {q.id for q in load_questions(QUESTIONS)}
    heldout = load_heldout(ROOT / "eval" / "split.json")
    assert heldout <= ids
    assert abs(len(heldout) - len(ids) / 3) <= 1


def test_problems_are_reported_per_item(tmp_path: Path):
    bad = tmp_path / "q.jsonl"
    bad.write_text(
        '{"id": "x1", "lang": "fr", "kind": "lookup", "question": "?", "history": [], '
        '"gold": [{"node": "nope-00000000", "snippet": "Tiers-lieux"}]}\n'
        '{"id": "x1", "lang": "de", "kind": "lookup", "question": "?", "history": ["a"], '
        '"gold": []}\n',
        encoding="utf-8",
    )
    found = problems(load_questions(bad), load_outline(EXPORT, OUTLINE))
    assert any("not in the outline (its snippet is now in 'tiers-lieux-" in p for p in found)
    assert any("duplicate id" in p for p in found)
    assert any("unknown lang" in p for p in found)
    assert any("history must be given exactly for follow-ups" in p for p in found)
