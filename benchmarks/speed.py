"""Speed, measured in one run: the bare encoder forward pass for one query,
``POST /v1/search`` over HTTP on loopback (a real ``rag-territoires serve``), and two
floors (``bare_app.py``): a bare FastAPI route, and a bare route running the same search.
A fifth server is the API with its searches on the event loop (``loop_app.py``): what the
search lane's thread hops cost. Then throughput with 1 and 8 concurrent clients.

The five are measured interleaved, one of each in turn (in a rotating order), so that the
machine's noise falls on all of them alike: run one after another, five runs of a day put
the API's own layers at -0.16, +0.47, -0.08, -0.04 and +0.91 ms. Where the time goes is
the median of the paired differences, round by round, with its spread (quartiles).

A measurement, not a test: it asserts nothing. Every request loop is bounded.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from benchmarks import child_env
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


def _start_server(module: str, *args: str, env: dict | None = None):
    """``python -m benchmarks.MODULE PORT ARGS``, once it answers: ``bare_app`` (a bare
    FastAPI route, the stack's own cost; with ``--search``, the stack and the real search
    with nothing of the API's own around it) or ``loop_app`` (the API with its searches on
    the event loop). Returns (process, base URL)."""
    import sys

    from rag_territoires.launcher import QuietProcess, free_port, wait_ready

    port = free_port()
    command = [sys.executable, "-m", f"benchmarks.{module}", str(port), *args]
    process = QuietProcess(command, {**child_env(), **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/readyz", process, 60)
    except BaseException:
        _stop(process)
        raise
    return process, base


def _stop(process) -> None:
    process.terminate()
    process.wait(timeout=20)


@dataclass
class Interleaved:
    """Seconds per round for each measured thing, and each HTTP target's errors."""

    samples: dict[str, list[float]]
    errors: dict[str, int]

    def timing(self, name: str) -> Timing:
        return _timing(self.samples[name])

    def difference_ms(self, plus: Sequence[str], minus: Sequence[str]) -> tuple[float, ...]:
        """The median, over rounds, of sum(plus) - sum(minus), and its quartiles (ms)."""
        rounds = len(self.samples[plus[0]])
        paired = [
            sum(self.samples[n][i] for n in plus) - sum(self.samples[n][i] for n in minus)
            for i in range(rounds)
        ]
        quartiles = statistics.quantiles(paired, n=4) if rounds > 1 else paired * 3
        return tuple(1000 * x for x in (statistics.median(paired), quartiles[0], quartiles[2]))


def interleaved(encoder, clients: dict[str, SearchClient], repeats: int) -> Interleaved:
    """``repeats`` rounds; in each, one forward pass and one request to each client, the
    order rotating from round to round."""
    names = ["forward", *clients]
    samples: dict[str, list[float]] = {name: [] for name in names}
    errors = dict.fromkeys(clients, 0)
    for i in range(repeats):
        question = QUESTIONS[i % len(QUESTIONS)]
        for name in names[i % len(names) :] + names[: i % len(names)]:
            started = time.perf_counter()
            if name == "forward":
                encoder.encode([question])
            else:
                errors[name] += clients[name].search(question) != 200
            samples[name].append(time.perf_counter() - started)
    return Interleaved(samples, errors)


def run(repeats: int = 300) -> str:
    encoder_spec = Settings().encoders[0]
    encoder = make_encoder(encoder_spec)
    encoder.warm_up()
    processes = []
    try:
        unlimited = {"RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0"}
        process, api = spawn_api(unlimited)
        processes.append(process)
        process, on_loop = _start_server("loop_app", env=unlimited)
        processes.append(process)
        process, floor = _start_server("bare_app")
        processes.append(process)
        process, bare = _start_server("bare_app", "--search")
        processes.append(process)
        named = (("api", api), ("floor", floor), ("loop", on_loop))
        clients = {name: SearchClient(base) for name, base in named}
        clients["bare"] = SearchClient(bare)
        interleaved(encoder, clients, 20)  # warm the connections and the servers
        measured = interleaved(encoder, clients, repeats)
        for client in clients.values():
            client.close()
        rps_1, errors_1 = throughput(api, 1, repeats)
        rps_8, errors_8 = throughput(api, 8, max(1, repeats // 8) * 2)
    finally:
        for process in processes:
            _stop(process)
    return report(encoder_spec, measured, (rps_1, errors_1), (rps_8, errors_8))


def report(encoder: str, m: Interleaved, one: tuple, eight: tuple) -> str:
    def line(label: str, name: str, note: str = "") -> str:
        t = m.timing(name)
        errors = f", errors {m.errors[name]}" if name in m.errors else ""
        return f"{label:<42}p50 {t.p50_ms:.2f} ms  p95 {t.p95_ms:.2f} ms  (n={t.n}{errors}){note}"

    def share(label: str, plus: Sequence[str], minus: Sequence[str], goal: str = "") -> str:
        median, low, high = m.difference_ms(plus, minus)
        return f"{label:<46}{median:+.2f} ms  (quartiles {low:+.2f} to {high:+.2f}){goal}"

    return "\n".join(
        [
            line(f"encoder forward pass ({encoder}, 1 query):", "forward"),
            line("POST /v1/search over HTTP, 1 client:", "api"),
            line("the same, searches on the event loop:", "loop", "  bench only (loop_app.py)"),
            line("bare FastAPI route on uvicorn (floor):", "floor", "  no search"),
            line("bare route running the same search:", "bare", "  no guard, metrics, headers"),
            "where the time goes, median of the paired differences, round by round:",
            share("  the API's own layers (API - bare search):", ["api"], ["bare"], "  goal 0.3"),
            share("    of which the search lane's hops:", ["api"], ["loop"], "  (API - on loop)"),
            share("  search around the forward pass:", ["bare"], ["floor", "forward"]),
            share("  HTTP floor:", ["floor"], []),
            f"{'throughput, 1 client:':<42}{one[0]:.0f} requests/s (errors {one[1]})",
            f"{'throughput, 8 clients at once:':<42}{eight[0]:.0f} requests/s (errors {eight[1]})",
        ]
    )
