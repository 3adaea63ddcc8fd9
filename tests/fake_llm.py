"""A small OpenAI-compatible chat-completions server on loopback, for the tests.

The requested model name picks its behaviour: ``good`` (two sentences its quotes support,
with a bogus [99] too), ``slow`` (answers after 3 s), ``garbage`` (200 with a body that is not
JSON), ``error`` (HTTP 500), ``uncited`` (an answer with no marker), ``drip`` (a valid
reply sent one byte every 0.2 s), ``drip_headers`` (the status line and headers sent that
way), ``huge`` (a 5 MB answer), ``long`` (150 sentences), ``hostile`` (markup,
links, terminal escapes and a NUL around a real marker).
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

from benchmarks.adversarial_llm import loopback_server


class Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict]] = []

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length))
        Handler.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), **request}
        )
        mode = request["model"]
        if mode == "slow":
            time.sleep(3)
        if mode in ("drip", "drip_headers"):
            self._drip(mode)
            return
        if mode == "garbage":
            self._send(200, b"<html>oops</html>", "text/html")
            return
        if mode == "error":
            self._send(500, b'{"error": "overloaded"}')
            return
        self._send(200, json.dumps(_reply(mode)).encode())

    def _drip(self, mode: str) -> None:
        body = json.dumps(_reply("slow")).encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        if mode == "drip":
            self.wfile.write(head)
        dripped = head + body if mode == "drip_headers" else body
        try:
            for i in range(min(len(dripped), 100)):  # bounded: stops by itself after 20 s
                self.wfile.write(dripped[i : i + 1])
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:  # the client gave up, as it should
            pass
        self.close_connection = True


def _reply(mode: str) -> dict:
    content = {
        "good": "Selon les notes, il faut se préparer aux changements et anticiper [3][99]. "
        "La posture d'anticipation et de construction fait partie des 3 principes à appliquer "
        "[1][2].",
        "slow": "Trop tard [1].",
        "uncited": "Je pense que oui.",
        "long": "Se préparer à des changements, anticiper [3]. " * 150,
        "huge": "Selon les notes [1] " + "bla " * 1_250_000,
        "hostile": "<b>Se préparer</b> à des \x1b[31mchangements\x1b[0m\x00 et anticiper "
        "[3](http://evil.example). ![x](http://evil.example/t.png) <script>alert(1)</script> "
        "[ici](javascript:alert(1))",
    }[mode]
    return {
        "id": "x",
        "object": "chat.completion",
        "model": mode,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }


def fake_llm_server():
    return loopback_server(Handler)
