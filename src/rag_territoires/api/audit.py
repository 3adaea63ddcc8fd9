"""The audit log of the maps managed over the API: who changed what, when, and how it ended.

One JSON line per event in ``<data_dir>/audit.jsonl``, appended whole or not at all
(``feedback_store.append_line``: a full disk never leaves half a line), never rotated nor
rewritten by the service. A change writes two lines sharing an ``id``: ``started`` before
anything is touched, then its outcome (``done`` or ``failed``, with the HTTP status and
why); a caller refused the right to manage maps writes one line, ``refused``. The
``started`` line is the guarantee: when it cannot be written, the change is refused (507)
before it starts, so no change is ever made unrecorded. ``who`` is a key's id (a hash of
it, as the rate limit counts it) or the OIDC subject, never a secret.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fastapi import Request

from rag_territoires.api.auth.caller import Caller, client_address
from rag_territoires.errors import StorageError, StorageFull
from rag_territoires.feedback_store import NO_ROOM, append_line, encode

AUDIT_FILE = "audit.jsonl"
log = logging.getLogger(__name__)


def new_event(request: Request, caller: Caller, action: str, document: str | None) -> dict:
    """The fields every line of one event shares."""
    return {
        "id": uuid.uuid4().hex[:12],
        "who": caller.who,
        "address": client_address(request),
        "action": action,
        "document": document,
    }


def record(data_dir: Path, event: dict, outcome: str, **details: object) -> None:
    """Append one line; raises ``StorageFull`` or ``StorageError`` when it cannot."""
    at = datetime.now(UTC).isoformat(timespec="milliseconds")
    line = encode({**event, "at": at, "outcome": outcome, **details})
    path = data_dir / AUDIT_FILE
    try:
        append_line(path, line)
    except OSError as exc:  # the path goes to the log only
        log.error("cannot write the audit log %s: %s", path, exc.strerror or exc)
        if exc.errno in NO_ROOM:
            raise StorageFull("the audit log cannot be written: its storage is full") from exc
        raise StorageError("the audit log cannot be written now; try again later") from exc


def record_or_log(data_dir: Path, event: dict, outcome: str, **details: object) -> None:
    """For an outcome, once the change is made or refused: a failure to record it is
    logged loudly, and the answer stays the truth of what happened."""
    try:
        record(data_dir, event, outcome, **details)
    except StorageError:
        log.critical("audit event %s (%s) not recorded: %s", event["id"], outcome, details)
