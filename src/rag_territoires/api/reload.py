"""Serving a new build without a restart: watch ``CURRENT``, load the build it names
beside the live one, then switch.

A build (``rag-territoires add``, ``remove``, ``build``) replaces ``CURRENT``
atomically once its folder is complete. Each worker polls that small file; when it
names another build, the worker reads the notes and loads the build in a thread
(the encoders are reused: no model is loaded again) while the old retriever keeps
answering, then replaces ``state.retriever`` in one assignment. A request holds the
retriever it started with, so none fails during the switch. The notes are those the
build carries when a corpus change made it (``index/generation.py``), not the corpus
folder, which catches up with the build only after the switch: the notes served are
always the ones the build was made from. When the new build cannot be loaded (a file
is damaged, or it was replaced and removed while loading), the old one stays and the
next poll tries again.
"""

from __future__ import annotations

import asyncio
import gc
import logging

from starlette.concurrency import run_in_threadpool

from rag_territoires.errors import RagError
from rag_territoires.index.generation import live_maps
from rag_territoires.index.manifest import current_build_name
from rag_territoires.retriever import Retriever

log = logging.getLogger("rag_territoires.reload")


# Requests that started on the previous build finish first (a chat with a language model
# may take its whole timeout, 20 s by default)
RELEASE_AFTER_SECONDS = 30.0


def release_frozen() -> None:
    """Free a previous build. ``Retriever.warm_up`` froze every object then alive, the
    previous build's too, so the collector would never look at its cycles (nodes and
    their parents): thawed, collected, and what lives on is frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


async def release_later(delay: float) -> None:
    await asyncio.sleep(delay)
    release_frozen()


def load_next(current: Retriever) -> Retriever:
    """A retriever on the live build, sharing ``current``'s settings and encoders."""
    fresh = Retriever(
        current.settings,
        current.config,
        auto_build=False,
        encoders=current.encoders,
        notes_dir=live_maps(current.settings.index_dir),
    )
    fresh.warm_up()
    fresh.views.warm_public()  # before it serves, as at the start (api/main.py)
    return fresh


_releasing: set[asyncio.Task] = set()  # a task nobody holds may be dropped before it runs


def serve_build(state, fresh: Retriever) -> None:
    """Answer with ``fresh`` from now on; the previous build is freed once the requests
    that hold it are done. On the event loop: the watcher below, or a map changed over the
    API (api/map_changes.py), which switches its worker at once."""
    state.retriever = fresh
    state.reloads += 1
    log.warning("serving build %s (%d passages)", fresh.build, len(fresh.chunks))
    release = asyncio.create_task(release_later(RELEASE_AFTER_SECONDS))
    _releasing.add(release)
    release.add_done_callback(_releasing.discard)


async def watch_builds(state, interval: float) -> None:
    """Until cancelled: every ``interval`` seconds, switch to a new build if there is one."""
    failed_for: str | None = None
    while True:
        await asyncio.sleep(interval)
        name = current_build_name(state.settings.index_dir)
        if name is None or name == state.retriever.build:
            continue
        try:
            fresh = await run_in_threadpool(load_next, state.retriever)
        except (RagError, OSError) as error:  # OSError: its files removed while read
            if failed_for != name:  # once per build, not every second
                log.warning("new build %s not loaded yet: %s", name, error)
            failed_for = name
            continue
        serve_build(state, fresh)
        del fresh
