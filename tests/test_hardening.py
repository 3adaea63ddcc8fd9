"""Holes a hostile intranet user found (issue 10), each closed with a test that failed first:
keys that turn authentication off, lone surrogates that gave 500, settings out of range,
start-up problems printed as tracebacks, feedback that leaked the server's path."""

import json

import pytest
from pydantic import ValidationError

from rag_territoires.answer.llm import MARKER
from rag_territoires.config import Settings
from rag_territoires.errors import QueryError
from tests.conftest import make_client
from tests.helpers import run

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["", "a-long-enough-key-1"], "at least 16 characters"),
        (["   "], "printable ASCII without surrounding spaces"),
        (["short"], "at least 16 characters"),
        (["clé-accentuée-très-longue"], "printable ASCII"),
        ([" a-long-enough-key-1"], "surrounding spaces"),
    ],
)
def test_weak_or_empty_api_keys_are_refused_at_start(keys, message):
    with pytest.raises(ValidationError, match=message):
        Settings(api_keys=keys)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("port", 99999),
        ("port", 0),
        ("rate_limit_per_minute", -5),
        ("max_body_bytes", -1),
        ("max_header_bytes", 10),
        ("header_timeout_seconds", 0),
        ("body_timeout_seconds", -1),
        ("failed_keys_per_minute", -1),
        ("llm_max_reply_bytes", 0),
        ("llm_max_concurrent", 0),
    ],
)
def test_settings_out_of_range_are_refused(setting, value):
    with pytest.raises(ValidationError):
        Settings(**{setting: value})


@pytest.mark.parametrize(
    ("env", "shown"),
    [
        ({"RAG_TERRITOIRES_API_KEYS": '["", "k1"]'}, "RAG_TERRITOIRES_API_KEYS"),
        ({"RAG_TERRITOIRES_API_KEYS": "notjson"}, "RAG_TERRITOIRES_API_KEYS must be JSON"),
        ({"RAG_TERRITOIRES_CORS_ORIGINS": "*"}, "RAG_TERRITOIRES_CORS_ORIGINS must be JSON"),
        ({"RAG_TERRITOIRES_PORT": "99999"}, "RAG_TERRITOIRES_PORT"),
        (
            {"RAG_TERRITOIRES_CORPUS_DIR": "/nonexistent/notes"},
            "no corpus folder /nonexistent/notes",
        ),
    ],
)
def test_serve_refuses_bad_start_up_in_one_line(env, shown, tmp_path):
    out = run("serve", "--port", "0", env={"RAG_TERRITOIRES_INDEX_DIR": str(tmp_path), **env})
    assert out.returncode == 1
    assert shown in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_lone_surrogate_on_the_command_line_is_one_line():
    # bash's $'\xff': Python decodes the undecodable byte as a lone surrogate
    out = run("search", "tiers \udcff", env={"PYTHONIOENCODING": "utf-8"})
    assert out.returncode == 1
    assert "not valid text" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/search", {"query": "tiers \ud800"}),
        ("/v1/search", {"query": "tiers", "history": ["a \udfff"]}),
        ("/v1/chat", {"messages": [{"role": "user", "content": "tiers \ud800"}]}),
        (
            "/v1/chat",
            {
                "messages": [
                    {"role": "user", "content": "tiers"},
                    {"role": "assistant", "content": "x \ud800"},
                    {"role": "user", "content": "et le deuxième ?"},
                ]
            },
        ),
        ("/v1/feedback", {"question": "q", "answer": "a \ud800", "rating": "up"}),
        ("/v1/feedback", {"question": "q", "answer": "a", "rating": "up", "comment": "\ud800"}),
    ],
)
def test_lone_surrogates_are_refused_not_a_server_error(client, path, body):
    # json.dumps writes a lone surrogate as the escape \ud800, as a hostile client would
    raw = json.dumps(body)
    response = client.post(path, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert "not valid text" in response.json()["error"]["message"]


def test_a_marker_of_thousands_of_digits_is_not_a_marker():
    assert MARKER.findall("[1] and [" + "9" * 5000 + "]") == ["1"]


def test_feedback_that_cannot_be_written_is_503_without_the_path(engine, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with make_client(engine, data_dir=blocker, rate_limit_per_minute=0) as c:
        body = {"question": "tiers-lieux ?", "answer": "…", "rating": "down"}
        response = c.post("/v1/feedback", json=body)
    assert response.status_code == 503
    assert response.json()["error"]["type"] == "unavailable"
    assert str(tmp_path) not in response.text
    assert any(str(blocker) in r.getMessage() for r in caplog.records)


def test_the_question_validator_names_the_lone_surrogate():
    from rag_territoires.retrieval.search import validate_query

    with pytest.raises(QueryError, match="U\\+D800"):
        validate_query("tiers \ud800")
