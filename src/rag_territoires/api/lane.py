"""The search lane: the thread where the usual searches run, off the event loop.

A search on the event loop (~2 ms of CPU) made every other request wait for it, and under
load the loop ran the searches of all its clients in one turn before it read anything
else: a probe waited for them all (``/healthz`` p99 0.5 s at 16 clients on a busy
machine). In the lane, the loop stays free to read, route and answer, probes first of
all; a search held up in the lane (a slow encoder, a view being built) delays the
searches behind it, never a probe. One thread: the searches run one at a time, as they
did on the loop, and the forward pass releases the GIL to the loop while it computes.

A chat runs in the thread pool (it waits for its language model), but its search runs
in the lane too (``LanedSearcher``): 16 chats searching at once in 16 threads took the
GIL from the loop in turn (``/readyz`` p99 72 ms under `bench --load`'s chats).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class SearchLane:
    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._executor: ThreadPoolExecutor | None = None  # made when first used

    def _started(self) -> ThreadPoolExecutor:
        if self._executor is None:  # again after close(): an app may be started twice
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="search-lane")
        return self._executor

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """From the event loop: run ``function`` in the lane, the loop free meanwhile."""
        loop = asyncio.get_running_loop()
        call = functools.partial(function, *args, **kwargs)
        return await loop.run_in_executor(self._started(), call)

    def call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """From a worker thread (a chat's): run ``function`` in the lane and wait."""
        return self._started().submit(function, *args, **kwargs).result()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


class LanedSearcher:
    """A searcher whose searches and their node scores (the quotes' order) run in the
    lane, for a chat in a worker thread; the rest (its encoders, its corpus) is the
    searcher's own."""

    def __init__(self, searcher: object, lane: SearchLane) -> None:
        self._searcher = searcher
        self._lane = lane

    def search_outcome(self, *args, **kwargs):
        outcome = self._lane.call(self._searcher.search_outcome, *args, **kwargs)  # type: ignore[attr-defined]
        scores = functools.partial(self._lane.call, outcome.node_scores)
        return replace(outcome, node_scores=scores)

    def __getattr__(self, name: str):
        return getattr(self._searcher, name)
