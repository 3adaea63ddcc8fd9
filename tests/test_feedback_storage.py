"""Feedback on a full disk (issue 29, item 9): a record is written whole or not at all, a
torn or undecodable line is skipped and counted by the reader instead of crashing it, and
the file has a size cap with rotation. The full disk is a real file-size limit
(RLIMIT_FSIZE) set on the live server's process: Python ignores SIGXFSZ, so a write past
the limit is cut short, then refused with EFBIG, as on a full disk."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import httpx
import pytest

from rag_territoires.evaluation.feedback import read_feedback
from rag_territoires.feedback_store import append_feedback
from tests.conftest import make_client, start_api, stop
from tests.helpers import run

pytestmark = pytest.mark.integration

EURO = "€"  # three bytes in UTF-8: a limit can fall inside one


def body(question: str, rating: str = "down") -> dict:
    return {"question": question, "answer": "D'après les notes… " * 20, "rating": rating}


def lines_of(path: Path) -> list[dict]:
    """Every line of a feedback file, each of which must be a whole record."""
    return [json.loads(line.decode("utf-8")) for line in path.read_bytes().splitlines()]


def test_a_full_disk_refuses_a_record_whole_and_the_next_one_stays_readable(engine, tmp_path):
    data = tmp_path / "data"
    stored = data / "feedback.jsonl"
    process, url = start_api(
        engine,
        RAG_TERRITOIRES_DATA_DIR=str(data),
        RAG_TERRITOIRES_RATE_LIMIT_PER_MINUTE="0",
    )
    unlimited = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
    try:
        with httpx.Client(timeout=30) as client:
            first = client.post(url + "/v1/feedback", json=body("tiers-lieux ?"))
            # The disk fills inside a "€" of the next record's question: its line starts
            # with the id and the time the server adds, then the question.
            start = json.dumps({"id": "0" * 12, "at": "2026-01-01T00:00:00+00:00", "question": ""})
            limit = stored.stat().st_size + len(start) - 2 + 3 * 100 + 1
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (limit, unlimited[1]))
            refused = client.post(url + "/v1/feedback", json=body(EURO * 400))
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, unlimited)  # room again
            second = client.post(url + "/v1/feedback", json=body("Loos-en-Gohelle ?"))
    finally:
        stop(process)
    assert first.status_code == 201 and second.status_code == 201
    assert [r["id"] for r in lines_of(stored)] == [first.json()["id"], second.json()["id"]]
    assert refused.status_code == 507, refused.text
    assert refused.json()["error"]["type"] == "storage_full"
    assert str(tmp_path) not in refused.text
    listed = run("feedback", "list", env={"RAG_TERRITOIRES_DATA_DIR": str(data)}, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert first.json()["id"] in listed.stdout and second.json()["id"] in listed.stdout


def test_a_torn_or_undecodable_line_is_skipped_and_counted_not_a_crash(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    good = [{"id": f"r{n}", "at": "2026-01-01T00:00:00+00:00", **body(f"q{n} ?")} for n in range(3)]
    encoded = [json.dumps(r, ensure_ascii=False).encode() for r in good]
    torn = b'{"id": "torn", "question": "' + EURO.encode()[:2]  # cut inside a "€"
    (data / "feedback.jsonl").write_bytes(
        encoded[0] + b"\n" + torn + encoded[1] + b"\n" + b"\xff\xfe junk\n" + encoded[2] + b"\n"
    )
    read = read_feedback(data)
    assert [r.id for r in read.rated] == ["r0", "r2"]
    assert [(line.file.name, line.number) for line in read.skipped] == [
        ("feedback.jsonl", 2),
        ("feedback.jsonl", 3),
    ]
    listed = run("feedback", "list", env={"RAG_TERRITOIRES_DATA_DIR": str(data)}, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "r0" in listed.stdout and "r2" in listed.stdout
    assert "Traceback" not in listed.stderr
    assert "2 line(s)" in listed.stderr and "feedback.jsonl:2" in listed.stderr


def test_a_tail_torn_by_a_crash_is_not_glued_to_the_next_record(tmp_path):
    stored = tmp_path / "feedback.jsonl"
    stored.write_bytes(b'{"id": "a", "question": "' + EURO.encode()[:1])  # a writer killed here
    record = {"id": "b", "at": "2026-01-01T00:00:00+00:00", **body("q ?")}
    append_feedback(tmp_path, record)
    assert stored.read_bytes().splitlines()[-1].decode() == json.dumps(record, ensure_ascii=False)
    assert [r.id for r in read_feedback(tmp_path).rated] == ["b"]


def test_the_feedback_file_is_capped_and_rotated(engine, tmp_path):
    data = tmp_path / "data"
    settings = {"data_dir": data, "rate_limit_per_minute": 0}
    with make_client(engine, **settings, feedback_max_bytes=4096, feedback_keep_files=2) as c:
        ids = [c.post("/v1/feedback", json=body(f"question {n} ?")).json()["id"] for n in range(40)]
    files = sorted(path.name for path in data.glob("feedback.jsonl*"))
    assert files == [
        "feedback.jsonl",
        "feedback.jsonl.1",
        "feedback.jsonl.2",
        "feedback.jsonl.lock",
    ]
    kept = []
    for name in ("feedback.jsonl.2", "feedback.jsonl.1", "feedback.jsonl"):  # oldest first
        assert (data / name).stat().st_size <= 4096
        kept += [r["id"] for r in lines_of(data / name)]
    assert kept == ids[-len(kept) :] and len(kept) < len(ids)  # the oldest were dropped
    assert [r.id for r in read_feedback(data).rated] == kept


def test_a_full_feedback_file_without_rotation_refuses_with_507(engine, tmp_path):
    data = tmp_path / "data"
    settings = {"data_dir": data, "rate_limit_per_minute": 0}
    with make_client(engine, **settings, feedback_max_bytes=4096, feedback_keep_files=0) as c:
        statuses = [c.post("/v1/feedback", json=body(f"question {n} ?")) for n in range(20)]
    codes = [response.status_code for response in statuses]
    assert 201 in codes and codes == sorted(codes)  # recorded, then refused from then on
    refused = statuses[-1]
    assert refused.status_code == 507 and refused.json()["error"]["type"] == "storage_full"
    recorded = [r.json()["id"] for r in statuses if r.status_code == 201]
    assert [r["id"] for r in lines_of(data / "feedback.jsonl")] == recorded
    assert (data / "feedback.jsonl").stat().st_size <= 4096


@pytest.mark.parametrize(
    ("setting", "value"), [("feedback_max_bytes", 10), ("feedback_keep_files", -1)]
)
def test_feedback_limits_out_of_range_are_refused(setting, value):
    from pydantic import ValidationError

    from rag_territoires.config import Settings

    with pytest.raises(ValidationError):
        Settings(**{setting: value})
