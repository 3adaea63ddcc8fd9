"""How the product behaves as the notes grow (`rag-territoires bench --scale`).

Synthetic mind maps of growing size (``synthetic_maps.py``), through the whole pipeline:
outline, branch chunks, index, search, HTTP.

For each size, in a fresh process each (so memory figures are its own): build time,
index size on disk, cold start (load the model and index), resident memory, search p50
and p95 in process and over HTTP, and at the FAISS level exact inner-product search
against an HNSW graph built and searched as the product does (its M in
``index/builders.py``; the search width and the units it asks for in
``index/search_index.py``): time per query and recall@10 of HNSW against exact, on
stored vectors with a little noise as queries. A measurement, not a test.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import child_env
from benchmarks.speed import QUESTIONS, percentile_ms
from benchmarks.synthetic_maps import vocabulary, write_maps
from rag_territoires.errors import require

QUERIES = 200


def _percentiles(samples: list[float]) -> tuple[float, float]:
    return percentile_ms(samples, 0.5), percentile_ms(samples, 0.95)


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure_one(folder: Path, phase: str) -> dict:
    """One size, one phase, in this process: ``build`` or ``serve`` (load and query)."""
    import faiss

    from rag_territoires.config import Settings
    from rag_territoires.engine import Engine
    from rag_territoires.index.builders import HNSW_NEIGHBOURS
    from rag_territoires.index.search_index import UNITS_PER_CHUNK, stored_vectors
    from rag_territoires.retrieval.search import CANDIDATES

    settings = Settings(corpus_dir=folder / "corpus", index_dir=folder / "index")
    started = time.perf_counter()
    engine = Engine(settings, auto_build=phase == "build", show_progress=False)
    engine.warm_up(rebuild=phase == "build")
    seconds = time.perf_counter() - started
    if phase == "build":
        return {"chunks": len(engine.chunks), "build_s": seconds}
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rng = random.Random(7)
    texts = [c.text.split("\n")[0] for c in rng.sample(engine.chunks, QUERIES // 2)]
    queries = [*QUESTIONS, *texts][:QUERIES]
    samples = []
    for query in queries:
        begun = time.perf_counter()
        engine.search(query[:300], top_k=5)
        samples.append(time.perf_counter() - begun)
    search_p50, search_p95 = _percentiles(samples)
    # the search's top 10 against scoring every chunk (what the candidates may miss)
    agreement = []
    for query in queries[:50]:
        found = {p.id for p in engine.search(query[:300], top_k=10).passages}
        every = {h.chunk.id for h in engine.searcher.rank(query[:300]).hits[:10]}
        agreement.append(len(found & every) / max(1, len(every)))
    dense = engine.searcher.index.dense[engine.encoders[0].name]
    stored = np.array(stored_vectors(dense), dtype=np.float32)
    flat = faiss.IndexFlatIP(stored.shape[1])
    flat.add(stored)
    picks = np.random.default_rng(3).choice(flat.ntotal, size=min(QUERIES, flat.ntotal))
    noisy = stored[picks] + np.random.default_rng(4).normal(0, 0.05, stored[picks].shape)
    noisy = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    begun = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(stored.shape[1], HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(stored)
    hnsw_build_s = time.perf_counter() - begun
    hnsw.hnsw.efSearch = max(64, CANDIDATES * UNITS_PER_CHUNK)  # as dense_candidates does
    exact_times, hnsw_times, overlap = [], [], []
    for vector in noisy:
        begun = time.perf_counter()
        _, truth = flat.search(vector[None, :], 10)
        exact_times.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        _, found = hnsw.search(vector[None, :], 10)
        hnsw_times.append(time.perf_counter() - begun)
        overlap.append(len(set(truth[0]) & set(found[0])) / 10)
    return {
        "cold_start_s": seconds,
        "rss_mb": rss_mb,
        "disk_mb": _folder_mb(settings.index_dir),
        "units": int(flat.ntotal),
        "search_p50_ms": search_p50,
        "search_p95_ms": search_p95,
        "exact_p50_ms": _percentiles(exact_times)[0],
        "hnsw_p50_ms": _percentiles(hnsw_times)[0],
        "hnsw_recall10": float(np.mean(overlap)),
        "hnsw_build_s": hnsw_build_s,
        "dense_kind": "hnsw" if "HNSW" in type(dense).__name__ else "flat",
        "top10_agreement": float(np.mean(agreement)),
    }


def _http(folder: Path) -> tuple[float, float]:
    from benchmarks.speed import SearchClient
    from rag_territoires.launcher import spawn_api

    env = {
        "RAG_TERRITOIRES_CORPUS_DIR": str(folder / "corpus"),
        "RAG_TERRITOIRES_INDEX_DIR": str(folder / "index"),
        "RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0",
    }
    process, base = spawn_api(env, timeout=600)
    try:
        client, samples = SearchClient(base), []
        for i in range(QUERIES):
            begun = time.perf_counter()
            client.search(QUESTIONS[i % len(QUESTIONS)])
            samples.append(time.perf_counter() - begun)
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return _percentiles(samples[10:])


def _in_subprocess(folder: Path, phase: str) -> dict:
    code = (
        "import json, sys; from pathlib import Path; "
        "from benchmarks.scale import measure_one; "
        f"print(json.dumps(measure_one(Path(sys.argv[1]), {phase!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        capture_output=True,
        text=True,
        timeout=7200,
        env=child_env(),
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_scale(sizes: list[int], workdir: Path, out: Path, seed: int = 2026) -> str:
    """``sizes``: node counts of the synthetic maps (chunks are reported as built)."""
    from rag_territoires.config import Settings

    words = vocabulary(Settings().corpus_dir)
    rows = []
    for nodes in sizes:
        folder = workdir / f"map-{nodes}"
        write_maps(folder / "corpus", nodes, seed, words)
        row = {"nodes": nodes, **_in_subprocess(folder, "build")}
        row.update(_in_subprocess(folder, "serve"))
        row["http_p50_ms"], row["http_p95_ms"] = _http(folder)
        rows.append(row)
        print(json.dumps(row), flush=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    table = _table(rows)
    (out / "scale.md").write_text(table + "\n", encoding="utf-8")
    _chart(rows, out / "scale.png")
    return table


def _table(rows: list[dict]) -> str:
    lines = [
        "| nodes | chunks | vectors | build | index on disk | cold start | RSS | search p50 / p95 "
        "(in process) | HTTP p50 / p95 | dense index | top-10 as if every chunk scored | "
        "FAISS exact p50 | HNSW p50 | HNSW recall@10 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['nodes']:,} | {r['chunks']:,} | {r['units']:,} | {r['build_s']:.1f} s | "
            f"{r['disk_mb']:.1f} MB | {r['cold_start_s']:.1f} s | {r['rss_mb']:.0f} MB | "
            f"{r['search_p50_ms']:.1f} / {r['search_p95_ms']:.1f} ms | "
            f"{r['http_p50_ms']:.1f} / {r['http_p95_ms']:.1f} ms | {r['dense_kind']} | "
            f"{r['top10_agreement']:.3f} | {r['exact_p50_ms']:.3f} ms | "
            f"{r['hnsw_p50_ms']:.3f} ms | {r['hnsw_recall10']:.3f} |"
        )
    return "\n".join(lines)


def _chart(rows: list[dict], path: Path) -> None:
    matplotlib = require("matplotlib")

    matplotlib.use("Agg")
    plt = require("matplotlib.pyplot")

    chunks = [r["chunks"] for r in rows]
    figure, axis = plt.subplots(figsize=(7, 4.2))
    for key, label in [
        ("http_p50_ms", "POST /v1/search over HTTP (p50)"),
        ("search_p50_ms", "search in process (p50)"),
        ("exact_p50_ms", "FAISS exact top-10 (p50)"),
        ("hnsw_p50_ms", "FAISS HNSW top-10 (p50)"),
    ]:
        axis.plot(chunks, [r[key] for r in rows], marker="o", label=label)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("chunks in the index")
    axis.set_ylabel("milliseconds per query")
    axis.set_title("Search time as the notes grow (synthetic mind maps)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
