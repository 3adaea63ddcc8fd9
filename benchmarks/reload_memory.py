"""Server memory over many reloads: ``python -m benchmarks.reload_memory`` (from a checkout).

A real server on loopback, on a copy of the configured corpus and live build, with a
short reload poll. Each round publishes the live build again under a new name (a copy
of its folder, then ``CURRENT`` replaced atomically, older copies removed: what a
corpus change does, without the build's minute), waits until ``/readyz`` names it, asks
a few searches of it, and reads the server's resident memory (``/proc/PID/status``:
all of it, and its anonymous and file-backed parts; the vectors and BM25 arrays are
memory-mapped, so a build kept alive keeps its deleted files' pages too).

It prints the memory after each reload, then the plateau (the median over reloads 10
to the last) and the slope over the same reloads (least squares, MB per reload). A
measurement, not a test: it asserts nothing, and every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.speed import QUESTIONS, SearchClient
from rag_territoires.config import Settings
from rag_territoires.errors import RagError
from rag_territoires.index.generation import live_build
from rag_territoires.index.manifest import CURRENT
from rag_territoires.launcher import spawn_api

SWITCH_TIMEOUT = 120.0  # seconds for the server to serve a published build
SEARCHES_PER_RELOAD = 8
PLATEAU_FROM = 10  # the first reloads fill the allocator's arenas; the plateau comes after


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS, RssAnon and RssFile of a process, in MB."""
    wanted = {"VmRSS": "rss", "RssAnon": "anon", "RssFile": "file"}
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            found[wanted[key]] = int(value.split()[0]) / 1024
    return found


def publish_again(index_dir: Path, number: int) -> str:
    """The live build copied under a new name and made live; older copies removed, as a
    build removes the builds before it."""
    live = live_build(index_dir)
    if live is None:
        raise RagError(f"no live build in {index_dir}: run `rag-territoires build` first")
    name = f"build-reload{number:03d}-{uuid.uuid4().hex[:6]}"
    shutil.copytree(live, index_dir / f".{name}.partial")
    (index_dir / f".{name}.partial").rename(index_dir / name)
    pointer = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:6]}"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, index_dir / CURRENT)
    for old in index_dir.glob("build-*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return name


def wait_for_build(base: str, name: str) -> None:
    import httpx

    deadline = time.monotonic() + SWITCH_TIMEOUT
    while time.monotonic() < deadline:
        ready = httpx.get(base + "/readyz", timeout=10).json()
        if ready.get("build") == name:
            return
        time.sleep(0.05)
    raise RagError(f"the server did not serve {name} within {SWITCH_TIMEOUT:g} s")


@dataclass
class ReloadMemory:
    start: dict[str, float]
    after: list[dict[str, float]] = field(default_factory=list)  # after each reload

    def series(self, part: str = "rss") -> list[float]:
        return [sample[part] for sample in self.after]

    def plateau(self, part: str = "rss") -> float:
        return statistics.median(self.series(part)[PLATEAU_FROM - 1 :] or [float("nan")])

    def slope(self, part: str = "rss") -> float:
        """MB per reload, least squares over reloads PLATEAU_FROM to the last."""
        values = self.series(part)[PLATEAU_FROM - 1 :]
        if len(values) < 2:
            return float("nan")
        xs = list(range(PLATEAU_FROM, PLATEAU_FROM + len(values)))
        return statistics.linear_regression(xs, values).slope

    def table(self) -> str:
        lines = ["reload    RSS MB   anon MB   file MB"]
        rows = [("start", self.start), *((str(i), s) for i, s in enumerate(self.after, 1))]
        lines += [f"{n:>6} {s['rss']:9.1f} {s['anon']:9.1f} {s['file']:9.1f}" for n, s in rows]
        last = len(self.after)
        lines.append(
            f"RSS: {self.start['rss']:.0f} MB at start, max {max(self.series()):.0f} MB, "
            f"{self.after[-1]['rss']:.0f} MB after {last} reloads; plateau (median of reloads "
            f"{PLATEAU_FROM}-{last}) {self.plateau():.0f} MB; slope {self.slope():+.3f} MB/reload "
            f"(anon {self.slope('anon'):+.3f}, file {self.slope('file'):+.3f})"
        )
        return "\n".join(lines)

    def to_json(self) -> str:
        summary = {"plateau_mb": self.plateau(), "slope_mb_per_reload": self.slope()}
        return json.dumps({"start": self.start, "after": self.after, **summary}, indent=2)


def measure(reloads: int, settings: Settings, poll_seconds: float = 0.2) -> ReloadMemory:
    """``reloads`` reloads of a server on a copy of ``settings``' corpus and live build."""
    source = live_build(settings.index_dir)
    if source is None:
        raise RagError(f"no live build in {settings.index_dir}: run `rag-territoires build`")
    with tempfile.TemporaryDirectory(prefix="reload-memory-") as folder:
        work = Path(folder)
        shutil.copytree(settings.corpus_dir, work / "corpus")
        (work / "index" / "cache").mkdir(parents=True)
        shutil.copytree(source, work / "index" / source.name)
        (work / "index" / CURRENT).write_text(source.name + "\n", encoding="utf-8")
        env = {
            "RAG_TERRITOIRES_CORPUS_DIR": str(work / "corpus"),
            "RAG_TERRITOIRES_INDEX_DIR": str(work / "index"),
            "RAG_TERRITOIRES_RELOAD_POLL_SECONDS": str(poll_seconds),
            "RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0",
        }
        process, base = spawn_api(env)
        try:
            client = SearchClient(base, timeout=30)
            for question in QUESTIONS:
                client.search(question)
            report = ReloadMemory(memory_mb(process.pid))
            for number in range(1, reloads + 1):
                name = publish_again(work / "index", number)
                wait_for_build(base, name)
                for i in range(SEARCHES_PER_RELOAD):
                    client.search(QUESTIONS[(number + i) % len(QUESTIONS)])
                report.after.append(memory_mb(process.pid))
                print(f"reload {number}: {report.after[-1]['rss']:.1f} MB", file=sys.stderr)
            client.close()
        finally:
            process.terminate()
            process.wait(timeout=20)
    return report


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=50)
    parser.add_argument("--poll", type=float, default=0.2, help="the server's reload poll, s")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.reloads <= 1000:
        print("error: --reloads must be between 1 and 1000", file=sys.stderr)
        return 2
    try:
        report = measure(args.reloads, Settings(), args.poll)
    except RagError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report.to_json() if args.json else report.table())
    return 0


if __name__ == "__main__":
    sys.exit(_main())
