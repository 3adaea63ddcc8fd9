"""Map changes over the API when things go wrong under them (issue 29): a full disk while
the index or the audit log is written, a client gone mid-upload, the server killed during
a change. A real server on loopback, on a copy of a tiny corpus; the full disk is a real
file-size limit on its process (RLIMIT_FSIZE: Python ignores SIGXFSZ, so a write past it
fails with EFBIG, as on a full disk)."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from rag_territoires.launcher import spawn_api
from tests.conftest import stop
from tests.helpers import (
    ADMIN,
    ADMIN_KEYS,
    BOUND_SECONDS,
    FORUM,
    READER,
    as_key,
    audit_lines,
    copy_of_corpus,
    corpus_files,
    live_build,
    tiny_corpus,
    upload,
)

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> Path:
    return tiny_corpus(tmp_path_factory.mktemp("tiny-admin-faults"))


@pytest.fixture
def root(tiny_build: Path, tmp_path: Path) -> Path:
    return copy_of_corpus(tiny_build, tmp_path)


@pytest.fixture
def server(root, engine):
    """A real server on ``root`` (uploads received in its own temporary folder)."""
    (root / "tmp").mkdir()
    env = {
        "RAG_TERRITOIRES_CORPUS_DIR": str(root / "corpus"),
        "RAG_TERRITOIRES_INDEX_DIR": str(root / "index"),
        "RAG_TERRITOIRES_DATA_DIR": str(root / "data"),
        "RAG_TERRITOIRES_API_KEYS": json.dumps(ADMIN_KEYS),
        "RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE": "0",
        "TMPDIR": str(root / "tmp"),
    }
    process, url = spawn_api(env, timeout=BOUND_SECONDS)
    yield process, url
    stop(process)


def upload_on_a_full_disk(server, max_file_bytes: int) -> httpx.Response:
    """Upload FORUM while the server may write no file larger than ``max_file_bytes``."""
    process, url = server
    unlimited = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
    resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (max_file_bytes, unlimited[1]))
    try:
        return httpx.post(
            url + "/v1/documents",
            headers=as_key(ADMIN),
            timeout=BOUND_SECONDS,
            **upload("forum.opml", FORUM),
        )
    finally:
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, unlimited)


def test_a_full_disk_refuses_the_change_whole_with_507(server, root):
    """The disk fills while the new index is written. A FAISS index's failed write was a
    RuntimeError: 500 and a traceback."""
    _, url = server
    before, served = corpus_files(root), live_build(root)
    # the upload, the staged maps and the audit lines fit; the index files do not
    full = upload_on_a_full_disk(server, max_file_bytes=8000)
    assert full.status_code == 507, full.text
    assert full.json()["error"]["type"] == "storage_full"
    assert str(root) not in full.text
    assert corpus_files(root) == before and live_build(root) == served
    assert sorted(p.name for p in (root / "index").iterdir()) == [
        ".build.lock",
        "CURRENT",
        served,
        "cache",
    ]
    assert [line["outcome"] for line in audit_lines(root)] == ["started", "failed"]
    listed = httpx.get(url + "/v1/documents", headers=as_key(READER), timeout=BOUND_SECONDS)
    assert listed.headers["X-Rag-Build"] == served
    again = httpx.post(
        url + "/v1/documents",
        headers=as_key(ADMIN),
        timeout=BOUND_SECONDS,
        **upload("forum.opml", FORUM),
    )
    assert again.status_code == 201, again.text  # room again: the same upload goes through


def test_an_upload_cut_short_by_its_client_changes_nothing_and_leaves_no_file(server, root):
    _, url = server
    before, served = corpus_files(root), live_build(root)
    part = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="forum.opml"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + FORUM
    )
    head = (
        "POST /v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"X-API-Key: {ADMIN}\r\nContent-Type: multipart/form-data; boundary=B\r\n"
        f"Content-Length: {len(part) + 100_000}\r\n\r\n"
    ).encode()
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=BOUND_SECONDS) as connection:
        connection.sendall(head + part)  # the map whole, the form never ended: gone
    deadline = time.monotonic() + BOUND_SECONDS
    while not audit_lines(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    (failed,) = audit_lines(root)
    assert failed["outcome"] == "failed" and failed["status"] == 400
    assert corpus_files(root) == before and live_build(root) == served
    assert list((root / "tmp").iterdir()) == []  # the received part was not kept


def test_no_change_is_made_unrecorded_when_the_audit_log_cannot_be_written(server, root):
    """The audit line that starts a change is written first, whole or not at all: when the
    disk is full there, the change is refused (507) and the log keeps only whole lines."""
    _, url = server
    refused = httpx.delete(url + "/v1/documents/a.md", headers=as_key(READER), timeout=60)
    assert refused.status_code == 403  # a first line, so that the log is larger than the map
    while (root / "data" / "audit.jsonl").stat().st_size < 2 * len(FORUM):
        httpx.delete(url + "/v1/documents/a.md", headers=as_key(READER), timeout=60)
    before, served = corpus_files(root), live_build(root)
    size = (root / "data" / "audit.jsonl").stat().st_size
    full = upload_on_a_full_disk(server, max_file_bytes=size + 40)
    assert full.status_code == 507, full.text
    assert full.json()["error"]["type"] == "storage_full"
    assert corpus_files(root) == before and live_build(root) == served
    lines = audit_lines(root)  # every line whole: a torn one would not parse
    assert (root / "data" / "audit.jsonl").stat().st_size == size
    assert {line["outcome"] for line in lines} == {"refused"}


def test_a_server_killed_during_a_change_leaves_the_corpus_and_index_as_they_were(server, root):
    """SIGKILL while the change is staged and its index is built: nothing is published;
    what it left is cleared by the next command that takes the lock."""
    process, url = server
    before, served = corpus_files(root), live_build(root)

    def post() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under it
            httpx.post(
                url + "/v1/documents",
                headers=as_key(ADMIN),
                timeout=BOUND_SECONDS,
                **upload("forum.opml", FORUM),
            )

    posting = threading.Thread(target=post, daemon=True)
    index = root / "index"
    posting.start()
    deadline = time.monotonic() + BOUND_SECONDS
    while not list(index.glob(".stage-*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert list(index.glob(".stage-*")), "the change never started"
    process.kill()
    process.wait(BOUND_SECONDS)
    posting.join(BOUND_SECONDS)
    assert corpus_files(root) == before and live_build(root) == served
    settled = subprocess.run(
        [sys.executable, "-m", "rag_territoires.cli", "build", "--quiet"],
        env={
            **os.environ,
            "RAG_TERRITOIRES_CORPUS_DIR": str(root / "corpus"),
            "RAG_TERRITOIRES_INDEX_DIR": str(index),
        },
        capture_output=True,
        text=True,
        timeout=BOUND_SECONDS,
    )
    assert settled.returncode == 0, settled.stderr
    assert corpus_files(root) == before
    assert not list(index.glob(".stage-*")) and not list(index.glob("*.partial"))
