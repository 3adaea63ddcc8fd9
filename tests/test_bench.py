"""`rag-territoires bench` measures, in one run, the encoder, the real API and the floors of
the HTTP stack (a bare FastAPI route, alone and running the same search): a short run,
checked for its shape, not its times."""

import re

from rag_territoires.evaluation.benchmark import run


def test_bench_reports_the_api_against_the_encoder_and_the_bare_stack():
    report = run(repeats=10)
    labels = (
        "encoder forward pass",
        "POST /v1/search over HTTP",
        "bare FastAPI route",
        "bare route running the same search",
    )
    for label in labels:
        line = next(line for line in report.splitlines() if line.startswith(label))
        assert re.search(r"p50 \d+\.\d\d ms", line), line
    assert "errors 0" in report and "errors 1" not in report
