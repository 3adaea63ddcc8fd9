"""Shared fixtures: data copied to tmp_path, and one real engine for the session.

The engine uses the real encoder (USE, numpy) and a real FAISS index built in
a temporary folder, never the repository's index/. No developer's settings reach a test
(``isolated_settings``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Two test workers share two cores (`-n 2`), and each one's BLAS and torch took two threads
# of their own: four threads fought over two cores, and the numeric tests took about twice
# as long (the added maps' calibration beside another busy process: 114-116 s with two
# BLAS threads, 58-80 s with one). Set before numpy is first imported; the servers and
# commands the tests start inherit it.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import pytest  # noqa: E402

from rag_territoires.config import Settings  # noqa: E402
from rag_territoires.engine import Engine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "corpus" / "seminaire-territoires-ruraux-carte-mentale.txt"
OUTLINE = ROOT / "corpus" / "seminaire-territoires-ruraux-carte-mentale.outline.md"
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session", autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory):
    """No ``RAG_TERRITOIRES_*`` variable nor ``.env`` of the developer's reaches the tests
    or the servers they start (which inherit this environment), and what the API writes
    (feedback) goes to a temporary folder, not the checkout's data/. Session-wide, so that
    the session's servers start in it too; each test's own changes go through monkeypatch."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("RAG_TERRITOIRES_")]:
            patch.delenv(name)
        patch.setenv("RAG_TERRITOIRES_ENV_FILE", os.devnull)  # for the servers started
        patch.setitem(Settings.model_config, "env_file", None)  # for this process
        patch.setenv("RAG_TERRITOIRES_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        # e5 off unless a test turns it on: a build with it encodes every text again with
        # a second model (~11 s for the seminar), and most tests test nothing of e5;
        # tests/test_rerank*.py, test_e5_encoder.py and the maps report test it on
        patch.setenv("RAG_TERRITOIRES_RERANK_ADDED_MAPS", "false")
        yield


TIERS = ("unit", "integration", "system")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test has exactly one tier (`make test-fast` must not miss a new module: it
    runs `-m unit`). Then the slow tests first: on two workers, each starts one of them
    at once instead of one worker finishing the run alone with a test of several minutes."""
    for item in items:
        tiers = {tier for tier in TIERS if item.get_closest_marker(tier)}
        if len(tiers) != 1:
            raise pytest.UsageError(
                f"{item.nodeid}: one of the markers {', '.join(TIERS)} is needed "
                f"(pytestmark = pytest.mark.<tier> at the top of its module), not {sorted(tiers)}"
            )
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """SIGINT as Python has it by default, before each test and its fixtures. In a full run
    a test worker was found ignoring SIGINT (SIG_IGN, set by some library on the way), and
    every process started from it inherited that: a command the tests interrupt with
    SIGINT (``add``, in test_corpus_transaction.py) went on as if not interrupted."""
    import signal
    import threading

    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of corpus/, for tests that edit or break it."""
    target = tmp_path / "corpus"
    target.mkdir()
    shutil.copy(EXPORT, target / EXPORT.name)
    shutil.copy(OUTLINE, target / OUTLINE.name)
    return target


@pytest.fixture
def settings(corpus_dir: Path, tmp_path: Path) -> Settings:
    return Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The real pipeline with the default configuration, loaded once for the session."""
    index_dir = tmp_path_factory.mktemp("index")
    ready = Engine(Settings(corpus_dir=CORPUS, index_dir=index_dir))
    ready.warm_up()
    return ready


@pytest.fixture(scope="session")
def api_settings(engine: Engine) -> Settings:
    return engine.settings.model_copy(update={"rate_limit_per_minute": 0})


@pytest.fixture(scope="session")
def client(engine: Engine, api_settings: Settings):
    """The API with its lifespan, on the session's engine (loaded once)."""
    from fastapi.testclient import TestClient

    from rag_territoires.api.main import create_app

    with TestClient(create_app(api_settings, engine)) as test_client:
        yield test_client


def make_client(engine: Engine, **settings):
    """A client for an app with other settings (keys, CORS, limits, LLM)."""
    from fastapi.testclient import TestClient

    from rag_territoires.api.main import create_app

    merged = engine.settings.model_copy(update=settings)
    return TestClient(create_app(merged, engine))


def wait_until_ready(url: str, process, timeout: float = 120) -> None:
    from rag_territoires.errors import RagError
    from rag_territoires.launcher import wait_ready

    try:
        wait_ready(url, process, timeout)
    except RagError as error:
        pytest.fail(str(error))


def spawn(command: list[str], port: int, ready_path: str, env: dict | None = None):
    """A server process on a loopback port, once ``ready_path`` answers: (process, url)."""
    import os

    from rag_territoires.launcher import QuietProcess

    process = QuietProcess(command, {**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(url + ready_path, process)
    return process, url


def stop(process) -> None:
    """SIGTERM, then SIGKILL after 20 s. Not SIGINT: the test workers ignore SIGINT (found
    SIG_IGN in a worker of a full run), a process started from them inherits that, and a
    plain Python server (the example intranet page) then never saw its KeyboardInterrupt:
    each waited out the 20 s (the widget tests' teardown took 40 s in every full run).
    uvicorn and Streamlit stop on SIGTERM as they do on SIGINT."""
    import signal
    import subprocess

    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)  # its exit status, not None


def start_api(engine: Engine, port: int | None = None, workers: int = 1, **env: str):
    """`rag-territoires serve` on loopback (a free port unless given), on the session's
    index."""
    from rag_territoires.errors import RagError
    from rag_territoires.launcher import spawn_api

    try:
        return spawn_api(
            {"RAG_TERRITOIRES_INDEX_DIR": str(engine.settings.index_dir), **env},
            timeout=120,
            port=port,
            workers=workers,
        )
    except RagError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def api_server(engine: Engine):
    """A real API server for the chat page's tests (no key, no rate limit)."""
    process, url = start_api(engine, RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0")
    yield url
    stop(process)
