"""`rag-territoires bench` measures, in one run and interleaved round by round, the encoder,
the real API, the API with its searches on the event loop, and the floors of the HTTP stack
(a bare FastAPI route, alone and running the same search): a short run, checked for its
shape, not its times."""

import re

import pytest

from benchmarks.speed import Interleaved, run

pytestmark = pytest.mark.system


def test_bench_reports_the_api_against_the_encoder_and_the_bare_stack():
    report = run(repeats=10)
    labels = (
        "encoder forward pass",
        "POST /v1/search over HTTP",
        "bare FastAPI route",
        "bare route running the same search",
        "the same, searches on the event loop",
    )
    for label in labels:
        line = next(line for line in report.splitlines() if line.startswith(label))
        assert re.search(r"p50 \d+\.\d\d ms", line), line
    for share in ("the API's own layers", "of which the search lane's hops"):
        own = next(line for line in report.splitlines() if share in line)
        assert re.search(r"[+-]\d+\.\d\d ms  \(quartiles [+-]\d+\.\d\d to [+-]\d+\.\d\d\)", own)
    assert "errors 0" in report and "errors 1" not in report


def test_the_shares_are_medians_of_differences_paired_round_by_round():
    # a noisy machine slows all of one round: the paired difference is untouched by it,
    # where a difference of medians taken apart would not be
    measured = Interleaved(
        {"api": [0.010, 0.030, 0.011], "bare": [0.009, 0.0295, 0.0105], "floor": [0.001] * 3},
        {"api": 0, "bare": 0, "floor": 0},
    )
    median, low, high = measured.difference_ms(["api"], ["bare"])
    assert round(median, 6) == 0.5 and round(low, 6) == 0.5 and round(high, 6) == 1.0
    assert round(measured.difference_ms(["bare"], ["floor"])[0], 6) == 9.5
