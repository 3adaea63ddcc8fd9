"""The API with its searches on the event loop, for ``bench`` only.

The same app as ``rag-territoires serve`` (its settings from the environment, the index
the API beside it built, the same guarded HTTP protocol), with one change: the search
lane (``api/lane.py``) is replaced by a call in place, so each search runs on the event
loop as the bare route's does. Measured beside the API as served, it gives what the
lane's two thread hops cost a search. The product never runs so: a search held up on the
loop would hold up the probes with it (``tests/test_probes.py``). Run as
``python -m benchmarks.loop_app PORT``.
"""

from __future__ import annotations

import sys

import uvicorn

from rag_territoires.api.main import app_from_environment
from rag_territoires.api.protocol import SettingsGuardedProtocol


class InPlace:
    """A search lane that runs each search where it is asked for, on the event loop."""

    async def run(self, function, *args, **kwargs):
        return function(*args, **kwargs)

    def call(self, function, *args, **kwargs):
        return function(*args, **kwargs)

    def close(self) -> None:
        pass


if __name__ == "__main__":
    app = app_from_environment()  # configures the protocol's limits from the settings
    app.state.rag.search_lane = InPlace()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        http=SettingsGuardedProtocol,
        log_level="warning",
        access_log=False,
    )
