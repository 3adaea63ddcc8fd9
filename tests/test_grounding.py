"""Only grounded sentences reach the user: the check, the adversarial model, a real model."""

from __future__ import annotations

import json

import pytest

from benchmarks.adversarial_llm import adversarial_server, is_invented
from rag_territoires.answer.grounding import GroundingChecker, split_claims
from tests.conftest import make_client
from tests.real_llm import MODEL_NAME, smollm2_server

pytestmark = pytest.mark.integration

QUESTIONS = [
    "Quels sont les 3 principes à appliquer ?",
    "Quels exemples de tiers-lieux sont cités ?",
    "How do I strengthen territorial engineering?",
    "Qu'est-ce que la crise sanitaire a changé pour les territoires ?",
]
QUOTES = {
    1: ("3 principes à appliquer", "Enjeux et pistes de travail pour les territoires ruraux"),
    2: (
        "Coopération et construction collective",
        "Enjeux et pistes de travail pour les territoires ruraux > 3 principes à appliquer",
    ),
}


def test_sentences_keep_the_markers_written_after_their_full_stop():
    claims = split_claims(
        "Il faut coopérer. [2] Les notes citent trois principes [1].\n- Point [1]"
    )
    assert [(c.statement, c.markers, c.line) for c in claims] == [
        ("Il faut coopérer.", (2,), 0),
        ("Les notes citent trois principes .", (1,), 0),
        ("Point", (1,), 1),
    ]


@pytest.fixture(scope="module")
def checker(engine):
    use = next(e for e in engine.searcher.encoders if e.name == "use")
    return GroundingChecker(use)


@pytest.mark.parametrize(
    "sentence",
    [
        "Un des principes est la coopération et la construction collective [2].",
        "One principle is cooperation and building things together [2].",
    ],
)
def test_a_faithful_sentence_is_kept(checker, sentence):
    (verdict,) = checker.check_answer(sentence, QUOTES)
    assert verdict.supported, verdict


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("La coopération a doublé les budgets de la Région en 2019 [2].", "number_not_in_quotes"),
        ("Jean Dupont, maire de Saint-Affrique, impose la coopération [2].", "name_not_in_quotes"),
        ("Un des principes est la coopération et la construction collective.", "no_citation"),
        ("Un des principes est la coopération [7].", "unknown_citation"),
    ],
)
def test_an_unsupported_sentence_is_removed_with_its_reason(checker, sentence, reason):
    (verdict,) = checker.check_answer(sentence, QUOTES)
    assert not verdict.supported and verdict.reason == reason


def _chat(client, question: str, stream: bool) -> dict:
    body = {"messages": [{"role": "user", "content": question}], "stream": stream}
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    if not stream:
        return response.json()
    done = response.text.split("event: done\ndata: ")[1]
    return json.loads(done.strip())


def _llm_client(engine, url: str, model: str, timeout: float = 5.0, **settings):
    return make_client(
        engine,
        llm_base_url=url,
        llm_model=model,
        llm_timeout_seconds=timeout,
        rate_limit_per_minute=0,
        **settings,
    )


@pytest.mark.parametrize("stream", [False, True])
def test_an_adversarial_model_gets_none_of_its_invented_sentences_through(engine, stream):
    with adversarial_server() as url, _llm_client(engine, url, "adversarial") as client:
        for question in QUESTIONS:
            data = _chat(client, question, stream)
            assert data["generator"] == "extractive", data["answer"]
            assert "not supported by the quotes" in data["notice"]
            assert data["unsupported"] and all(
                is_invented(u["sentence"]) for u in data["unsupported"]
            )


@pytest.mark.parametrize("stream", [False, True])
def test_with_a_mixed_model_only_the_faithful_sentences_remain(engine, stream):
    with adversarial_server() as url, _llm_client(engine, url, "mixed") as client:
        for question in QUESTIONS:
            data = _chat(client, question, stream)
            assert data["generator"] == "llm", data["notice"]
            shown = [c.text for c in split_claims(data["answer"])]
            assert shown and not any(map(is_invented, shown))
            invented = [u["sentence"] for u in data["unsupported"] if is_invented(u["sentence"])]
            assert invented  # they were written, and removed


@pytest.mark.parametrize("stream", [False, True])
def test_markup_nested_to_survive_one_stripping_pass_reaches_no_client(engine, stream):
    """``<<b>a href=...>`` lost its inner tag and kept the outer one (issue 29): no "<" the
    model wrote may reach the answer or the sentences listed as unsupported."""
    with adversarial_server() as url, _llm_client(engine, url, "markup") as client:
        for question in QUESTIONS:
            data = _chat(client, question, stream)
            shown = [data["answer"], *(u["sentence"] for u in data["unsupported"])]
            assert not [text for text in shown if "<" in text]
            assert data["generator"] == "llm", data["notice"]
            assert data["unsupported"]  # the invented sentences and the script's text


@pytest.fixture(scope="module")
def smollm2_url():
    with smollm2_server() as url:
        yield url


@pytest.mark.parametrize("stream", [False, True])
def test_a_real_small_model_only_shows_grounded_sentences(engine, checker, smollm2_url, stream):
    # 160 tokens: several sentences, some seconds an answer. The 600 s timeout is a hang
    # guard, not a speed check: the other test worker shares the two cores meanwhile.
    with _llm_client(engine, smollm2_url, MODEL_NAME, 600, llm_max_tokens=160) as client:
        for question in QUESTIONS:
            data = _chat(client, question, stream)
            if data["generator"] == "extractive":
                # the model answered (no timeout, no connection error) but not usably
                assert data["notice"] and "Language model not used" in data["notice"]
                assert "cannot reach" not in data["notice"] and "within" not in data["notice"]
                continue
            quotes = {c["n"]: (c["quote"], " > ".join(c["branch"][:-1])) for c in data["citations"]}
            for verdict in checker.check_answer(data["answer"], quotes):
                assert verdict.claim.markers and verdict.supported, verdict


def test_the_shipped_grounding_model_is_what_calibration_gives(engine, tmp_path):
    # `rag-territoires calibrate-grounding` must reproduce grounding.json and
    # eval/grounding.md from the code and the labelled set: chosen by cross-validation,
    # not by hand; the held-out figures in the report are what the shipped model does.
    from pathlib import Path

    from rag_territoires.answer.grounding import MODEL_FILE, GroundingModel
    from rag_territoires.evaluation.grounding import calibrate, report

    folder = Path(__file__).parents[1] / "eval"
    use = next(e for e in engine.searcher.encoders if e.name == "use")
    result = calibrate(use, folder, tmp_path / "grounding.json")
    fresh = GroundingModel.from_dict(json.loads((tmp_path / "grounding.json").read_text()))
    shipped = GroundingModel.from_dict(json.loads(MODEL_FILE.read_text()))
    assert fresh.threshold == pytest.approx(shipped.threshold, rel=1e-6)
    assert fresh.weights == pytest.approx(shipped.weights, rel=1e-5)
    assert report(result, folder) == (folder / "grounding.md").read_text(encoding="utf-8")
    assert result["held_out"]["precision"] >= 0.9  # what docs/api.md promises, measured
