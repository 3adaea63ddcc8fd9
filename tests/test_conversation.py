"""A conversation read turn by turn: a question that stands alone is searched alone."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.integration

PRINCIPLES = "Quels sont les 3 principes à appliquer ?"
ENGINEERING = ["c'est quoi l'ingénierie territoriale ?", "comment renforcer l'ingénierie ?"]


@pytest.mark.parametrize(
    "question",
    ["Quel temps fera-t-il demain à Lyon ?", "Quel est le budget de la coopération ?"],
)
def test_a_question_that_stands_alone_is_judged_as_if_asked_alone(engine, question):
    """The issue's blocker: after the principles, both were answered with the principles."""
    alone = engine.search(question)
    assert alone.abstained  # the notes do not say
    followed = engine.search(question, history=[PRINCIPLES])
    assert followed.abstained
    assert followed.reading is not None and followed.reading.follows == []
    assert followed.confidence == alone.confidence


def test_a_follow_up_is_read_with_its_conversation_and_says_so(engine):
    result = engine.search("et qui l'anime ?", history=["Qu'est-ce que le LAB 41 ?"])
    assert result.reading is not None
    assert result.reading.follows == ["Qu'est-ce que le LAB 41 ?"]


def test_an_ordinal_picks_from_the_last_answers_list_not_from_older_turns(engine):
    """The issue's blocker: two engineering questions before the principles pulled the
    ordinal elsewhere (here to "Faut-il quitter le territoire ?")."""
    result = engine.search("et le deuxième ?", history=[*ENGINEERING, PRINCIPLES])
    assert result.passages[0].branch[-1] == "Coopération et construction collective"
    assert result.reading is not None
    assert (result.reading.item, result.reading.of) == (2, "3 principes à appliquer")


def test_an_ordinal_passes_over_a_declined_turn(engine):
    history = [PRINCIPLES, "Quel temps fera-t-il demain à Lyon ?"]
    result = engine.search("et le deuxième ?", history=history)
    assert result.passages[0].branch[-1] == "Coopération et construction collective"


def test_without_a_conversation_there_is_no_reading(engine):
    assert engine.search(PRINCIPLES).reading is None


@pytest.mark.slow
def test_the_shipped_dependence_decision_is_what_the_conversations_give(tmp_path, monkeypatch):
    # `rag-territoires calibrate --followup` must reproduce followup.json from the code,
    # the conversations (eval/conversations) and the question files
    from rag_territoires.cli import main
    from rag_territoires.retrieval.followup import MODEL_FILE, Dependence

    monkeypatch.chdir(ROOT)
    fresh_path = tmp_path / "followup.json"
    assert main(["calibrate", "--followup", "--output", str(fresh_path)]) == 0
    fresh_data = json.loads(fresh_path.read_text(encoding="utf-8"))
    shipped_data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert fresh_data["record"] == shipped_data["record"]
    fresh, shipped = Dependence.from_dict(fresh_data), Dependence.from_dict(shipped_data)
    assert fresh.model is not None and shipped.model is not None
    assert fresh.model.weights == pytest.approx(shipped.model.weights, rel=1e-5, abs=1e-8)
    for name, classifier in shipped.sounds.items():
        assert fresh.sounds[name] == pytest.approx(classifier, rel=1e-4, abs=1e-6)


def test_a_conversation_file_with_a_gold_no_node_holds_is_refused(tmp_path):
    from rag_territoires.corpus.corpus import Corpus
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.conversations import load_conversations

    path = tmp_path / "c.jsonl"
    turn = {"question": "Quels sont les 3 principes ?", "depends": False, "reading": "-"}
    path.write_text(
        json.dumps({"id": "x", "turns": [{**turn, "map": None, "gold": ["pas dans les notes"]}]}),
        encoding="utf-8",
    )
    with pytest.raises(RagError, match=r"c\.jsonl:1: .*in no node"):
        load_conversations(path, Corpus.load(CORPUS, 500))
