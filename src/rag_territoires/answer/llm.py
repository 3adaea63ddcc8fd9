"""Optional: let an OpenAI-compatible chat-completions server write the answer.

The model sees only the numbered quotes the extractive answer would cite, and
must end each sentence with the quotes it comes from, [n]. Markers that match no
quote are reported; an answer that cites nothing, a timeout, an HTTP error or a
malformed reply raises ``LlmError``, and the caller falls back to the extractive
answer. What the model wrote is then checked sentence by sentence (``grounding.py``).

A slow or hostile server cannot hold a request: the timeout is a deadline for the whole
exchange (a server dripping one byte a second is cut at it, headers included), the reply
is read up to a size cap, and only a bounded number of answers are written at once (the
others get the extractive answer at once, with a notice).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from rag_territoires.answer.grounding import MARKER
from rag_territoires.errors import RagError
from rag_territoires.schema import Citation

# What a model's text may not carry to clients that render it (the chat page escapes it,
# other integrations might not): terminal escapes, control characters, HTML tags, and
# Markdown images and links (kept as their text; "[1](http://...)" stays the marker [1]).
_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_TARGET = r"\((?:[^()]|\([^()]*\))*\)"  # "(url)", with one level of parentheses inside
_IMAGE = re.compile(r"!\[([^\]]*)\]" + _TARGET)
_LINK = re.compile(r"\[([^\]]+)\]" + _TARGET)


class LlmError(RagError):
    """The language model could not give a usable answer."""


@dataclass(frozen=True)
class LlmAnswer:
    text: str  # plain text; its sentences are checked next (``grounding.py``)
    dropped: list[int]  # markers that match no quote


SYSTEM = {
    "fr": (
        "Tu réponds à des questions sur des notes d'événements prises en cartes mentales. "
        "Utilise uniquement les citations numérotées données, jamais d'autres connaissances. "
        "Écris des phrases courtes. Termine chaque phrase par le numéro des citations qui "
        "la disent, par exemple [1] ou [2][3]. N'écris rien que les citations ne disent pas. "
        "Si elles ne répondent pas à la question, dis-le en une phrase."
    ),
    "en": (
        "You answer questions about event notes taken as mind maps. Use only "
        "the numbered quotes given, never other knowledge. Write short sentences. End each "
        "sentence with the numbers of the quotes that say it, for example [1] or [2][3]. "
        "Write nothing the quotes do not say. If they do not answer the question, say so in "
        "one sentence. Answer in English; keep quoted words in French."
    ),
}


def _prompt(question: str, history: Sequence[str], citations: Sequence[Citation], language: str):
    """The system prompt in the question's language; each quote with its branch, whose
    titles often carry what the quote is about ("3 principes à appliquer > ...")."""
    quotes = "\n".join(f"[{c.n}] ({' > '.join(c.branch[:-1])}) {c.quote}" for c in citations)
    earlier = "\n".join(f"- {h}" for h in history) or "-"
    if language == "fr":
        user = (
            f"Citations :\n{quotes}\n\nQuestions précédentes :\n{earlier}\n\nQuestion : {question}"
        )
    else:
        user = f"Quotes:\n{quotes}\n\nEarlier questions:\n{earlier}\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM[language]}, {"role": "user", "content": user}]


# Passes of markup removal: each removes one level of nesting; a model nesting deeper is
# hostile, and what is left of its markup is defused below.
MAX_STRIP_PASSES = 8
# what a "<" left over becomes: no client can read it as the start of a tag, a reader still
# sees an angle ("moins de 5 %" is how the notes write "< 5 %" anyway)
DEFUSED_ANGLE = "\u2039"  # ‹


def _strip_once(text: str) -> str:
    text = _IMAGE.sub(lambda m: m[1], text)
    text = _LINK.sub(lambda m: f"[{m[1]}]" if m[1].isdigit() else m[1], text)
    return _TAG.sub("", text)


def plain_text(text: str) -> str:
    """The model's answer as plain text (see above), without a single "<".

    One pass is not enough: removing "<b>" from "<<b>a href=...>" leaves "<a href=...>"
    whole. So passes run until nothing changes (each one is linear, and the number is
    bounded so that deep nesting costs no more than a few passes), and any "<" still there,
    a stray one or the remains of deeper nesting, is replaced."""
    text = _CONTROL.sub("", _ANSI.sub("", text))  # no escape left to rebuild below
    for _ in range(MAX_STRIP_PASSES):
        stripped = _strip_once(text)
        if stripped == text:
            break
        text = stripped
    return text.replace("<", DEFUSED_ANGLE).strip()


class LlmClient:
    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 20.0,
        max_reply_bytes: int = 256 * 1024,
        max_concurrent: int = 4,
        max_tokens: int = 400,
    ):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.max_reply_bytes = max_reply_bytes
        self.max_concurrent = max_concurrent
        self.max_tokens = max_tokens
        self._slots = threading.BoundedSemaphore(max_concurrent)

    async def _post(self, body: dict, headers: dict[str, str]) -> bytes:
        async with (
            httpx.AsyncClient(timeout=self.timeout) as client,
            client.stream("POST", self.url, json=body, headers=headers) as response,
        ):
            if response.status_code != 200:
                raise LlmError(f"the server answered HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_reply_bytes:
                raise LlmError(f"the server's reply is over {self.max_reply_bytes} bytes")
            received = bytearray()
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) > self.max_reply_bytes:
                    raise LlmError(f"the server's reply is over {self.max_reply_bytes} bytes")
            return bytes(received)

    def _complete(self, messages: list[dict[str, str]]) -> str:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        try:
            # its own event loop, in the worker thread: the deadline cancels the exchange
            # wherever it is (connecting, reading headers or the body)
            raw = asyncio.run(asyncio.wait_for(self._post(body, headers), self.timeout))
        except (TimeoutError, httpx.TimeoutException):
            raise LlmError(f"no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise LlmError(f"cannot reach {self.url}: {exc}") from None
        try:
            content = json.loads(raw)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LlmError("the server's reply is not a chat completion") from None
        if not isinstance(content, str) or not content.strip():
            raise LlmError("the server's reply is empty")
        if any(0xD800 <= ord(c) <= 0xDFFF for c in content):
            raise LlmError("the server's reply is not valid text")
        return content.strip()

    def write(
        self, question: str, history: Sequence[str], citations: Sequence[Citation], language: str
    ) -> LlmAnswer:
        if not self._slots.acquire(blocking=False):
            raise LlmError(f"the language model is busy ({self.max_concurrent} answers at once)")
        try:
            text = plain_text(self._complete(_prompt(question, history, citations, language)))
        finally:
            self._slots.release()
        known = {c.n for c in citations}
        found = [int(m) for m in MARKER.findall(text)]
        dropped = sorted({n for n in found if n not in known})
        if not any(n in known for n in found):
            raise LlmError("the model's answer cites none of the passages")
        return LlmAnswer(text, dropped)
