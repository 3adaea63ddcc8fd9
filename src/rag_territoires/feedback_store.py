"""Where the chat page's ratings and comments go: one JSON line each, appended to
``feedback.jsonl`` in the data folder. Several workers and replicas may share that
folder (docs/deploy.md): each line is written whole, under a file lock."""

from __future__ import annotations

import fcntl
import json
import logging
import threading
from pathlib import Path

from rag_territoires.errors import StorageError

FEEDBACK_FILE = "feedback.jsonl"
log = logging.getLogger(__name__)
_write_lock = threading.Lock()  # the threads of one process; flock orders the processes


def append_feedback(data_dir: Path, record: dict) -> None:
    path = data_dir / FEEDBACK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock, path.open("a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            line = json.dumps(record, ensure_ascii=False)
            # U+2028/2029 end a line for JavaScript and some JSONL readers: escaped
            out.write(line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")
    except OSError as exc:  # the path goes to the log only, not to the client
        log.error("cannot record feedback in %s: %s", path, exc.strerror or exc)
        raise StorageError("the feedback cannot be recorded now; try again later") from exc
