"""eval/report.md must match the code: `make eval` regenerates it; this fails when the
committed one is stale (everything but its latency section, which varies per run)."""

from pathlib import Path

import pytest

from rag_territoires.cli import main
from rag_territoires.evaluation.chart import CHART_NAME
from rag_territoires.evaluation.report import REPORT_NAME, quality_part
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

COMMITTED = ROOT / "eval" / REPORT_NAME
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_the_committed_report_matches_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.chdir(ROOT)  # the settings' default paths, as `make eval` runs
    assert main(["eval", "--all", "--report-dir", str(tmp_path)]) == 0
    assert f"report written: {tmp_path / REPORT_NAME}" in capsys.readouterr().out
    fresh = (tmp_path / REPORT_NAME).read_text(encoding="utf-8")
    committed = COMMITTED.read_text(encoding="utf-8")
    assert quality_part(committed) == quality_part(fresh), (
        "eval/report.md is stale: run `make eval` and commit eval/report.md and eval/report.png"
    )
    assert (tmp_path / CHART_NAME).read_bytes().startswith(PNG_SIGNATURE)


def test_the_committed_report_links_its_chart():
    assert f"]({CHART_NAME})" in COMMITTED.read_text(encoding="utf-8")
    assert (COMMITTED.parent / CHART_NAME).read_bytes().startswith(PNG_SIGNATURE)


def test_a_default_only_run_leaves_the_committed_report_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.chdir(ROOT)
    before = COMMITTED.stat().st_mtime_ns
    assert main(["eval"]) == 0
    assert "report written" not in capsys.readouterr().out
    assert COMMITTED.stat().st_mtime_ns == before


@pytest.mark.slow
def test_the_committed_maps_report_matches_the_code(tmp_path, monkeypatch):
    # eval/maps-report.md: the tuning maps held out one at a time, then the blind maps,
    # searched as the product searches them by default (e5 re-ranking the added maps)
    monkeypatch.delenv("RAG_TERRITOIRES_RERANK_ADDED_MAPS")
    monkeypatch.chdir(ROOT)
    folder = tmp_path / "new"  # not there yet: made (it was a FileNotFoundError traceback)
    assert main(["eval", "--maps", "--report-dir", str(folder)]) == 0
    fresh = (folder / "maps-report.md").read_text(encoding="utf-8")
    assert fresh == (ROOT / "eval" / "maps-report.md").read_text(encoding="utf-8")
