"""The HTTP connection itself, bounded: what uvicorn's httptools protocol leaves open.

Uvicorn with httptools sets no limit on the size of a request's head (a 200 MB header
kept a server busy for 54 s) and no time limit to receive a head or a body (slow
connections were held for as long as their clients wished). This protocol adds three
limits, checked before any route or key check runs:

- the head (request line and headers) may have at most ``max_head_bytes`` and
  ``MAX_HEADERS`` headers: beyond, the answer is 431 and the connection is closed (counted
  as the bytes arrive, so a huge header is never read whole, and as the parser reads
  them, so many small headers in one packet are caught too);
- the head must arrive within ``head_seconds`` of the connection or of the previous
  request, and the body within ``body_seconds`` of the head: beyond, 408 and closed.

Its own refusals are JSON, like the API's, not uvicorn's plain text.

Pipelined requests are answered in order even when garbage follows them. httptools
parses everything a read holds at once: valid requests, then the garbage, whose error
came while the valid ones were still being answered, and uvicorn's 400 closed the
connection under them, so their answers were lost (uvicorn's h11 protocol does not lose
them: h11 stops parsing after a request until its answer is sent). Here the refusal
waits until the requests read before the garbage are answered.
"""

from __future__ import annotations

import asyncio

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from rag_territoires.api.errors import json_error_body

_REASONS = {400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large"}
MAX_HEADERS = 100


class _HeadTooLarge(Exception):
    """Raised from a parser callback: httptools turns it into a parser error."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    max_head_bytes = 32 * 1024
    head_seconds = 10.0
    body_seconds = 30.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._in_head = True
        self._parsed_bytes = self._headers_seen = 0
        self._oversized = False
        self._refusal_waits = False  # garbage after requests still being answered
        self._arm(self.head_seconds)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # uvicorn's, without its warning per malformed request (a client's mistake, answered
        # with a 400, would fill the log: 3,000 lines from 3,000 bad requests)
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
        except httptools.HttpParserError:
            if self._answering():  # the requests before the garbage first (see above)
                self._refusal_waits = True
                self._disarm()
                self.flow.pause_reading()
            else:
                self.send_400_response("")
            return
        # at most one read (~256 KB) is parsed before this check
        if self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse(431, "headers_too_large", "the request's headers are too large")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._parsed_bytes = self._headers_seen = 0
        if not self._in_head:  # the next request on a kept-alive connection
            self._in_head, self._head_bytes = True, 0
            self._arm(self.head_seconds)

    def on_url(self, url: bytes) -> None:
        self._count(len(url), 0)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4, 1)
        super().on_header(name, value)

    def _count(self, size: int, headers: int) -> None:
        self._parsed_bytes += size
        self._headers_seen += headers
        if self._parsed_bytes > self.max_head_bytes or self._headers_seen > MAX_HEADERS:
            self._oversized = True
            raise _HeadTooLarge

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._arm(self.body_seconds)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _answering(self) -> bool:
        """Whether requests already read are still to be answered."""
        in_flight = self.cycle is not None and not self.cycle.response_complete
        return in_flight or bool(self.pipeline)

    def on_response_complete(self) -> None:
        super().on_response_complete()  # starts the next pipelined request, if any
        if self._refusal_waits and not self._answering() and not self.transport.is_closing():
            self._refusal_waits = False
            self.send_400_response("")

    def send_400_response(self, msg: str) -> None:
        if self._oversized:
            self._refuse(431, "headers_too_large", "the request's headers are too large")
        else:
            self._refuse(400, "invalid_http", "the request is not valid HTTP")

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self._in_head or not self.cycle.response_started:
            what = "headers" if self._in_head else "body"
            self._refuse(408, "request_timeout", f"the request's {what} came too slowly")
        else:
            self.transport.close()

    def _refuse(self, status: int, kind: str, message: str) -> None:
        """Answer and close, before the application sees the request."""
        self._disarm()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the application, if reading, sees a disconnect
        body = json_error_body(kind, message)
        head = (
            f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        self.transport.close()


class SettingsGuardedProtocol(GuardedHttpToolsProtocol):
    """The class given to ``uvicorn.run(http=...)``, its limits set from the settings by
    ``configure``: in ``serve``'s process, or, with ``--workers N``, in each worker's app
    factory (uvicorn starts the workers in fresh processes and hands them the class by
    name, so the limits cannot be baked into a class made at run time)."""

    @classmethod
    def configure(cls, max_head_bytes: int, head_seconds: float, body_seconds: float) -> None:
        cls.max_head_bytes = max_head_bytes
        cls.head_seconds = head_seconds
        cls.body_seconds = body_seconds
