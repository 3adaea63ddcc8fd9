"""The real thing: `rag-territoires serve` under uvicorn on a free loopback port."""

import signal
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rag_territoires.launcher import free_port
from tests.conftest import spawn, start_api, stop

pytestmark = pytest.mark.system

KEY = {"X-API-Key": "intranet-key-0f3a9c"}


@pytest.fixture(scope="module")
def server(engine):
    process, url = start_api(engine, RAG_TERRITOIRES_API_KEYS='["intranet-key-0f3a9c"]')
    yield url
    stop(process)


def test_the_server_answers_over_http(server):
    response = httpx.post(
        f"{server}/v1/search", json={"query": "tiers-lieux ?", "top_k": 2}, headers=KEY, timeout=10
    )
    assert response.status_code == 200
    assert response.json()["passages"][0]["branch"] == ["Pour s'inspirer", "Tiers-lieux"]
    assert httpx.post(f"{server}/v1/search", json={"query": "x"}, timeout=10).status_code == 401


def test_concurrent_clients_are_all_served(server):
    questions = [
        "Comment renforcer l'ingénierie territoriale ?",
        "tiers-lieux",
        "What is the Anthropocene about?",
        "Quels sont les 3 principes à appliquer ?",
    ]

    def one(i: int) -> tuple[int, str]:
        q = questions[i % len(questions)]
        r = httpx.post(
            f"{server}/v1/chat",
            json={"messages": [{"role": "user", "content": q}]},
            headers=KEY,
            timeout=30,
        )
        return r.status_code, r.json()["citations"][0]["quote"] if r.status_code == 200 else ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(32)))
    assert all(status == 200 for status, _ in results)
    # the same question gets the same answer under load
    for i in range(4):
        assert len({quote for j, (_, quote) in enumerate(results) if j % 4 == i}) == 1


NOISY_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Noisy(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/noisy":  # far more than a pipe holds (64 KB)
            sys.stderr.write("a log line\\n" * 20_000)
            sys.stderr.flush()
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

HTTPServer(("127.0.0.1", int(sys.argv[1])), Noisy).serve_forever()
"""


def test_a_server_that_logs_much_keeps_answering_and_stops_when_asked():
    # The servers the tests and benchmarks start wrote their errors into a pipe nobody
    # read: past 64 KB a server blocked on its next write, answered nothing more, and
    # took its whole grace time to be killed (launcher.QuietProcess)
    port = free_port()
    process, url = spawn([sys.executable, "-c", NOISY_SERVER, str(port)], port, "/ready")
    try:
        assert httpx.get(url + "/noisy", timeout=30).text == "ok"
        assert httpx.get(url + "/ready", timeout=30).text == "ok"
    finally:
        stop(process)
    assert process.returncode != -signal.SIGKILL  # it stopped when asked, not killed
    assert process.error_output().count("a log line") == 20_000
