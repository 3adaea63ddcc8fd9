"""Who may use the embeddable widget: allowed page origins (its CORS, here), and
short-lived tokens (``api/auth/widget_tokens.py``).

A web page cannot keep an API key secret, so the widget's routes (``/widget/v1/...``)
do not take keys. They take requests from the page origins listed in
``RAG_TERRITOIRES_WIDGET_ORIGINS`` only (others: JSON 403 and no CORS headers, so the
browser shows nothing). When the API has keys, a widget also needs a token: the
intranet's server exchanges its key for one (``POST /v1/widget-tokens``), bound to the
page's origin and valid for minutes, and writes it into the page. A token is
``rtw1.<payload>.<HMAC-SHA256>``: nothing to look up, nothing stored. It carries the
groups its server asked for, among its key's own (the restricted maps the widget may
read: corpus/access.py); none unless asked.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag_territoires.api.errors import json_error_body

PREFIX = "/widget/"


class WidgetCors:
    """CORS for ``/widget/`` paths only, from the widget origin list: an allowed origin
    gets its CORS headers (and a preflight, a 204); any other origin no CORS headers at
    all, and a JSON 403 for its preflight. (The routes themselves refuse other origins,
    after routing, so that a wrong method is still a 405.)"""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.origins = set(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        origin = dict(scope["headers"]).get(b"origin", b"").decode("latin-1")
        allowed = origin in self.origins
        if scope["method"] == "OPTIONS":
            if not allowed:
                body = json_error_body(
                    "forbidden_origin", "this page's origin may not use the widget"
                )
                await _respond(send, 403, body, [])
                return
            await _respond(send, 204, b"", [*_cors(origin), *PREFLIGHT])
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_cors(origin), EXPOSED]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_cors)


PREFLIGHT = [
    (b"access-control-allow-methods", b"GET, POST"),
    (b"access-control-allow-headers", b"Content-Type, Authorization"),
    (b"access-control-max-age", b"600"),
]
EXPOSED = (b"access-control-expose-headers", b"Retry-After")


def _cors(origin: str) -> list[tuple[bytes, bytes]]:
    return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]


async def _respond(send: Send, status: int, body: bytes, headers: list) -> None:
    kind = [(b"content-type", b"application/json")] if body else []
    await send({"type": "http.response.start", "status": status, "headers": kind + headers})
    await send({"type": "http.response.body", "body": body})
