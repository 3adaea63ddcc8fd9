"""The workers' shared rate limits when their file fails (issue 29, item 10): a damaged or
deleted file is made anew and every worker moves to it (no split buckets); a file that
cannot be written (a full /dev/shm, a folder that cannot be written) makes each worker
count its own requests, said in the log, /readyz and /metrics, never a 500. The full disk
is a real file-size limit (RLIMIT_FSIZE) in a subprocess, where Python ignores SIGXFSZ."""

from __future__ import annotations

import gc
import json
import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rag_territoires.api.ratelimit_shared import SharedRateLimiter
from tests.conftest import start_api, stop

pytestmark = pytest.mark.system

CLIENT = "ip:10.0.0.1"


def made_then_gone(path: Path) -> None:
    """A file used by a limiter that is gone: its journal folded into the file on close
    (Python closes a connection only when the garbage collector frees it)."""
    limiter = SharedRateLimiter(3, path)
    limiter.acquire("ip:10.0.0.9")
    del limiter
    gc.collect()


def damage(path: Path, how: str) -> None:
    """Junk where the buckets were: no database at all, or a database's header and junk."""
    healthy = path.read_bytes()
    head = healthy[:100] if how == "header then junk" else b""
    path.write_bytes(head + b"junk" * ((len(healthy) - len(head)) // 4))


@pytest.mark.parametrize("how", ["junk", "header then junk"])
def test_a_damaged_shared_file_is_made_anew_and_the_limit_holds(tmp_path, caplog, how):
    path = tmp_path / "limits.sqlite"
    made_then_gone(path)  # the buckets are in the file alone, then damaged
    damage(path, how)
    restarted = SharedRateLimiter(3, path)
    with caplog.at_level(logging.WARNING):
        allowed = [restarted.acquire(CLIENT) == 0 for _ in range(5)]
    assert allowed == [True, True, True, False, False]  # a new file: the bucket starts full
    assert restarted.mode == "shared"
    assert any("damaged" in record.getMessage() for record in caplog.records)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)


# One "worker": takes N tokens for each N read on its input, prints how many it got.
WORKER = """
import sys
from pathlib import Path
from rag_territoires.api.ratelimit_shared import SharedRateLimiter
limiter = SharedRateLimiter(2, Path(sys.argv[1]))
for line in sys.stdin:
    print(sum(limiter.acquire("ip:10.0.0.1") == 0 for _ in range(int(line))), flush=True)
"""


class Worker:
    def __init__(self, path: Path) -> None:
        command = [sys.executable, "-c", WORKER, str(path)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def take(self, tokens: int) -> int:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{tokens}\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        self.process.communicate(timeout=60)


@pytest.mark.parametrize("deleted", [("",), ("", "-wal", "-shm")])
def test_a_deleted_shared_file_does_not_split_the_buckets_of_the_workers(tmp_path, deleted):
    path = tmp_path / "limits.sqlite"
    running = Worker(path)
    try:
        assert running.take(1) == 1  # 1 of its 2 tokens left, in the file about to go
        for suffix in deleted:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        restarted = Worker(path)  # a worker that starts afresh: a new file, a full bucket
        try:
            assert restarted.take(2) == 2
            # the running worker now counts in the new file too: its old token is gone
            # (a token comes back every 30 s: this is not a race the test could lose)
            assert running.take(2) == 0
        finally:
            restarted.close()
    finally:
        running.close()


# A worker whose disk is full: nothing can be written, or the file was made and the disk
# filled up then (the limit is the size of the files as they are). Room again afterwards.
FULL = """
import json, resource, sys
from pathlib import Path
from rag_territoires.api.ratelimit_shared import SharedRateLimiter
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), hard))
limiter = SharedRateLimiter(3, Path(sys.argv[1]))
limiter.RETRY_SECONDS = 0  # the file is tried again at once (30 s in service)
full = [limiter.acquire("ip:10.0.0.1") == 0 for _ in range(5)]
mode = limiter.mode
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
limiter.acquire("ip:10.0.0.2")
print(json.dumps({"full": full, "mode": mode, "mode_with_room": limiter.mode}))
"""


@pytest.mark.parametrize("made", [False, True])
def test_a_full_disk_makes_each_worker_limit_on_its_own_loudly(tmp_path, made):
    path = tmp_path / "limits.sqlite"
    limit = 0
    if made:
        made_then_gone(path)
        limit = max(p.stat().st_size for p in tmp_path.iterdir())
    command = [sys.executable, "-c", FULL, str(path), str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    result = json.loads(done.stdout)
    assert result["full"] == [True, True, True, False, False]  # the limit still holds
    assert result["mode"] == "in_process_fallback" and result["mode_with_room"] == "shared"
    assert "cannot be used" in done.stderr and "works again" in done.stderr


def test_a_folder_that_cannot_be_written_falls_back_without_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("where the folder should be")
    limiter = SharedRateLimiter(3, blocker / "limits.sqlite")
    assert [limiter.acquire(CLIENT) == 0 for _ in range(5)] == [True] * 3 + [False] * 2
    assert limiter.mode == "in_process_fallback"


def test_serve_finds_a_folder_for_the_shared_file_or_does_without(tmp_path):
    from rag_territoires.cli.serve import shared_limits_folder

    unwritable = tmp_path / "a-file"
    unwritable.write_text("not a folder")
    folder = shared_limits_folder([unwritable, tmp_path])
    assert folder is not None and folder.parent == tmp_path
    assert shared_limits_folder([unwritable]) is None


def flag(url: str) -> tuple[str, str]:
    with httpx.Client(timeout=10) as client:
        ready = client.get(url + "/readyz").json()["rate_limits"]
        metrics = client.get(url + "/metrics").text
    line = next(x for x in metrics.splitlines() if x.startswith("rag_rate_limits_fallback "))
    return ready, line.split()[1]


def test_the_live_api_never_answers_500_when_its_shared_file_fails(engine, tmp_path):
    folder = tmp_path / "shm"
    folder.mkdir()
    path = folder / "limits.sqlite"
    path.write_bytes(b"junk" * 2048)  # damaged before the first request
    process, url = start_api(
        engine,
        RAG_TERRITOIRES_SHARED_LIMITS_FILE=str(path),
        RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="4",
    )
    try:
        with httpx.Client(timeout=30) as client:
            mended = [client.get(url + "/v1/documents").status_code for _ in range(6)]
            assert flag(url) == ("shared", "0.0")
            for leftover in folder.iterdir():  # the folder goes, a file in its place
                leftover.unlink()
            folder.rmdir()
            folder.write_text("not a folder")
            fallback = [client.get(url + "/v1/documents").status_code for _ in range(6)]
            assert flag(url) == ("in_process_fallback", "1.0")
    finally:
        stop(process)
        log = process.error_output()
    assert mended == [200] * 4 + [429] * 2
    assert fallback == [200] * 4 + [429] * 2  # each worker its own bucket, still a limit
    assert "damaged" in log and "cannot be used" in log and "Traceback" not in log
