"""The optional language model, against a real OpenAI-compatible server on loopback."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from rag_territoires.answer.chat import sentences_checked
from rag_territoires.answer.llm import plain_text
from tests.conftest import make_client
from tests.fake_llm import Handler, fake_llm_server

pytestmark = pytest.mark.integration

QUESTION = {"messages": [{"role": "user", "content": "Quels sont les 3 principes à appliquer ?"}]}


@pytest.fixture(scope="module")
def llm_url():
    with fake_llm_server() as url:
        yield url


def chat_with(engine, url, model, body=QUESTION):
    settings = {
        "llm_base_url": url,
        "llm_model": model,
        "llm_api_key": "k",
        "llm_timeout_seconds": 1.0,
        "rate_limit_per_minute": 0,
    }
    with make_client(engine, **settings) as client:
        response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_models_answer_is_used_and_unknown_markers_are_dropped(engine, llm_url):
    Handler.requests.clear()
    data = chat_with(engine, llm_url, "good")
    assert data["generator"] == "llm" and data["notice"] is None
    assert data["answer"] == (
        "Selon les notes, il faut se préparer aux changements et anticiper [3]. La posture "
        "d'anticipation et de construction fait partie des 3 principes à appliquer [1][2]."
    )
    assert data["dropped_citations"] == [99]
    assert data["unsupported"] == []
    assert [c["n"] for c in data["citations"]] == [1, 2, 3]
    sent = Handler.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k"
    assert (
        "[1] (Enjeux et pistes de travail pour les territoires ruraux) 3 principes"
        in (sent["messages"][1]["content"])
    )


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("slow", "no answer within 1 s"),
        ("garbage", "not a chat completion"),
        ("error", "HTTP 500"),
        ("uncited", "cites none of the passages"),
        # a byte every 0.2 s never trips a timeout per read: only a deadline stops it
        ("drip", "no answer within 1 s"),
        ("drip_headers", "no answer within 1 s"),
        ("huge", "reply is over 262144 bytes"),
        ("long", "150 sentences, more than the"),
    ],
)
def test_a_failing_model_falls_back_to_the_extractive_answer(engine, llm_url, model, reason):
    data = chat_with(engine, llm_url, model)
    assert data["generator"] == "extractive"
    assert reason in data["notice"]
    assert data["answer"].startswith(data["lead"] + "\n\nD'après « Séminaire « territoires ")
    assert data["citations"]


def test_the_models_markup_never_reaches_clients(engine, llm_url):
    data = chat_with(engine, llm_url, "hostile")
    assert data["generator"] == "llm"
    assert data["answer"] == "Se préparer à des changements et anticiper [3]."
    # the rest, once plain text ("x alert(1) ici"), cites nothing: removed, and listed
    assert [u["reason"] for u in data["unsupported"]] == ["no_citation"]


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("<<b>a href=//evil.example>ici<</b>/a> [1]", "ici [1]"),
        ("[[1](http://a.example)](http://b.example)", "[1]"),
        ("moins de 5 % (< 5 %) [1]", "moins de 5 % (\u2039 5 %) [1]"),
        # deeper than the passes: what is left of it is defused, not kept
        ("<" * 12 + "b>" + "a>" * 11 + "texte [1]", "\u2039" * 4 + "a>" * 4 + "texte [1]"),
    ],
)
def test_no_angle_bracket_of_the_model_is_left_however_nested(written, plain):
    assert plain_text(written) == plain


def test_answers_written_at_once_are_bounded(engine, llm_url):
    settings = {
        "llm_base_url": llm_url,
        "llm_model": "slow",
        "llm_timeout_seconds": 1.0,
        "llm_max_concurrent": 1,
        "rate_limit_per_minute": 0,
    }
    with make_client(engine, **settings) as client, ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda _: client.post("/v1/chat", json=QUESTION), range(3)))
    notices = [r.json()["notice"] for r in replies]
    assert all(r.status_code == 200 for r in replies)
    assert sum("busy" in n for n in notices) >= 1  # not queued behind the slow model
    assert all("busy" in n or "no answer within 1 s" in n for n in notices)


def test_an_unreachable_model_falls_back_too(engine):
    data = chat_with(engine, "http://127.0.0.1:9/v1", "good")
    assert data["generator"] == "extractive" and "cannot reach" in data["notice"]


def test_abstention_does_not_ask_the_model(engine, llm_url):
    Handler.requests.clear()
    body = {"messages": [{"role": "user", "content": "Quelle est la recette de la tarte tatin ?"}]}
    data = chat_with(engine, llm_url, "good", body)
    assert data["abstained"] and data["generator"] == "extractive"
    assert Handler.requests == []


def test_the_sentences_checked_grow_with_the_quotes_within_bounds():
    assert [sentences_checked(n) for n in (0, 5, 20, 30, 50, 500)] == [40, 40, 40, 60, 100, 100]
