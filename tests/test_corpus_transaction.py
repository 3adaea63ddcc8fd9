"""`add` and `remove` are transactions (issue 29): the corpus folder and the live build
change together or not at all, whatever stops the command, and concurrent changes are
serialised. These tests run the real command in a subprocess on a tiny corpus."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag_territoires.corpus.file_checks import MAX_NAME_BYTES
from rag_territoires.launcher import spawn_api
from tests.conftest import ROOT, stop
from tests.helpers import (
    BOUND_SECONDS,
    cli,
    corpus_env,
    corpus_files,
    indexed_fingerprint,
    live_build,
    opml_map,
    run,
    second_map,
    tiny_corpus,
    tiny_map,
)

pytestmark = pytest.mark.system

POLL_SECONDS = 0.01


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> Path:
    """Built once for the module; tests copy it."""
    return tiny_corpus(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def root(tiny_build: Path, tmp_path: Path) -> Path:
    shutil.copytree(tiny_build / "corpus", tmp_path / "corpus")
    shutil.copytree(tiny_build / "index", tmp_path / "index")
    return tmp_path


def build_files(root: Path, build: str) -> dict[str, bytes]:
    folder = root / "index" / build
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def corpus_fingerprint(root: Path) -> str:
    from rag_territoires.corpus.corpus import Corpus

    return Corpus.load(root / "corpus").fingerprint


def assert_corpus_matches_index(root: Path) -> None:
    assert corpus_fingerprint(root) == indexed_fingerprint(root), (
        f"corpus/ holds {sorted(corpus_files(root))} but the live build was made from other maps"
    )


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + BOUND_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(POLL_SECONDS)


def building(root: Path) -> bool:
    """A build folder is being written (the command is past its checks and copies)."""
    return any((root / "index").glob("build-*.partial"))


def waits_for_the_lock(process: subprocess.Popen, root: Path) -> bool:
    """The process holds the index's lock file open: it waits for the lock or holds it."""
    lock = str(root / "index" / ".build.lock")
    folder = Path(f"/proc/{process.pid}/fd")
    try:
        return any(os.readlink(fd) == lock for fd in folder.iterdir())
    except OSError:  # a descriptor closed meanwhile
        return False


@pytest.mark.parametrize(
    "sent", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill", "term", "int"]
)
def test_an_interrupted_add_leaves_nothing_behind_and_publishes_nothing_later(root, sent):
    """Issue 29, item 1: `timeout 3 add x.md` left x.md in corpus/, and the next add
    published it."""
    before, served = corpus_files(root), live_build(root)
    served_files = build_files(root, served)
    orphan = tiny_map(root / "incoming", "x.md", "Carte X", ["Tiers-lieux culturels"])
    adding = cli("add", str(orphan), "--quiet", root=root)
    wait_for(lambda: building(root) or adding.poll() is not None, "the add's build started")
    adding.send_signal(sent)
    _, err = adding.communicate(timeout=BOUND_SECONDS)
    assert "Traceback" not in err
    committed = live_build(root) != served
    if not committed:  # the usual case: killed while building, before the switch
        assert corpus_files(root) == before
        assert build_files(root, served) == served_files  # the live build, byte for byte
    later = tiny_map(root / "incoming", "y.md", "Carte Y", ["Mobilités douces"])
    out = run("add", str(later), "--quiet", env=corpus_env(root))
    assert out.returncode == 0, out.stderr
    assert ("x.md" in corpus_files(root)) == committed
    assert "y.md" in corpus_files(root)
    assert_corpus_matches_index(root)


def test_concurrent_adds_racing_an_interrupted_one(root):
    """Issue 29, item 2: add A, then add B, then interrupt A: the corpus held {B}, the
    new build {A, B}, and the server kept serving an older build while ready."""
    process, url = spawn_api(
        {**corpus_env(root), "RAG_TERRITOIRES_RELOAD_POLL_SECONDS": "0.2"}, timeout=120
    )
    try:
        large = second_map(root / "incoming", name="atelier-a", nodes=1500)  # a long build
        small = tiny_map(root / "incoming", "b-bis.md", "Carte B bis", ["Haies bocagères"])
        first = cli("add", str(large), "--quiet", root=root)
        wait_for(lambda: building(root) or first.poll() is not None, "A's build started")
        second = cli("add", str(small), "--quiet", root=root)
        wait_for(
            lambda: waits_for_the_lock(second, root) or second.poll() is not None,
            "B reached the lock",
        )
        first.send_signal(signal.SIGINT)
        _, first_err = first.communicate(timeout=BOUND_SECONDS)
        _, second_err = second.communicate(timeout=BOUND_SECONDS)
        assert first.returncode in (0, 130), first_err
        assert second.returncode == 0, second_err
        assert "Traceback" not in first_err + second_err
        held = corpus_files(root)
        assert "b-bis.md" in held
        assert ("atelier-a.txt" in held) == (first.returncode == 0)
        assert_corpus_matches_index(root)

        live = live_build(root)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready = httpx.get(url + "/readyz", timeout=10).json()
            if ready.get("build") == live:
                break
            time.sleep(0.2)
        assert ready.get("build") == live, f"the server still serves {ready.get('build')}"
        documents = [name for name in held if not name.endswith(".outline.md")]
        assert sorted(ready["documents"]) == sorted(documents)
        listed = httpx.get(url + "/v1/documents", timeout=10)
        assert listed.headers["X-Rag-Build"] == live
        assert sorted(d["document"] for d in listed.json()) == sorted(documents)
    finally:
        stop(process)


