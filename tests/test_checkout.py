"""From a checkout, the evaluation and the benchmarks find the checkout's eval/ and
benchmarks/ wherever the command runs from; a folder that is not there is one clear line.
(What a plain install says instead: test_packaging.py.)"""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, ROOT
from tests.helpers import run

pytestmark = pytest.mark.system

SHIPPED_GROUNDING = ROOT / "src" / "rag_territoires" / "answer" / "grounding.json"


@pytest.mark.parametrize(
    "argv",
    [
        ["eval"],
        ["eval", "--maps"],
        ["calibrate", "--output", "out.json"],
        ["calibrate-grounding", "--output", "out.json"],
        ["feedback", "label", "f-1", "--unanswerable"],
    ],
    ids=" ".join,
)
def test_an_evaluation_folder_that_is_not_there_is_one_clear_line(tmp_path, argv):
    missing = tmp_path / "no-such-eval"
    out = run(*argv, "--eval-dir", str(missing), cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert out.stderr == f"rag-territoires: error: --eval-dir {missing}: no such folder\n"
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_calibrate_grounding_reads_the_checkouts_eval_and_writes_to_output(tmp_path):
    """Run from another folder: the labelled set is the checkout's eval/, not ./eval, and
    the fitted model goes to --output only (a trial: no report over the shipped one's)."""
    report = ROOT / "eval" / "grounding.md"
    before = report.stat().st_mtime_ns
    out = run("calibrate-grounding", "--output", "fitted.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "fitted.json").read_bytes() == SHIPPED_GROUNDING.read_bytes()
    assert report.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fitted.json"]


def test_feedback_labels_go_to_the_evaluation_folder_given(tmp_path):
    """`feedback label` writes EVAL_DIR/from-feedback.jsonl: --eval-dir, not the working
    directory's eval/ (and the test, not the checkout's eval/)."""
    eval_dir = tmp_path / "evaluation"
    eval_dir.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    (data / "feedback.jsonl").write_text(
        '{"id": "abc", "question": "Qui ?", "answer": "...", "citations": [], '
        '"rating": "down", "comment": null, "at": "2026-12-05T12:00:00+00:00"}\n',
        encoding="utf-8",
    )
    env = {"RAG_TERRITOIRES_DATA_DIR": str(data), "RAG_TERRITOIRES_CORPUS_DIR": str(CORPUS)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    labelled = run(
        "feedback", "label", "abc", "--unanswerable", "--eval-dir", str(eval_dir),
        env=env, cwd=elsewhere,
    )  # fmt: skip
    assert labelled.returncode == 0, labelled.stderr
    assert '"id": "f-abc"' in (eval_dir / "from-feedback.jsonl").read_text(encoding="utf-8")
    assert list(elsewhere.iterdir()) == []
    listed = run("feedback", "list", "--eval-dir", str(eval_dir), env=env, cwd=elsewhere)
    assert "0 answer(s) to label" in listed.stdout, listed.stderr  # labelled: not listed


def test_bench_finds_the_checkouts_benchmarks_from_another_folder(tmp_path):
    """The benchmarks are imported from the checkout the package runs from, not from the
    working directory: ``bench --workers`` gets as far as its own check for wrk (hidden
    here by an empty PATH)."""
    out = run("bench", "--workers", "--output", str(tmp_path / "results"), cwd=tmp_path,
              env={"PATH": str(tmp_path)})  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert out.stderr.endswith("bench --workers needs wrk (Debian: apt-get install wrk)\n")
    assert "Traceback" not in out.stderr
