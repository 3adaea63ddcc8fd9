"""The command as a user runs it: a real process, its exit code and its output."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.helpers import run

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def index_env(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("cli-index")
    env = {"RAG_TERRITOIRES_INDEX_DIR": str(index_dir)}
    built = run("build", "--quiet", env=env)
    assert built.returncode == 0, built.stderr
    return env


def test_search_json_prints_exactly_the_result_object(index_env):
    out = run("search", "tiers-lieux ?", "--top-k", "2", "--json", env=index_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert list(data) == ["query", "abstained", "confidence", "passages", "reading"]
    assert 0.0 <= data["confidence"] <= 1.0
    assert len(data["passages"]) == 2
    assert list(data["passages"][0]) == ["id", "text", "branch", "score", "source"]
    assert data["passages"][0]["branch"] == ["Pour s'inspirer", "Tiers-lieux"]


def test_human_output_shows_branch_and_lines(index_env):
    out = run("search", "Quels sont les 3 principes à appliquer ?", "--top-k", "1", env=index_env)
    assert out.returncode == 0, out.stderr
    assert "Enjeux et pistes de travail pour les territoires ruraux > 3 principes" in out.stdout
    assert "seminaire-territoires-ruraux-carte-mentale.txt, lignes 895-" in out.stdout


def test_history_is_passed_to_the_search(index_env):
    out = run(
        "search",
        "et le deuxième ?",
        "--history",
        "Quels sont les 3 principes à appliquer ?",
        "--top-k",
        "1",
        "--json",
        env=index_env,
    )
    assert json.loads(out.stdout)["passages"][0]["text"] == "Coopération et construction collective"


def test_an_off_topic_question_says_the_notes_do_not_cover_it(index_env):
    out = run("search", "Quelle est la recette de la tarte tatin ?", env=index_env)
    assert out.returncode == 0
    assert out.stdout.startswith("Les notes ne traitent pas de cette question.")


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "the question is empty"),
        ("  ", "the question is empty"),
        ("é" * 2001, "the question has 2001 characters; the limit is 2000"),
    ],
)
def test_bad_questions_exit_non_zero_with_a_message(question, message):
    out = run("search", question)
    assert out.returncode == 1
    assert out.stderr.strip() == f"rag-territoires: error: {message}"


def test_top_k_out_of_range_is_a_usage_error():
    out = run("search", "tiers-lieux", "--top-k", "0")
    assert out.returncode == 2
    assert "must be between 1 and 50" in out.stderr


def test_a_non_utf8_corpus_names_the_file_and_byte(tmp_path):
    (tmp_path / "corpus").mkdir()
    bad = tmp_path / "corpus" / "export.txt"
    bad.write_bytes(b"Ateliers\n\nD\xe9veloppement\n")
    (tmp_path / "corpus" / "export.outline.md").write_text("- Ateliers\n- Développement\n")
    out = run(
        "search",
        "tiers-lieux",
        env={
            "RAG_TERRITOIRES_CORPUS_DIR": str(tmp_path / "corpus"),
            "RAG_TERRITOIRES_INDEX_DIR": str(tmp_path / "i"),
        },
    )
    assert out.returncode == 1
    assert f"{bad}:3: not valid UTF-8 at byte 11" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_reader_that_stops_early_gets_no_traceback(index_env):
    """`rag-territoires search ... | head`: the pipe closes before the answer is written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rag_territoires.cli", "search", "tiers-lieux ?", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, **index_env},
    )
    process.stdout.close()  # the reader is gone before the search has loaded
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1
    assert stderr.decode() == ""


def test_a_missing_index_that_may_not_be_built_is_refused(tmp_path):
    out = run(
        "search",
        "tiers-lieux",
        "--no-build",
        env={"RAG_TERRITOIRES_INDEX_DIR": str(tmp_path / "none")},
    )
    assert out.returncode == 1
    assert "no index in" in out.stderr and "rag-territoires build" in out.stderr


def test_an_index_that_cannot_be_written_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = run("search", "tiers-lieux", env={"RAG_TERRITOIRES_INDEX_DIR": str(blocker / "idx")})
    assert out.returncode == 1
    assert "cannot write the index in" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_bad_setting_is_named():
    out = run("search", "tiers-lieux", env={"RAG_TERRITOIRES_CHUNK_MAX_CHARS": "beaucoup"})
    assert out.returncode == 1
    assert "RAG_TERRITOIRES_CHUNK_MAX_CHARS" in out.stderr


def test_check_reports_the_outline():
    out = run("check")
    assert out.returncode == 0
    assert (
        "seminaire-territoires-ruraux-carte-mentale.txt (text): "
        "'Séminaire « territoires ruraux » : carte mentale', 149 nodes"
    ) in out.stdout


def test_eval_runs_one_named_configuration_or_names_the_known_ones():
    out = run("eval", "--config", "bm25 alone")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("bm25 alone ") == 2  # tuning and blind rows
    assert "default" not in out.stdout
    unknown = run("eval", "--config", "nope")
    assert unknown.returncode == 1
    known = "no configuration matches 'nope' (known: default: bm25+use, all levers;"
    assert known in unknown.stderr
