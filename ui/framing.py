"""An answer's framing said in the page's language: switched to English, the page showed
its earlier answers' "En bref :" and "D'après …" in French.

The API frames an answer in its question's language; the frames are its own templates
(imported, not copied), so each frame line is matched against them in the other language
and filled again. The notes' own text inside a frame stays as written.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from rag_territoires.answer.direct import AND, LEAD, LIST_LEAD
from rag_territoires.answer.extractive import (
    FOCUS,
    FOLLOWS,
    FRAMING,
    FRAMING_SEVERAL,
    MAP_HEADING,
    ORDINALS,
)

FRAMES = (LIST_LEAD, LEAD, FOCUS, FOLLOWS, FRAMING, FRAMING_SEVERAL, MAP_HEADING)


@cache
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    body = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{body}$", re.S)


def _fields(values: dict[str, str], source: str, target: str) -> dict[str, str]:
    if "items" in values:  # "A [2], B [3] et C [4]": the joint after a [n] is the frame's
        head, joint, last = values["items"].rpartition("]" + AND[source])
        values["items"] = f"{head}]{AND[target]}{last}" if joint else values["items"]
    if "ordinal" in values:
        rank = next((r for r, word in ORDINALS[source].items() if word == values["ordinal"]), None)
        values["ordinal"] = ORDINALS[target].get(rank, values["ordinal"])
    return values


def frame_line(line: str, lang: str) -> str:
    for frame in FRAMES:
        for source in frame:
            if source == lang or lang not in frame:
                continue
            if match := _pattern(frame[source]).match(line):
                return frame[lang].format(**_fields(match.groupdict(), source, lang))
    return line


def in_language(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """``data`` with its answer's and lead's frames in ``lang``."""
    text = "\n".join(frame_line(line, lang) for line in data["answer"].split("\n"))
    lead = data.get("lead")
    return {**data, "answer": text, "lead": frame_line(lead, lang) if lead else lead}
