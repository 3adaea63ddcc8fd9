"""A deliberately adversarial language model: real markers on invented sentences.

An OpenAI-compatible chat-completions server on loopback that reads the numbered quotes
of the prompt and answers with sentences the quotes do not support, each ending with a
marker that resolves: invented figures, dates, people and programmes, strong claims
built on the quote's own words, a tiny model's gibberish, and English versions of these.
Model ``adversarial`` writes only those; model ``mixed`` puts one faithful sentence (the
quote itself) for every quote and an invented one after every other quote: the faithful
ones should survive, the invented ones must not. Model ``markup`` writes ``mixed``'s answer
wrapped in markup built to survive a single stripping pass (``<<b>a href=...>``, an
``<iframe>``, a ``<script>``): none of it may reach a client.

It measures the grounding check (``bench --llm --adversarial``) and serves the tests. Its
sentences are never used to fit the check (``evaluation/grounding.py`` fits on a labelled
set written by someone else).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_QUOTE = re.compile(r"^\[(\d+)\] \(([^)]*)\) (.+)$", re.MULTILINE)

INVENTED = (
    "{topic} a permis de doubler les financements de la Région en 2019 [{n}].",
    "Selon Jean Dupont, maire de Saint-Affrique, {topic} ne concerne que les grandes villes [{n}].",
    "Les notes recommandent de confier {topic} exclusivement aux services de l'État [{n}].",
    "{topic} a été abandonné par 80 % des communes rurales depuis 2015 [{n}].",
    "The notes say that {topic} was funded by the LEADER programme of the European Union "
    "from 2014 to 2020 [{n}].",
    "Le séminaire conclut que les intercommunalités doivent fusionner avant 2030 [{n}].",
    "le {first} à appliquer : [{n}] (enjouement) (pére nommage) (inscrinitif) "
    "(d'un pratique de entrapertement) [{n}].",
    "According to the notes, {topic} is the main cause of rural depopulation [{n}].",
    "Il faut absolument interdire {topic} dans toutes les communes [{n}].",
    "Le conseil départemental finance {topic} à hauteur de 3 millions d'euros par an [{n}].",
)
FAITHFUL = "{quote} [{n}]."
# each tag hides inside another: removing the inner one once leaves the outer one whole
NESTED_LINK = "<<b>a href=//evil.example>{sentence}<</b>/a>"
NESTED_FRAME = "<<i>iframe src=//evil.example><</i>/iframe>{sentence}"
NESTED_SCRIPT = "<<b>script>alert(1)<</b>/script>."  # a sentence of its own, after an invented one


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+?".join(map(re.escape, parts)), re.IGNORECASE | re.DOTALL)


_INVENTED_PATTERNS = [_pattern(t) for t in INVENTED]


def is_invented(sentence: str) -> bool:
    """Whether a sentence is one this model invented (what the measurement counts)."""
    return any(p.fullmatch(sentence.strip()) for p in _INVENTED_PATTERNS)


def quotes_of(prompt: str) -> list[tuple[int, str]]:
    return [(int(m[1]), m[3].strip()) for m in _QUOTE.finditer(prompt)]


def _topic(quote: str) -> str:
    words = re.sub(r"\([^)]*\)", "", quote).split()
    return " ".join(words[:5]).rstrip(" ,.;:?!") or "ce point"


def invented_sentences(quotes: list[tuple[int, str]], start: int = 0) -> list[str]:
    """One invented sentence per quote, cycling through ``INVENTED`` from ``start``."""
    sentences = []
    for i, (n, quote) in enumerate(quotes):
        template = INVENTED[(start + i) % len(INVENTED)]
        topic = _topic(quote)
        sentence = template.format(n=n, topic=topic, first=topic.split()[0])
        sentences.append(sentence[0].upper() + sentence[1:])
    return sentences


def _mixed(quotes: list[tuple[int, str]], invented: list[str], markup: bool) -> list[str]:
    """Every quote as it is, and an invented sentence after every other; with ``markup``,
    the faithful ones wrapped in a link or after a frame, and a script after the first
    invented one."""
    sentences = []
    for i, (n, quote) in enumerate(quotes):
        faithful = FAITHFUL.format(quote=quote.rstrip(" .?!"), n=n)
        wrapper = (NESTED_LINK, NESTED_FRAME)[i % 2] if markup else "{sentence}"
        sentences.append(wrapper.format(sentence=faithful))
        if i % 2:
            sentences.append(invented[i])
            if markup and i == 1:
                sentences.append(NESTED_SCRIPT)
    return sentences


def answer(model: str, prompt: str, turn: int) -> str:
    quotes = quotes_of(prompt)
    invented = invented_sentences(quotes, start=turn)
    if model in ("mixed", "markup"):
        return " ".join(_mixed(quotes, invented, markup=model == "markup"))
    return " ".join(invented)


class _Handler(BaseHTTPRequestHandler):
    turns = 0

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        prompt = request["messages"][-1]["content"]
        _Handler.turns += 1
        content = answer(request.get("model", "adversarial"), prompt, _Handler.turns)
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A chat-completions server answering with ``handler`` on a free loopback port: its
    base URL (``http://127.0.0.1:PORT/v1``) while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def adversarial_server():
    return loopback_server(_Handler)