def limited_writes(max_bytes: int):
    """No file written larger than ``max_bytes``: a write past it fails (EFBIG), as on a
    full disk (Python ignores SIGXFSZ, so the write fails instead of killing)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def test_replace_by_a_file_that_cannot_be_written_keeps_the_map(root):
    """Issue 29, item 3: --replace removed the old file before writing the new one; a
    full disk lost the map, with a traceback."""
    before, served = corpus_files(root), live_build(root)
    bigger = opml_map(root / "incoming" / "a.opml", "Carte A", branches=400)
    assert bigger.stat().st_size > 20_000
    adding = cli(
        "add", str(bigger), "--replace", "--quiet", root=root, preexec_fn=limited_writes(20_000)
    )
    _, err = adding.communicate(timeout=BOUND_SECONDS)
    assert adding.returncode == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "a.opml" in err
    assert corpus_files(root) == before
    assert live_build(root) == served


def test_two_files_whose_second_cannot_be_written_add_nothing(root):
    """Issue 29, item 3: the first file stayed copied when the second failed."""
    before, served = corpus_files(root), live_build(root)
    small = tiny_map(root / "incoming", "c.md", "Carte C", ["Circuits courts"])
    big = opml_map(root / "incoming" / "d.opml", "Carte D", branches=400)
    adding = cli(
        "add", str(small), str(big), "--quiet", root=root, preexec_fn=limited_writes(20_000)
    )
    _, err = adding.communicate(timeout=BOUND_SECONDS)
    assert adding.returncode == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert corpus_files(root) == before
    assert live_build(root) == served


def test_replace_with_a_long_name_keeps_the_map(root):
    """Issue 29, item 3: a name near the file system's limit made the copy's temporary
    name too long, after the old file was removed: the map was lost. Such names are now
    refused up front (corpus/file_checks.py); the longest one taken is replaced whole."""
    name = "l" * (MAX_NAME_BYTES - len(".opml"))
    tiny_map(root / "corpus", f"{name}.md", "Carte longue", ["Eau potable"])
    assert run("build", "--quiet", env=corpus_env(root)).returncode == 0
    other = opml_map(root / "incoming" / f"{name}.opml", "Carte longue", branches=3)
    out = run("add", str(other), "--replace", "--quiet", env=corpus_env(root))
    assert "Traceback" not in out.stderr
    assert out.returncode == 0, out.stderr
    held = corpus_files(root)
    assert f"{name}.opml" in held and f"{name}.md" not in held
    assert_corpus_matches_index(root)


def test_a_change_killed_after_its_switch_is_completed_by_the_next_command(root):
    """Killed between the switch of CURRENT and the update of corpus/: the change is
    published (the build carries its maps), and the next command that reads the corpus
    brings corpus/ up to it, here a search that would otherwise find the index stale."""
    served = live_build(root)
    new = tiny_map(root / "incoming", "x.md", "Carte X", ["Tiers-lieux culturels"])
    killed_after_switch = (
        "import os, signal, sys\n"
        "from rag_territoires.corpus import transaction\n"
        "transaction.roll_forward = lambda *_: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from rag_territoires.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    adding = subprocess.run(
        [sys.executable, "-c", killed_after_switch, "add", str(new), "--quiet"],
        cwd=ROOT,
        env={**os.environ, **corpus_env(root)},
        capture_output=True,
        text=True,
        timeout=BOUND_SECONDS,
    )
    assert adding.returncode == -signal.SIGKILL, adding.stderr
    published = live_build(root)
    assert published != served
    assert (root / "index" / published / "corpus" / "x.md").read_bytes() == new.read_bytes()
    assert "x.md" not in corpus_files(root)  # not yet: the command died first

    found = run("search", "tiers-lieux", "--json", env=corpus_env(root))
    assert found.returncode == 0, found.stderr
    assert live_build(root) == published  # completed, not built again
    assert corpus_files(root)["x.md"] == new.read_bytes()
    assert_corpus_matches_index(root)
    assert not [p for p in (root / "corpus").iterdir() if p.name.startswith(".")]
    assert not (root / "index" / published / "corpus-change.json").exists()
