"""The real pipeline (USE + BM25 + FAISS) on questions staff would ask."""

import pytest

from rag_territoires.errors import QueryError

pytestmark = pytest.mark.integration

RENFORCER = "Renforcer l'ingénierie dans les territoires dans l'Anthropocène"


def top_branches(result, k=3):
    return [p.branch[-1] for p in result.passages[:k]]


def found(result, text, k=5):
    """Is ``text`` in one of the first k passages, or in the title of their branch?"""
    return any(text in p.text or text in p.branch for p in result.passages[:k])


def test_the_json_object_has_exactly_the_documented_shape(engine):
    data = engine.search("tiers-lieux", top_k=3).model_dump()
    assert set(data) == {"query", "abstained", "confidence", "passages", "reading"}
    assert data["query"] == "tiers-lieux" and data["abstained"] is False
    assert len(data["passages"]) == 3
    for passage in data["passages"]:
        assert set(passage) == {"id", "text", "branch", "score", "source"}
        assert set(passage["source"]) == {
            "document",
            "title",
            "line_start",
            "line_end",
            "topic_id",
        }
        assert passage["source"]["document"] == "seminaire-territoires-ruraux-carte-mentale.txt"
        assert isinstance(passage["branch"], list) and isinstance(passage["score"], float)
    scores = [p["score"] for p in data["passages"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Comment renforcer l'ingénierie territoriale ?", RENFORCER),
        ("ingenierie territoriale renforcer comment", RENFORCER),
        ("tiers-lieux ?", "Brie'nov living lab"),
        ("Quelles sont les conséquences de la crise sanitaire ?", "Rebond, nouvelles dynamiques"),
        ("Que dit Bruno Latour dans Atterrir ?", "Livre Atterrir de Bruno Latour"),
        ("anthropocene", "Anthropocène"),
        ("les metropoles repensent elles leur modele", "modèle métropolitain"),
        ("Quels sont les 3 principes à appliquer ?", "Coopération et construction collective"),
    ],
)
def test_french_questions_find_their_branch(engine, question, expected):
    result = engine.search(question)
    assert not result.abstained
    assert found(result, expected), top_branches(result, 5)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the Anthropocene about?", "Anthropocène"),
        ("What did the seminar say about Loos-en-Gohelle?", "Fabrique des"),
        ("What are the consequences of the health crisis?", "Conséquences de la crise sanitaire"),
    ],
)
def test_english_questions_find_the_french_branch(engine, question, expected):
    result = engine.search(question)
    assert found(result, expected), top_branches(result, 5)


def test_a_follow_up_uses_the_conversation(engine):
    result = engine.search(
        "et le deuxième ?", history=["Quels sont les 3 principes à appliquer ?"]
    )
    assert result.passages[0].branch[-1] == "Coopération et construction collective"
    alone = engine.search("et le deuxième ?")
    assert alone.passages[0].branch[-1] != "Coopération et construction collective"


@pytest.mark.parametrize(
    "question",
    [
        "Quelle est la recette de la tarte tatin ?",
        "Quel est le budget du LAB 41 ?",
        "Quel est le numéro de téléphone de la Coopérative tiers-lieux ?",
    ],
)
def test_questions_the_notes_do_not_answer_abstain(engine, question):
    result = engine.search(question)
    assert result.abstained
    assert result.passages  # the nearest branches are still offered for browsing


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("x" * 2001, "2001 characters; the limit is 2000"),
        ("tiers\x00lieux", "control character"),
    ],
)
def test_bad_questions_are_refused_with_a_reason(engine, question, message):
    with pytest.raises(QueryError, match=message):
        engine.search(question)


def test_top_k_is_bounded(engine):
    with pytest.raises(QueryError, match="between 1 and 50"):
        engine.search("tiers-lieux", top_k=0)
    assert len(engine.search("tiers-lieux", top_k=50).passages) == 50
