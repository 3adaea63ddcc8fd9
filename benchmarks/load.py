"""The long resilience run (`rag-territoires bench --load`): a real server on loopback
under many concurrent clients, with a language model that misbehaves.

1. ``searches`` searches from ``clients`` clients at once;
2. ``chats`` chats from ``clients`` clients at once, the language model being a local
   server that drips its reply one byte every 0.1 s (so every chat that reaches it is cut
   at the deadline, and the others find it busy).

Throughout, a probe (in a process of its own) asks ``/healthz`` and ``/readyz`` in turn,
every 50 ms. It prints errors (5xx and transport failures), p50/p99 per phase, each
probe's p50/p99 idle and under each phase's load, and the server's resident memory
before and after. A measurement, not a test: it asserts nothing, and every loop is
bounded.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.speed import QUESTIONS, SearchClient, percentile_ms
from rag_territoires.launcher import spawn_api

DRIP_SECONDS = 0.1
LLM_DEADLINE = "2"
PROBES = ("/healthz", "/readyz")
PHASES = ("idle", "search", "chat")  # what the probe's samples are tagged with


class _DrippingModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible server that is far too slow: 1 byte per DRIP_SECONDS."""

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        reply = {"choices": [{"message": {"role": "assistant", "content": "Trop tard [1]."}}]}
        body = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(min(len(body), 100)):  # at most 10 s, then it stops by itself
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(DRIP_SECONDS)
        except OSError:
            pass


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _phase(base: str, clients: int, total: int, request) -> dict:
    """``total`` requests shared by ``clients`` threads; ``request(i)`` gives (path, body)."""
    statuses: list[int] = []
    samples: list[float] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        client = SearchClient(base, timeout=30)
        for i in range(offset, total, clients):
            status, seconds = client.call("POST", *request(i))
            with lock:
                statuses.append(status)
                samples.append(seconds)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(statuses),
        "errors": sum(s == 0 or s >= 500 for s in statuses),
        "p50": percentile_ms(samples, 0.5),
        "p99": percentile_ms(samples, 0.99),
        "per_second": len(statuses) / elapsed,
    }


Sample = tuple[str, str, float]  # probe path, phase, seconds (inf: failed)


def _probe(base: str, stop, phase, samples: list[Sample], limit: int = 20_000) -> None:
    """Each probe in turn until ``stop``; ``phase``: a shared index into PHASES."""
    client = SearchClient(base, timeout=30)
    while not stop.is_set() and len(samples) < limit:
        path = PROBES[len(samples) % len(PROBES)]
        status, seconds = client.call("GET", path)
        samples.append((path, PHASES[phase.value], seconds if status == 200 else float("inf")))
        time.sleep(0.05)


def _probe_process(base: str, stop, phase, results) -> None:
    """The probe under load, in a process of its own: in the load generator's process it
    would wait for the GIL behind 16 client threads and time them, not the server."""
    samples: list[Sample] = []
    _probe(base, stop, phase, samples)
    results.put(samples)


@dataclass
class LoadReport:
    clients: int
    phases: dict[str, dict]  # name -> requests, errors, p50, p99, per_second
    probes: list[Sample]  # idle, then under load
    rss_before_mb: float
    rss_after_mb: float

    def probe(self, path: str, phase: str) -> list[float]:
        return [s for p, ph, s in self.probes if p == path and ph == phase]

    @property
    def loaded_probe(self) -> list[float]:
        return [s for _, phase, s in self.probes if phase != "idle"]

    @property
    def probe_failures(self) -> int:
        return sum(s == float("inf") for s in self.loaded_probe)

    def table(self) -> str:
        lines = [
            f"{name:24} {phase['requests']:6} requests at {self.clients} clients: "
            f"errors {phase['errors']}, p50 {phase['p50']:.1f} ms, p99 {phase['p99']:.1f} ms, "
            f"{phase['per_second']:.0f} requests/s"
            for name, phase in self.phases.items()
        ]
        for path in PROBES:
            for phase in PHASES:
                samples = self.probe(path, phase)
                where = "idle" if phase == "idle" else f"under {phase} load"
                lines.append(
                    f"{path + ' ' + where + ':':32} p50 {percentile_ms(samples, 0.5):.1f} ms, "
                    f"p99 {percentile_ms(samples, 0.99):.1f} ms (n={len(samples)}, "
                    f"failed {sum(s == float('inf') for s in samples)})"
                )
        lines.append(
            f"server memory (RSS):     {self.rss_before_mb:.0f} MB before, "
            f"{self.rss_after_mb:.0f} MB after"
        )
        return "\n".join(lines)


def measure_load(
    searches: int = 10_000,
    chats: int = 2_000,
    clients: int = 16,
    extra_env: dict[str, str] | None = None,
) -> LoadReport:
    model = ThreadingHTTPServer(("127.0.0.1", 0), _DrippingModel)
    model.daemon_threads = True
    threading.Thread(target=model.serve_forever, daemon=True).start()
    env = {
        "RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0",
        "RAG_TERRITOIRES_LLM_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
        "RAG_TERRITOIRES_LLM_MODEL": "dripping",
        "RAG_TERRITOIRES_LLM_TIMEOUT_SECONDS": LLM_DEADLINE,
        **(extra_env or {}),
    }
    process, base = spawn_api(env)
    try:
        rss_before = _rss_mb(process.pid)
        spawn = multiprocessing.get_context("spawn")
        phase = spawn.Value("i", PHASES.index("idle"))
        idle: list[Sample] = []
        _probe(base, threading.Event(), phase, idle, limit=200)
        stop, results = spawn.Event(), spawn.Queue()
        probe = spawn.Process(target=_probe_process, args=(base, stop, phase, results))
        phase.value = PHASES.index("search")
        probe.start()
        try:
            search = _phase(
                base, clients, searches, lambda i: ("/v1/search", {"query": QUESTIONS[i % 8]})
            )
            phase.value = PHASES.index("chat")
            chat = _phase(
                base,
                clients,
                chats,
                lambda i: (
                    "/v1/chat",
                    {"messages": [{"role": "user", "content": QUESTIONS[i % 8]}]},
                ),
            )
        finally:
            stop.set()
            loaded = results.get(timeout=60)
            probe.join(timeout=60)
        rss_after = _rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
        model.shutdown()
    phases = {"search": search, "chat (dripping model)": chat}
    return LoadReport(clients, phases, idle + loaded, rss_before, rss_after)


def run_load(searches: int = 10_000, chats: int = 2_000, clients: int = 16) -> str:
    return measure_load(searches, chats, clients).table()
