"""Throughput with 1 and 2 worker processes, at 16 clients (``bench --workers``).

The load comes from ``wrk`` (Debian's package: C, so the load generator takes as little
of the two cores as possible) over loopback, against a real ``serve --workers N``: POST
/v1/search with the evaluation's questions in turn, keep-alive connections, no rate limit.
Both runs happen in the same call, on the same machine, so their ratio is what to read.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks import ROOT
from rag_territoires.errors import RagError
from rag_territoires.evaluation.questions import load_questions
from rag_territoires.launcher import _stop, spawn_api

SCRIPT = """
local bodies = {BODIES}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/search", {["Content-Type"] = "application/json"}, bodies[i])
end
"""
_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_PERCENTILE = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_ERRORS = re.compile(r"Non-2xx or 3xx responses: \d+|Socket errors: .*")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _lua(questions: list[str]) -> str:
    bodies = ", ".join(
        json.dumps(json.dumps({"query": q}, ensure_ascii=False), ensure_ascii=False)
        for q in questions
    )
    return SCRIPT.replace("{BODIES}", "{" + bodies + "}")


def _wrk(url: str, script: Path, clients: int, seconds: int) -> dict:
    command = ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--latency"]
    out = subprocess.run(
        [*command, "-s", str(script), url + "/v1/search"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    latency = {f"p{p}": round(float(v) * _UNIT_MS[u], 2) for p, v, u in _PERCENTILE.findall(out)}
    errors = _ERRORS.findall(out)
    if errors:  # a fast 4xx is not throughput
        raise RagError(f"bench --workers: the server answered with errors: {errors}")
    return {"rps": float(_RATE.search(out)[1]), "latency_ms": latency}


def measure_workers(
    counts: tuple[int, ...] = (1, 2), clients: int = 16, seconds: int = 20, warm_up: int = 3
) -> dict:
    if shutil.which("wrk") is None:
        raise RagError("bench --workers needs wrk (Debian: apt-get install wrk)")
    questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl")][:100]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "search.lua"
        script.write_text(_lua(questions), encoding="utf-8")
        for workers in counts:
            unlimited = {"RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0"}
            process, url = spawn_api(unlimited, workers=workers)
            try:
                _wrk(url, script, clients, warm_up)  # every worker loads, every cache fills
                results[workers] = _wrk(url, script, clients, seconds)
            finally:
                _stop([process])
    base = results[counts[0]]["rps"]
    return {
        "clients": clients,
        "seconds": seconds,
        "runs": {str(n): r for n, r in results.items()},
        "ratio": {str(n): round(r["rps"] / base, 2) for n, r in results.items()},
    }


def run_workers(output: Path) -> str:
    result = measure_workers()
    output.mkdir(parents=True, exist_ok=True)
    (output / "workers.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        f"| workers | req/s at {result['clients']} clients | p50 ms | p99 ms | ratio |",
        "| --: | --: | --: | --: | --: |",
    ]
    for n, run in result["runs"].items():
        latency = run["latency_ms"]
        lines.append(
            f"| {n} | {run['rps']:.0f} | {latency.get('p50')} | {latency.get('p99')} "
            f"| {result['ratio'][n]:.2f}× |"
        )
    return "\n".join(lines)
