"""`add`, `remove` and `add --replace` killed (SIGKILL) at random moments, alone or while
another change waits for them (issue 29): after each kill, the corpus folder and the
live build are the state before the command or the state after it, byte for byte, and
the next command's settling leaves them equal and nothing else behind.

A run is one real command on a corpus of three tiny maps, killed after a random delay
drawn up to a little more than a whole command takes; what it had done when killed
varies from nothing (still importing) to everything. Nothing here depends on timing:
every outcome is checked the same way."""

from __future__ import annotations

import hashlib
import random
import subprocess
import time
from pathlib import Path

import pytest

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.index.generation import settle
from rag_territoires.index.lock import build_lock
from tests.helpers import (
    BOUND_SECONDS,
    cli,
    corpus_files,
    indexed_fingerprint,
    live_build,
    opml_map,
    tiny_corpus,
    tiny_map,
)

pytestmark = pytest.mark.system

RUNS = 60
TOGETHER_EVERY = 5  # every fifth run, a second change waits behind the killed one
SEED = 29

Files = dict[str, bytes]


def build_digest(root: Path, build: str) -> str:
    """The build folder's index files, byte for byte (not its change record, which
    settling removes once the corpus folder has caught up)."""
    digest = hashlib.sha256()
    folder = root / "index" / build
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != "corpus-change.json":
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def build_maps(root: Path, build: str) -> Files | None:
    folder = root / "index" / build / "corpus"
    if not folder.is_dir():
        return None
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class Maps:
    """The incoming files, and what each command makes of a state."""

    def __init__(self, folder: Path) -> None:
        self.x_md = [
            tiny_map(folder / "v0", "x.md", "Carte X", ["Tiers-lieux culturels"]),
            tiny_map(folder / "v1", "x.md", "Carte X", ["Friches industrielles", "Cafés"]),
        ]
        self.x_opml = opml_map(folder / "x.opml", "Carte X", branches=2)
        self.y_md = tiny_map(folder, "y.md", "Carte Y", ["Mobilités douces"])

    def change_x(self, state: Files, rng: random.Random) -> tuple[list[str], Files]:
        """A command on map x, and the state it leads to."""
        after = {k: v for k, v in state.items() if not k.startswith("x.")}
        if not any(k.startswith("x.") for k in state) or rng.random() < 0.5:
            source = rng.choice([*self.x_md, self.x_opml])
            replace = ["--replace"] if len(after) < len(state) else []
            return ["add", str(source), *replace], {**after, source.name: source.read_bytes()}
        return ["remove", "x"], after

    def change_y(self, state: Files) -> tuple[list[str], Files]:
        if "y.md" in state:
            return ["remove", "y.md"], {k: v for k, v in state.items() if k != "y.md"}
        return ["add", str(self.y_md)], {**state, "y.md": self.y_md.read_bytes()}


def settled(root: Path) -> None:
    """What the next command does first (under the lock, as it does)."""
    with build_lock(root / "index"):
        settle(root / "corpus", root / "index")


def check(root: Path, allowed: list[Files], before: Files, served: str, digest: str) -> Files:
    """The invariants after a kill; returns the state reached."""
    live = live_build(root)
    assert (root / "index" / live / "manifest.json").is_file()
    maps = build_maps(root, live)
    assert maps is None or maps in allowed, "the live build carries maps of no known state"
    if live == served:  # nothing published: nothing changed, byte for byte
        assert corpus_files(root) == before
        assert build_digest(root, served) == digest
    settled(root)
    state = corpus_files(root)
    assert state in allowed, f"corpus/ holds {sorted(state)}, no state before or after"
    assert maps is None or state == maps
    assert Corpus.load(root / "corpus").fingerprint == indexed_fingerprint(root)
    leftovers = {p.name for p in (root / "index").iterdir()} - {live, "CURRENT", "cache"}
    assert leftovers <= {".build.lock"}, leftovers
    assert not [p for p in (root / "corpus").iterdir() if p.name.startswith(".")]
    assert not [p for p in (root / "index" / "cache").iterdir() if p.name.startswith(".")]
    return state


def finish(process: subprocess.Popen) -> tuple[int, str]:
    _, err = process.communicate(timeout=BOUND_SECONDS)
    assert "Traceback" not in err, err
    return process.returncode, err


@pytest.mark.slow
def test_changes_killed_at_random_moments_publish_all_or_nothing(tmp_path):
    root = tiny_corpus(tmp_path / "copy")
    maps = Maps(tmp_path / "incoming")
    rng = random.Random(SEED)
    started = time.monotonic()
    whole = cli("add", str(maps.y_md), "--quiet", root=root)
    assert finish(whole)[0] == 0
    # the scale of the random delays (a whole command here), never a bound on anything
    longest = (time.monotonic() - started) * 1.2
    state = corpus_files(root)
    outcomes: dict[str, int] = {}
    for run in range(RUNS):
        served = live_build(root)
        digest = build_digest(root, served)
        args, after = maps.change_x(state, rng)
        killed = cli(*args, "--quiet", root=root)
        waiting = None
        if run % TOGETHER_EVERY == 0:
            args_y, _ = maps.change_y(state)
            waiting = cli(*args_y, "--quiet", root=root)
        time.sleep(rng.uniform(0, longest))
        killed.kill()
        finish(killed)
        allowed = [state, after]
        if waiting is not None:  # it waited for the killed one, then did its own change
            code, err = finish(waiting)
            assert code == 0, err
            allowed = [maps.change_y(s)[1] for s in allowed]
        reached = check(root, allowed, state, served, digest)
        outcome = "published" if reached != allowed[0] else "not published"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        state = reached
    print(f"{RUNS} kills: {outcomes}")
    final = cli("remove", "y.md" if "y.md" in state else "a.md", "--quiet", root=root)
    assert finish(final)[0] == 0
    assert Corpus.load(root / "corpus").fingerprint == indexed_fingerprint(root)
