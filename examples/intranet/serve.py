"""The example intranet page, served from its own origin, as an intranet would.

    python examples/intranet/serve.py --port 8080 --api http://127.0.0.1:8000

It sends a strict Content-Security-Policy (no inline script; scripts and connections to
the API and the page's own origin only). With --api-key, it does what an intranet's
server does when the API has keys: it exchanges its key for a short-lived widget token
bound to this page's origin (POST /v1/widget-tokens) and writes the token into the page,
never the key; ``POST /widget-token`` gives the page a new one when the widget asks
(intranet.js), so a conversation outlives its token. A real intranet checks the visitor's
session there first.
`?hostile=1` adds a stylesheet that tries to break embedded widgets (for the tests).
"""

from __future__ import annotations

import argparse
import html
import json
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
FILES = {
    "/intranet.css": "text/css",
    "/hostile.css": "text/css",
    "/intranet.js": "text/javascript",
}


def widget_token(api: str, key: str, origin: str) -> str:
    request = urllib.request.Request(
        f"{api}/v1/widget-tokens",
        data=json.dumps({"origin": origin, "ttl_seconds": 600}).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": key},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


def handler(api: str, key: str | None, origin: str) -> type[BaseHTTPRequestHandler]:
    csp = (
        f"default-src 'none'; script-src {api} 'self'; connect-src {api} 'self'; "
        "style-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path in FILES:
                self._send(200, (HERE / url.path[1:]).read_bytes(), FILES[url.path])
                return
            if url.path == "/favicon.ico":
                self._send(204, b"", "image/x-icon")
                return
            if url.path != "/":
                self._send(404, b"not found", "text/plain")
                return
            query = parse_qs(url.query)
            token = widget_token(api, key, origin) if key else ""
            page = (HERE / "index.html").read_text(encoding="utf-8")
            page = page.replace("{{API}}", html.escape(api))
            page = page.replace("{{LANG}}", "en" if query.get("lang") == ["en"] else "fr")
            page = page.replace("{{TOKEN}}", f' token="{html.escape(token)}"' if token else "")
            if query.get("hostile") == ["1"]:
                page = page.replace("<!--HOSTILE-->", '<link rel="stylesheet" href="hostile.css">')
            self._send(200, page.encode(), "text/html; charset=utf-8")

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/widget-token" or not key:
                self._send(404, b"not found", "text/plain")
                return
            body = json.dumps({"token": widget_token(api, key, origin)}).encode()
            self._send(200, body, "application/json")

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(body)

    return Page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args()
    origin = f"http://127.0.0.1:{args.port}"
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(args.api, args.api_key, origin))
    print(f"example intranet page on {origin} (API {args.api})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
