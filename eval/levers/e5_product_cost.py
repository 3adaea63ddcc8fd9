"""Cost of the e5 re-ranking in the product (issue 27; figures in docs/performance.md).

Search p50/p95 with and without, interleaved in one process; the time to add a map with
and without (a build reusing the vector cache); RSS with and without. The e5 weight, its
query mean and its gate are the shipped calibration's (calibrate --maps --e5).

    python eval/levers/e5_product_cost.py WORK_DIR search|add|rss-on|rss-off
"""

import json
import resource
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from rag_territoires.config import Settings
from rag_territoires.embedding.e5 import E5Passages
from rag_territoires.engine import Engine
from rag_territoires.evaluation.questions import TUNING_FILES, load_questions
from rag_territoires.retrieval.search import Searcher

ROOT = Path(__file__).resolve().parents[2]
MAPS = ROOT / "eval/maps/tuning"
FIRST = MAPS / "writer-a/projet-alimentaire-territorial.opml"
SECOND = MAPS / "writer-c/tourisme-durable.opml"
work = Path(sys.argv[1])
mode = sys.argv[2]  # "add" or "search" or "rss-on"/"rss-off"
seminar_q = [q.question for f in TUNING_FILES for q in load_questions(ROOT / f) if q.answerable]
asked = [0]  # e5 query vectors computed
_query = E5Passages.query


def counted(self, text):
    asked[0] += 1
    return _query(self, text)


E5Passages.query = counted


def settings(on: bool, name: str) -> Settings:
    return Settings(
        corpus_dir=work / name / "corpus", index_dir=work / name / "index", rerank_added_maps=on
    )


def corpus(name: str, maps) -> None:
    folder = work / name / "corpus"
    shutil.rmtree(work / name, ignore_errors=True)
    folder.mkdir(parents=True)
    for f in (ROOT / "corpus").iterdir():
        if f.is_file():
            shutil.copy(f, folder)
    for m in maps:
        shutil.copy(m, folder)


if mode == "add":
    for on in (False, True):
        name = f"add-{on}"
        corpus(name, [])
        started = time.perf_counter()
        r = Engine(settings(on, name), auto_build=False)
        r.warm_up(rebuild=True)
        print(f"e5={on} the seminar alone, first build: {time.perf_counter() - started:.1f} s")
        for m in (FIRST, SECOND):
            shutil.copy(m, work / name / "corpus")
            started = time.perf_counter()
            r = Engine(settings(on, name), auto_build=False)
            r.warm_up(rebuild=True)
            units = len(r.searcher.index.unit_owner)
            print(
                f"e5={on} add {m.name} ({len(r.chunks)} chunks, {units} units): "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
elif mode == "search":
    name = "search"
    corpus(name, [FIRST, SECOND])
    r = Engine(settings(True, name), auto_build=True)
    r.warm_up()
    on = r.searcher
    assert on._rerank is not None
    off = Searcher(on.index, on.encoders, replace(on.config, rerank_added_maps=False), on.corpus)
    questions = [
        json.loads(line)["question"]
        for f in (FIRST, SECOND)
        for line in f.with_suffix(".questions.jsonl").read_text().splitlines()
        if line.strip()
    ]
    questions += seminar_q[:100]
    times = {"on": [], "off": []}
    for s in (on, off):
        for q in questions[:5]:
            s.search(q)
    asked[0] = 0
    for rep in range(2):
        for i, q in enumerate(questions):
            pair = [("on", on), ("off", off)]
            for label, s in pair if (i + rep) % 2 else pair[::-1]:
                t = time.perf_counter()
                s.search(q)
                times[label].append((time.perf_counter() - t) * 1e3)
    a, b = np.array(times["on"]), np.array(times["off"])
    print(
        f"{len(a)} searches each: with e5 p50 {np.median(a):.1f} p95 {np.percentile(a, 95):.1f} ms;"
        f" without p50 {np.median(b):.1f} p95 {np.percentile(b, 95):.1f} ms;"
        f" paired difference median {np.median(a - b):.1f} ms;"
        f" e5 computed in {asked[0] / len(a):.1%} of the searches with it"
    )
else:
    on = mode == "rss-on"
    name = "search"
    r = Engine(settings(on, name), auto_build=True)
    r.warm_up()
    r.searcher.search("Comment financer le projet alimentaire territorial ?")
    status = Path("/proc/self/status").read_text().splitlines()
    rss = [line for line in status if line.startswith("VmRSS")]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"e5={on}: {rss[0]}, peak {peak:.0f} MB")
