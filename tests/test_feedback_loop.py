"""Feedback becomes evaluation: a thumbs-down posted to the API is listed by
`rag-territoires feedback list`, labelled by a person, and becomes a question the
evaluation loads."""

import json
from pathlib import Path

import pytest

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.evaluation.feedback import LABELLED_FILE
from rag_territoires.evaluation.questions import load_questions, problems
from tests.conftest import CORPUS, make_client
from tests.helpers import run

pytestmark = pytest.mark.integration


def post(client, question: str, rating: str | None, comment: str | None = None) -> str:
    answer = client.post("/v1/chat", json={"messages": [{"role": "user", "content": question}]})
    body = {
        "question": question,
        "answer": answer.json()["answer"],
        "citations": answer.json()["citations"],
        "rating": rating,
        "comment": comment,
    }
    response = client.post("/v1/feedback", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_thumbs_down_is_listed_labelled_and_evaluated(engine, tmp_path: Path):
    data = tmp_path / "data"
    with make_client(engine, data_dir=data, rate_limit_per_minute=0) as client:
        down = post(client, "Comment on muscle l'ingénierie locale ?", "down", "manque l'animation")
        post(client, "tiers-lieux ?", "up")
        no = post(client, "Qui présidait la séance de clôture ?", "down")
        said = post(client, "Loos-en-Gohelle ?", None, "il manque le nom du maire")
    env = {
        "RAG_TERRITOIRES_DATA_DIR": str(data),
        "RAG_TERRITOIRES_CORPUS_DIR": str(CORPUS),
    }
    # the labels go to this evaluation folder, not the checkout's eval/
    (tmp_path / "eval").mkdir()
    evaluation = ["--eval-dir", str(tmp_path / "eval")]
    listed = run("feedback", "list", *evaluation, env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert down in listed.stdout and no in listed.stdout and "manque l'animation" in listed.stdout
    assert "tiers-lieux" not in listed.stdout  # thumbs-up are not listed
    assert said in listed.stdout  # a comment without a thumb is listed too, unrated
    assert "3 answer(s) to label (thumbs down" in listed.stdout
    records = [json.loads(line) for line in (data / "feedback.jsonl").read_text().splitlines()]
    assert [r["rating"] for r in records] == ["down", "up", "down", None]

    gold = "renforcer l'ingénierie technique"
    labelled = run("feedback", "label", down, "--gold", gold, *evaluation, env=env, cwd=tmp_path)
    assert labelled.returncode == 0, labelled.stderr
    unanswerable = run("feedback", "label", no, "--unanswerable", *evaluation, env=env)
    assert unanswerable.returncode == 0, unanswerable.stderr
    items = load_questions(tmp_path / LABELLED_FILE)
    assert [(q.kind, q.question) for q in items] == [
        ("paraphrase", "Comment on muscle l'ingénierie locale ?"),
        ("unanswerable", "Qui présidait la séance de clôture ?"),
    ]
    assert problems(items, Corpus.load(CORPUS)) == []
    assert (
        items[0]
        .gold[0]
        .node.startswith(
            "seminaire-territoires-ruraux-carte-mentale:necessite-de-renforcer-l-ingenierie-tech"
        )
    )
    after = run("feedback", "list", *evaluation, env=env, cwd=tmp_path)
    assert "1 answer(s) to label (thumbs down" in after.stdout  # the comment is left


def test_labelling_errors_are_one_clear_line(engine, tmp_path: Path):
    data = tmp_path / "data"
    with make_client(engine, data_dir=data, rate_limit_per_minute=0) as client:
        down = post(client, "tiers-lieux ?", "down")
    env = {
        "RAG_TERRITOIRES_DATA_DIR": str(data),
        "RAG_TERRITOIRES_CORPUS_DIR": str(CORPUS),
    }
    (tmp_path / "eval").mkdir()
    cases = [
        (["nope", "--unanswerable"], "no feedback with id 'nope'"),
        ([down, "--gold", "zzzz introuvable"], "no node of the corpus contains"),
        ([down, "--gold", "territoire"], "nodes contain 'territoire'"),
        ([down], "either --gold TEXT (repeat) or --unanswerable"),
    ]
    for args, message in cases:
        out = run("feedback", "label", *args, "--eval-dir", str(tmp_path / "eval"), env=env)
        assert out.returncode == 1, args
        assert message in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert not (tmp_path / LABELLED_FILE).exists()
    assert json.loads((data / "feedback.jsonl").read_text().splitlines()[0])["id"] == down
