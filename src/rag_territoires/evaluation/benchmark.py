"""Speed, measured in one run: the bare encoder forward pass for one query, then
``POST /v1/search`` over HTTP on loopback (a real ``rag-territoires serve``),
latency p50/p95 with one client and throughput with 1 and 8 concurrent clients, then
two floors (``bare_app.py``): a bare FastAPI route, and a bare route running the same
search; their differences say where the median goes.

A measurement, not a test: it asserts nothing. Every request loop is bounded.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rag_territoires.config import Settings
from rag_territoires.embedding.encoders import make_encoder
from rag_territoires.launcher import spawn_api

QUESTIONS = [
    "Comment renforcer l'ingénierie territoriale ?",
    "tiers-lieux ?",
    "What is the Anthropocene about?",
    "Quels sont les 3 principes à appliquer ?",
    "ingenierie territoriale renforcer comment",
    "Quelles sont les conséquences de la crise sanitaire ?",
    "Que dit Bruno Latour dans Atterrir ?",
    "Les métropoles repensent-elles leur modèle ?",
]


@dataclass
class Timing:
    p50_ms: float
    p95_ms: float
    n: int


def percentile_ms(samples: list[float], q: float) -> float:
    """The ``q`` quantile (0.5 is the median) of durations in seconds, in milliseconds."""
    if not samples:
        return float("nan")
    if q == 0.5:
        return statistics.median(samples) * 1000
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _timing(samples: list[float]) -> Timing:
    return Timing(percentile_ms(samples, 0.5), percentile_ms(samples, 0.95), len(samples))


def forward_pass(encoder_spec: str, repeats: int) -> Timing:
    encoder = make_encoder(encoder_spec)
    encoder.warm_up()
    samples = []
    for i in range(repeats):
        question = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        encoder.encode([question])
        samples.append(time.perf_counter() - started)
    return _timing(samples)


class SearchClient:
    """A keep-alive HTTP/1.1 client from the standard library: lean, so that the
    figures are mostly the server's, not the client's (httpx adds ~0.5 ms here)."""

    def __init__(self, base: str, timeout: float = 10) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.address, self.timeout = (host, int(port)), timeout
        self.connection = http.client.HTTPConnection(*self.address, timeout=timeout)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
        """(status, seconds); status 0 for a transport failure (then reconnects)."""
        data = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        try:
            self.connection.request(method, path, data, {"Content-Type": "application/json"})
            response = self.connection.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(*self.address, timeout=self.timeout)
            return 0, time.perf_counter() - started

    def search(self, question: str) -> int:
        return self.call("POST", "/v1/search", {"query": question, "top_k": 5})[0]

    def close(self) -> None:
        self.connection.close()


def http_latency(base: str, repeats: int) -> tuple[Timing, int]:
    samples, errors = [], 0
    client = SearchClient(base)
    for i in range(repeats):
        started = time.perf_counter()
        status = client.search(QUESTIONS[i % len(QUESTIONS)])
        samples.append(time.perf_counter() - started)
        errors += status != 200
    client.close()
    return _timing(samples), errors


def throughput(base: str, clients: int, requests_per_client: int) -> tuple[float, int]:
    def worker(offset: int) -> int:
        client = SearchClient(base)
        errors = sum(
            client.search(QUESTIONS[(offset + i) % len(QUESTIONS)]) != 200
            for i in range(requests_per_client)
        )
        client.close()
        return errors

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        errors = sum(pool.map(worker, range(clients)))
    elapsed = time.perf_counter() - started
    return clients * requests_per_client / elapsed, errors


def _bare_stack(repeats: int, search: bool = False) -> tuple[Timing, int]:
    """``POST`` to a bare FastAPI route (``bare_app.py``): the stack's own cost, or, with
    ``search``, the stack and the real search with nothing of the API's own around it."""
    import subprocess
    import sys

    from rag_territoires.launcher import free_port, wait_ready

    port = free_port()
    command = [sys.executable, "-m", "rag_territoires.evaluation.bare_app", str(port)]
    process = subprocess.Popen(
        command + (["--search"] if search else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/readyz", process, 60)
        http_latency(base, 20)
        return http_latency(base, repeats)
    finally:
        process.terminate()
        process.wait(timeout=20)


def run(repeats: int = 300) -> str:
    encoder = Settings().encoders[0]
    forward = forward_pass(encoder, repeats)
    process, base = spawn_api({"RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0"})
    try:
        http_latency(base, 20)  # warm the connection and the server
        latency, errors = http_latency(base, repeats)
        rps_1, errors_1 = throughput(base, 1, repeats)
        rps_8, errors_8 = throughput(base, 8, max(1, repeats // 8) * 2)
    finally:
        process.terminate()
        process.wait(timeout=20)
    floor, _ = _bare_stack(repeats)
    bare_search, bare_errors = _bare_stack(repeats, search=True)
    ratio = latency.p50_ms / forward.p50_ms
    # Where the median goes, by difference of medians (approximate: medians do not add up)
    search_work = bare_search.p50_ms - floor.p50_ms - forward.p50_ms
    api_own = latency.p50_ms - bare_search.p50_ms
    return "\n".join(
        [
            f"encoder forward pass ({encoder}, 1 query):  p50 {forward.p50_ms:.2f} ms"
            f"  p95 {forward.p95_ms:.2f} ms  (n={forward.n})",
            f"POST /v1/search over HTTP, 1 client:      p50 {latency.p50_ms:.2f} ms"
            f"  p95 {latency.p95_ms:.2f} ms  (n={latency.n}, errors {errors})",
            f"p50 ratio HTTP search / forward pass:     {ratio:.2f}x (goal <= 1.5x)",
            f"bare FastAPI route on uvicorn (floor):    p50 {floor.p50_ms:.2f} ms"
            f"  p95 {floor.p95_ms:.2f} ms  (no middleware, no dependency, no search)",
            f"bare route running the same search:       p50 {bare_search.p50_ms:.2f} ms"
            f"  p95 {bare_search.p95_ms:.2f} ms  ratio {bare_search.p50_ms / forward.p50_ms:.2f}x"
            f"  (errors {bare_errors}; no key check, rate limit, metrics or headers)",
            f"where the p50 goes (ms):                  forward pass {forward.p50_ms:.2f}"
            f" + search around it {search_work:.2f} + HTTP floor {floor.p50_ms:.2f}"
            f" + the API's guards, metrics and headers {api_own:.2f}",
            f"throughput, 1 client:                     {rps_1:.0f} requests/s (errors {errors_1})",
            f"throughput, 8 concurrent clients:         {rps_8:.0f} requests/s (errors {errors_8})",
        ]
    )
