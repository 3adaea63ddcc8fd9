"""The real thing: `rag-territoires serve` under uvicorn on a free loopback port."""

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(retriever):
    port = free_port()
    env = {
        **os.environ,
        "RAG_TERRITOIRES_INDEX_DIR": str(retriever.settings.index_dir),
        "RAG_TERRITOIRES_API_KEYS": '["intranet-key"]',
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "rag_territoires.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # bounded wait for the model and index to load
        if process.poll() is not None:
            pytest.fail(f"server exited: {process.stderr.read()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("server not ready within 120 s")
    yield base
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()


def test_the_server_answers_over_http(server):
    headers = {"X-API-Key": "intranet-key"}
    response = httpx.post(
        f"{server}/v1/search",
        json={"query": "tiers-lieux ?", "top_k": 2},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["passages"][0]["branch"] == ["Pour s'inspirer", "Tiers-lieux"]
    assert httpx.post(f"{server}/v1/search", json={"query": "x"}, timeout=10).status_code == 401


def test_concurrent_clients_are_all_served(server):
    headers = {"X-API-Key": "intranet-key"}
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
            headers=headers,
            timeout=30,
        )
        return r.status_code, r.json()["citations"][0]["quote"] if r.status_code == 200 else ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(32)))
    assert all(status == 200 for status, _ in results)
    # the same question gets the same answer under load
    for i in range(4):
        assert len({quote for j, (_, quote) in enumerate(results) if j % 4 == i}) == 1
