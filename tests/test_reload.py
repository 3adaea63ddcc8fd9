"""A map added while the API serves 8 clients: the server switches to the new build by
itself, and no request fails before, during or after the switch (api/reload.py)."""

from __future__ import annotations

import gc
import shutil
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rag_territoires.api import reload as reload_module
from rag_territoires.api.reload import Retired, load_next, release_frozen
from rag_territoires.engine import Engine
from rag_territoires.index.manifest import current_build_name
from rag_territoires.launcher import spawn_api
from tests.conftest import CORPUS, stop
from tests.helpers import corpus_env, run, second_map

pytestmark = pytest.mark.integration

CLIENTS = 8
QUESTIONS = ["Comment renforcer l'ingénierie territoriale ?", "tiers-lieux", "et le deuxième ?"]


def test_adding_a_map_under_load_loses_no_request(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    env = corpus_env(tmp_path)
    assert run("build", "--quiet", env=env).returncode == 0
    process, url = spawn_api(
        {
            **env,
            "RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0",
            "RAG_TERRITOIRES_RELOAD_POLL_SECONDS": "0.2",
        },
        timeout=120,
    )
    failures: list[str] = []
    answered = [0] * CLIENTS
    stop_at = [time.monotonic() + 120]  # bounded even if the add never lands

    def client(number: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while time.monotonic() < stop_at[0]:
                query = QUESTIONS[(number + answered[number]) % len(QUESTIONS)]
                try:
                    response = http.post("/v1/search", json={"query": query, "top_k": 10})
                except httpx.HTTPError as error:
                    failures.append(f"{type(error).__name__}: {error}")
                    continue
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:200]}")
                    continue
                answered[number] += 1

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            running = [pool.submit(client, n) for n in range(CLIENTS)]
            time.sleep(1.0)
            added = run(
                "add", str(second_map(tmp_path / "incoming", nodes=400)), "--quiet", env=env
            )
            assert added.returncode == 0, added.stderr
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                ready = httpx.get(url + "/readyz", timeout=10).json()
                if "forum-2027.txt" in ready["documents"]:
                    break
                time.sleep(0.2)
            switched_after = sum(answered)
            time.sleep(1.5)  # more searches on the new build
            stop_at[0] = 0
            for future in running:
                future.result()
        assert "forum-2027.txt" in ready["documents"], ready
        filtered = httpx.post(
            url + "/v1/search",
            json={"query": "tiers-lieux", "documents": ["forum-2027.txt"]},
            timeout=30,
        ).json()
        assert {p["source"]["document"] for p in filtered["passages"]} == {"forum-2027.txt"}
    finally:
        stop(process)
    assert failures == [], failures[:5]
    assert switched_after > 50 and sum(answered) > switched_after  # load before and after


def test_a_previous_build_is_freed_after_the_switch(engine):
    """Loading freezes what it made (gc.freeze): the switch must thaw it, or every new
    build would keep the previous one in memory for good."""
    old = load_next(engine)
    node = weakref.ref(old.corpus.documents[0].roots[0])
    new = load_next(engine)  # freezes everything alive, the old build included
    del old
    gc.collect()
    assert node() is not None  # frozen: the collector does not see its cycles
    release_frozen()
    assert node() is None
    assert new.search("tiers-lieux").passages


def test_a_build_switched_from_is_freed_when_the_last_request_begun_on_it_ends(monkeypatch):
    released: list[int] = []
    monkeypatch.setattr(reload_module, "release_frozen", lambda: released.append(1))
    retired = Retired()
    before = retired.began()  # a request on the build about to be replaced
    retired.switched()
    after = retired.began()  # one on the new build
    assert released == []  # the first may still read the old build
    retired.ended(after)
    assert released == []
    retired.ended(before)
    assert released == [1]
    retired.switched()  # nothing running: freed at once
    assert released == [1, 1]


def test_reloads_keep_no_more_than_one_previous_build_alive(engine, tmp_path):
    """Each build froze the one it replaced (gc.freeze at load), which was freed only 30 s
    after the switch: reloads a few seconds apart kept a build per reload alive."""
    from fastapi.testclient import TestClient

    from benchmarks.reload_memory import publish_again
    from rag_territoires.api.main import create_app

    live = engine.settings.index_dir / current_build_name(engine.settings.index_dir)
    index_dir = tmp_path / "index"
    shutil.copytree(live, index_dir / live.name)
    (index_dir / "CURRENT").write_text(live.name + "\n", encoding="utf-8")
    settings = engine.settings.model_copy(
        update={"index_dir": index_dir, "reload_poll_seconds": 0.05, "rate_limit_per_minute": 0}
    )
    app = create_app(settings, Engine(settings, auto_build=False))
    builds: list[weakref.ref] = []  # a node of each build served, followed weakly
    with TestClient(app) as client:
        for number in range(1, 5):
            builds.append(weakref.ref(app.state.rag.engine.corpus.documents[0].roots[0]))
            name = publish_again(index_dir, number)
            for _ in range(2400):  # bounded: 2 min at most
                if client.get("/readyz").json()["build"] == name:
                    break
                time.sleep(0.05)
            assert client.get("/readyz").json()["build"] == name
            assert client.post("/v1/search", json={"query": "tiers-lieux"}).status_code == 200
            alive = sum(node() is not None for node in builds)
            assert alive <= 1, f"{alive} previous builds alive after {number} reloads"
