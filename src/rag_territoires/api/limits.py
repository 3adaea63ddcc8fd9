"""Request limits: body size (an ASGI middleware), a per-client rate limit, and CORS
refusals in the API's JSON."""

from __future__ import annotations

import json
import math
import threading
import time

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """Refuse bodies over ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                return  # the refusal below answers instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, guarded_send)
        if too_large and not started:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        message = f"the request body is over {self.max_bytes} bytes"
        body = json.dumps({"error": {"type": "body_too_large", "message": message}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, refilled continuously.

    A bucket left alone long enough to be full again is the same as no bucket, so such
    buckets are dropped now and then: the table holds the recently active clients only,
    however many addresses or keys have been seen."""

    PRUNE_EVERY = 1024  # acquisitions

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

    def _prune(self, now: float) -> None:
        self._since_prune = 0
        self._buckets = {
            client: (tokens, last)
            for client, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.refill < self.capacity
        }


class JsonCorsMiddleware(CORSMiddleware):
    """Starlette's CORS, whose refused preflights are plain text, answering in JSON."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        message = response.body.decode("utf-8", "replace").lower()
        headers = {k: v for k, v in response.headers.items() if k.lower() == "vary"}
        return JSONResponse(
            {"error": {"type": "cors_refused", "message": message}},
            status_code=response.status_code,
            headers=headers,
        )
