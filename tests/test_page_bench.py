"""`rag-territoires bench --page` drives real Chromium on a real page and API: a tiny run,
checked for its plumbing (every turn timed, in order, in the report), never its times."""

import re

import pytest

from benchmarks.page import measure, report
from rag_territoires.cli import main

pytestmark = pytest.mark.system


def test_the_page_bench_times_each_turn_from_enter_to_first_text_and_complete(api_server):
    times = measure(api_server, repeats=1, turns=2)
    assert times.failed == 0
    assert sorted(times.first) == sorted(times.complete) == [1, 2]
    for turn in (1, 2):
        (first,), (complete,) = times.first[turn], times.complete[turn]
        assert 0 < first <= complete  # the first text comes before the complete answer
    assert times.weight["maps"] >= 0 and times.weight["height"] > 0
    shown = report(times, 2)
    for turn in (1, 2):
        assert re.search(rf"turn +{turn}: first text \d+\.\d\d / \d+\.\d\d s, complete", shown)


def test_bench_page_is_wired_in_the_cli(api_server, capsys):
    assert main(["bench", "--page", "--repeats", "1", "--turns", "1", "--api-url", api_server]) == 0
    assert re.search(r"turn +1: first text \d+\.\d\d", capsys.readouterr().out)
