"""The per-client rate limit of one process: a token bucket per client. Shared by the
workers of ``serve --workers N``: ``ratelimit_shared.py``."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, refilled continuously.

    A bucket left alone long enough to be full again is the same as no bucket, so such
    buckets are dropped now and then: the table holds the recently active clients only,
    however many addresses or keys have been seen."""

    PRUNE_EVERY = 1024  # acquisitions
    mode = "in_process"  # one process: its memory is the whole truth

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._since_prune = 0

    def __len__(self) -> int:
        return len(self._buckets)

    def acquire(self, client: str) -> float:
        """0 if the request may go on, else the seconds to wait before retrying."""
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            self._since_prune += 1
            if self._since_prune >= self.PRUNE_EVERY:
                self._prune(now)
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.refill)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return max(1.0, math.ceil((1.0 - tokens) / self.refill))

    def waiting(self, client: str) -> float:
        """What ``acquire`` would answer now, taking nothing: 0, or the seconds to wait."""
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.refill)
        return 0.0 if tokens >= 1.0 else max(1.0, math.ceil((1.0 - tokens) / self.refill))

    def _prune(self, now: float) -> None:
        self._since_prune = 0
        self._buckets = {
            client: (tokens, last)
            for client, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.refill < self.capacity
        }
