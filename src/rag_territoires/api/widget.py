"""Who may use the embeddable widget: allowed page origins, and short-lived tokens.

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

import base64
import hashlib
import hmac
import json
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag_territoires.api.errors import json_error_body

PREFIX = "/widget/"
TOKEN_VERSION = "rtw1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class WidgetTokens:
    """Signs and checks widget tokens with one secret (random per process when the
    settings give none: tokens then end with the process)."""

    def __init__(self, secret: str = "") -> None:
        self._key = secret.encode() if secret else secrets.token_bytes(32)

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def issue(
        self,
        origin: str,
        ttl_seconds: int,
        now: float | None = None,
        groups: frozenset[str] = frozenset(),
    ) -> tuple[str, int]:
        expires = int((now or time.time()) + ttl_seconds)
        claims: dict[str, object] = {"o": origin, "exp": expires}
        if groups:  # a token without groups stays as it always was
            claims["g"] = sorted(groups)
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{TOKEN_VERSION}.{payload}.{self._sign(payload)}", expires

    def groups(self, token: str) -> frozenset[str]:
        """The groups of a token ``check`` found valid."""
        claims = json.loads(_unb64(token.split(".")[1]))
        return frozenset(claims.get("g", []))

    def check(self, token: str, origin: str, now: float | None = None) -> str | None:
        """None when the token is valid for this origin now, else why not."""
        parts = token.split(".")
        # a header byte over 0x7f arrives as a Latin-1 character, which compare_digest
        # refuses (TypeError): a token is base64url, ASCII, or not a token at all
        if not token.isascii() or len(parts) != 3 or parts[0] != TOKEN_VERSION:
            return "not a widget token"
        _, payload, signature = parts
        if not hmac.compare_digest(signature, self._sign(payload)):
            return "the token's signature is wrong"
        try:
            claims = json.loads(_unb64(payload))
            bound, expires = str(claims["o"]), int(claims["exp"])
            groups = claims.get("g", [])
            if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
                raise TypeError("groups")
        except (ValueError, KeyError, TypeError, AttributeError):
            return "the token is malformed"
        if bound != origin:
            return "the token was issued for another origin"
        if expires <= (now or time.time()):
            return "the token has expired"
        return None


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
