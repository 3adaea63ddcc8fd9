"""The CI quality gate: the default configuration must reach the minimums (and stay under
the maximums) of eval/thresholds.json, on the blind batch and on the tuning questions.
A quality gate, not a timed test: no latency here. The blind batch is never tuned on:
when this fails, fix the mechanism, never the blind questions."""

import json

import pytest

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.evaluation.measures import summarise
from rag_territoires.evaluation.questions import BLIND_FILE, TUNING_FILES, load_sets
from rag_territoires.evaluation.runner import Evaluator, VariantResult
from rag_territoires.evaluation.variants import variants
from rag_territoires.retrieval.calibration import shipped_calibration
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.integration

THRESHOLDS = json.loads((ROOT / "eval" / "thresholds.json").read_text(encoding="utf-8"))
BOUNDS = [
    (split, kind, measure)
    for split, bounds in THRESHOLDS["sets"].items()
    for kind in ("minimum", "maximum")
    for measure in bounds.get(kind, {})
]


@pytest.fixture(scope="module")
def default_result() -> VariantResult:
    tuning, blind = load_sets([ROOT / f for f in TUNING_FILES], ROOT / BLIND_FILE)
    evaluator = Evaluator(Corpus.load(CORPUS), tuning, blind)
    default = variants(RetrievalConfig())[0]
    assert default.name == THRESHOLDS["configuration"]
    return evaluator.run(default, default=True)


@pytest.mark.parametrize(("split", "kind", "measure"), BOUNDS)
def test_the_default_configuration_stays_within_the_gate(
    default_result: VariantResult, split: str, kind: str, measure: str
):
    measured = summarise(getattr(default_result, split))[measure]
    bound = THRESHOLDS["sets"][split][kind][measure]
    ok = measured >= bound if kind == "minimum" else measured <= bound
    assert ok, (
        f"{measure} on {split} is {measured:.3f}, past the gate's {kind} {bound} "
        "(eval/thresholds.json); run `make eval` and read eval/report.md"
    )


def test_the_product_runs_with_the_parameters_the_cross_validation_chose():
    # calibration.json records what `rag-territoires calibrate` chose; config.py holds the
    # defaults the product runs with: the report's figures hold only if the two agree.
    chosen = shipped_calibration().record["chosen"]
    config = RetrievalConfig()
    for name in ("bm25_weight", "expansion_min_cosine", "expansion_weight"):
        assert getattr(config, name) == pytest.approx(chosen[name]), name
    assert config.abstain_below is None  # the calibrated threshold


@pytest.mark.slow
def test_the_shipped_calibration_is_what_the_cross_validation_gives(tmp_path, monkeypatch):
    # `rag-territoires calibrate` must reproduce calibration.json from the code and the
    # tuning questions: the shipped parameters are chosen by cross-validation, not by hand.
    from rag_territoires.cli import main
    from rag_territoires.retrieval.calibration import CALIBRATION_FILE, Calibration

    monkeypatch.chdir(ROOT)  # the settings' default corpus paths, as `make eval` runs
    fresh_path = tmp_path / "calibration.json"
    args = ["calibrate", "--output", str(fresh_path)]
    args += [f"--questions={ROOT / f}" for f in TUNING_FILES]
    args += [f"--blind={ROOT / BLIND_FILE}"]
    assert main(args) == 0
    fresh = Calibration.load(fresh_path)
    shipped = Calibration.load(CALIBRATION_FILE)
    assert fresh.record["chosen"] == pytest.approx(shipped.record["chosen"], rel=1e-6)
    assert fresh.abstention.weights == pytest.approx(shipped.abstention.weights, rel=1e-5)
    # the seminar's encoders; e5's mean is chosen with the added maps' weight (calibrate
    # --maps --e5, evaluation/e5choice.py), not by this command
    assert set(shipped.query_means) - set(fresh.query_means) <= {"e5"}
    for name, mean in fresh.query_means.items():
        assert mean == pytest.approx(shipped.query_means[name], abs=1e-5)
    assert set(fresh.query_maps) == set(shipped.query_maps) == {"use"}
    for name, matrix in shipped.query_maps.items():  # stored in half precision
        assert fresh.query_maps[name] == pytest.approx(matrix, abs=2e-3)
    assert set(fresh.answerable) == set(shipped.answerable) == {"use"}
    for name, classifier in shipped.answerable.items():
        assert fresh.answerable[name] == pytest.approx(classifier, rel=1e-4, abs=1e-5)


@pytest.mark.slow
def test_what_judges_the_added_maps_is_what_leaving_one_map_out_gives(tmp_path, monkeypatch):
    # `rag-territoires calibrate --maps` must reproduce the general parts of
    # calibration.json from the code and the tuning maps (eval/maps/tuning)
    from rag_territoires.cli import main
    from rag_territoires.retrieval.calibration import CALIBRATION_FILE, Calibration

    monkeypatch.chdir(ROOT)
    fresh_path = tmp_path / "calibration.json"
    assert main(["calibrate", "--maps", "--output", str(fresh_path)]) == 0
    fresh, shipped = Calibration.load(fresh_path), Calibration.load(CALIBRATION_FILE)
    assert fresh.learned_documents == shipped.learned_documents
    assert fresh.general_bm25_weight == shipped.general_bm25_weight
    assert fresh.general_type_boost == shipped.general_type_boost
    assert fresh.record["maps"]["chosen_lever"] == shipped.record["maps"]["chosen_lever"]
    assert fresh.general.used == shipped.general.used
    assert fresh.general.weights == pytest.approx(shipped.general.weights, rel=1e-5)
    assert fresh.general.threshold == pytest.approx(shipped.general.threshold, rel=1e-6)
    assert fresh.off_topic is not None and shipped.off_topic is not None
    assert fresh.off_topic.used == shipped.off_topic.used
    assert fresh.off_topic.weights == pytest.approx(shipped.off_topic.weights, rel=1e-5)
    assert fresh.off_topic.threshold == pytest.approx(shipped.off_topic.threshold, rel=1e-6)
    gates = [json.dumps(c.record["maps"]["off_topic_gate"]) for c in (fresh, shipped)]
    assert gates[0] == gates[1]  # as text: a NaN (no abstention at all) equals no NaN
