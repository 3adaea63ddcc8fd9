"""The API's own ASGI middleware: body size limits, CORS refusals in the API's JSON, and
security headers (nosniff, a Content-Security-Policy on /docs and /redoc). The per-client
rate limit is ``ratelimit.py``."""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag_territoires.api.errors import json_error_body


def is_upload(scope: Scope) -> bool:
    """A map uploaded by an admin (api/routes/manage.py): POST or PUT /v1/documents[/name]."""
    path = scope["path"]
    return scope["method"] in ("POST", "PUT") and (
        path == "/v1/documents" or path.startswith("/v1/documents/")
    )


class BodySizeLimit:
    """Refuse bodies over ``max_bytes`` with 413, whether announced or streamed; an uploaded
    map's over ``upload_bytes`` (read only once its caller is known to be an admin)."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.upload_bytes if is_upload(scope) else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(send, max_bytes)
            return
        received = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
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
            await self._refuse(send, max_bytes)

    async def _refuse(self, send: Send, max_bytes: int) -> None:
        message = f"the request body is over {max_bytes} bytes"
        body = json_error_body("body_too_large", message)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class JsonCorsMiddleware(CORSMiddleware):
    """Starlette's CORS, whose refused preflights are plain text, answering in JSON; the
    widget's paths have their own origin list (``api/widget.py``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/widget/"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

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


_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


class SecurityHeaders:
    """``nosniff`` on every answer, and a strict Content-Security-Policy on the API's own
    pages (/docs, /redoc): scripts only from the API itself, plus the page's own inline
    scripts by hash (FastAPI writes one to start Swagger UI), no eval, nothing elsewhere."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        page = bytearray()

        async def secured_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"x-content-type-options", b"nosniff")]
                message = {**message, "headers": headers}
                if dict(headers).get(b"content-type", b"").startswith(b"text/html"):
                    start = message  # held until the page is whole, to hash its scripts
                    return
                await send(message)
            elif start is not None:
                page.extend(message.get("body", b""))
                if not message.get("more_body"):
                    await self._send_page(send, start, bytes(page))
            else:
                await send(message)

        await self.app(scope, receive, secured_send)

    @staticmethod
    async def _send_page(send: Send, start: Message, page: bytes) -> None:
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
            for script in _INLINE_SCRIPT.findall(page)
        )
        policy = (
            f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"
        )
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers += [
            (b"content-security-policy", policy.encode()),
            (b"content-length", str(len(page)).encode()),
        ]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": page})
