"""Probes are answered while the searches are held up (api/lane.py): a search, or a chat's
search, that does not return keeps neither /healthz nor /readyz waiting. On a real
uvicorn server on loopback, in this process so that the search can be held by an event."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from rag_territoires.api.main import create_app
from rag_territoires.api.protocol import GuardedHttpToolsProtocol
from rag_territoires.launcher import free_port

pytestmark = pytest.mark.system

HELD_AT_MOST = 60  # seconds: the held search gives up by itself, whatever happens


@pytest.fixture
def server(api_settings, engine) -> Iterator[tuple[str, object]]:
    app = create_app(api_settings.model_copy(update={"reload_poll_seconds": 0}), engine)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=GuardedHttpToolsProtocol, log_level="warning"
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    for _ in range(600):  # bounded: 60 s
        if served.started:
            break
        threading.Event().wait(0.1)
    assert served.started
    yield f"http://127.0.0.1:{port}", app
    served.should_exit = True
    thread.join(timeout=30)


def hold(monkeypatch, searcher, method: str) -> tuple[threading.Event, threading.Event]:
    """``searcher.method`` made to wait for ``release`` once it has begun (``entered``)."""
    entered, release = threading.Event(), threading.Event()
    original = getattr(searcher, method)

    def held(*args, **kwargs):
        entered.set()
        release.wait(HELD_AT_MOST)
        return original(*args, **kwargs)

    monkeypatch.setattr(searcher, method, held)
    return entered, release


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("search", "/v1/search", {"query": "tiers-lieux"}),
        ("search_outcome", "/v1/chat", {"messages": [{"role": "user", "content": "tiers-lieux"}]}),
    ],
)
def test_probes_are_answered_while_a_search_is_held(server, engine, monkeypatch, method,
                                                    path, body):  # fmt: skip
    url, _ = server
    entered, release = hold(monkeypatch, engine.searcher, method)
    with ThreadPoolExecutor(2) as pool:
        try:
            searches = [pool.submit(httpx.post, url + path, json=body, timeout=120)
                        for _ in range(2)]  # fmt: skip
            assert entered.wait(HELD_AT_MOST)
            # the search is held: the probes must not wait for it
            assert httpx.get(url + "/healthz", timeout=10).json() == {"status": "ok"}
            ready = httpx.get(url + "/readyz", timeout=10)
            assert ready.status_code == 200 and ready.json()["status"] == "ready"
            assert not any(s.done() for s in searches)  # still held
        finally:
            release.set()
        assert [s.result().status_code for s in searches] == [200, 200]
