"""Serving a new build without a restart: watch ``CURRENT``, load the build it names
beside the live one, then switch.

A build (``rag-territoires add``, ``remove``, ``build``) replaces ``CURRENT``
atomically once its folder is complete. Each worker polls that small file; when it
names another build, the worker reads the notes and loads the build in a thread
(the encoders are reused: no model is loaded again) while the old engine keeps
answering, then replaces ``state.engine`` in one assignment. A request holds the
engine it started with, so none fails during the switch. The notes are those the
build carries when a corpus change made it (``index/generation.py``), not the corpus
folder, which catches up with the build only after the switch: the notes served are
always the ones the build was made from. When the new build cannot be loaded (a file
is damaged, or it was replaced and removed while loading), the old one stays and the
next poll tries again.

The build switched from is freed as soon as the last request begun on it ends
(``Retired``), not after a fixed delay: loading froze it (``gc.freeze``), so only a
collection after a thaw can free its cycles, and a fixed 30 s kept one build per reload
alive when reloads came faster than that.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import Counter

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from rag_territoires.engine import Engine
from rag_territoires.errors import RagError
from rag_territoires.index.generation import live_maps
from rag_territoires.index.manifest import current_build_name

log = logging.getLogger("rag_territoires.reload")


def release_frozen() -> None:
    """Free a previous build. ``Engine.warm_up`` froze every object then alive, the
    previous build's too, so the collector would never look at its cycles (nodes and
    their parents): thawed, collected, and what lives on is frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Retired:
    """Counts the requests running, by the build generation they began in, and frees
    the builds switched from once no request begun before the last switch still runs
    (a request holds the engine it began with: a chat may hold it for its model's
    whole timeout). One full collection per switch, on the event loop: 0.13-0.45 s at
    the seminar's size in process on a busy machine, as before (it ran 30 s later)."""

    def __init__(self) -> None:
        self.generation = 0  # switches so far
        self.running: Counter[int] = Counter()  # requests running, by their generation
        self.waiting = False  # a build was switched from and is not freed yet

    def began(self) -> int:
        self.running[self.generation] += 1
        return self.generation

    def ended(self, generation: int) -> None:
        self.running[generation] -= 1
        if not self.running[generation]:
            del self.running[generation]
        self._release_if_idle()

    def switched(self) -> None:
        self.generation += 1
        self.waiting = True
        self._release_if_idle()

    def _release_if_idle(self) -> None:
        if self.waiting and all(g == self.generation for g in self.running):
            self.waiting = False
            release_frozen()


class RequestsInFlight:
    """Tells ``Retired`` when each HTTP request begins and ends."""

    def __init__(self, app: ASGIApp, retired: Retired) -> None:
        self.app = app
        self.retired = retired

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        generation = self.retired.began()
        try:
            await self.app(scope, receive, send)
        finally:
            self.retired.ended(generation)


def load_next(current: Engine) -> Engine:
    """An engine on the live build, sharing ``current``'s settings and encoders."""
    fresh = Engine(
        current.settings,
        current.config,
        auto_build=False,
        encoders=current.encoders,
        notes_dir=live_maps(current.settings.index_dir),
    )
    fresh.warm_up()
    fresh.views.warm_public()  # before it serves, as at the start (api/main.py)
    return fresh


def serve_build(state, fresh: Engine) -> None:
    """Answer with ``fresh`` from now on; the previous build is freed once the requests
    that hold it are done. On the event loop: the watcher below, or a map changed over the
    API (api/map_changes.py), which switches its worker at once."""
    state.engine = fresh
    state.reloads += 1
    log.warning("serving build %s (%d passages)", fresh.build, len(fresh.chunks))
    state.retired.switched()


async def watch_builds(state, interval: float) -> None:
    """Until cancelled: every ``interval`` seconds, switch to a new build if there is one."""
    failed_for: str | None = None
    while True:
        await asyncio.sleep(interval)
        name = current_build_name(state.settings.index_dir)
        if name is None or name == state.engine.build:
            continue
        try:
            fresh = await run_in_threadpool(load_next, state.engine)
        except (RagError, OSError) as error:  # OSError: its files removed while read
            if failed_for != name:  # once per build, not every second
                log.warning("new build %s not loaded yet: %s", name, error)
            failed_for = name
            continue
        serve_build(state, fresh)
        del fresh
