"""Synthetic mind maps, deterministic by seed, for ``bench --scale`` and the tests that
need a large or a second map: node texts of 3 to 14 words drawn from the seminar notes'
own vocabulary, trees up to 6 levels deep with 1 to ~8 children a node, written as a text
export and an outline exactly like the real ones, so the whole pipeline runs on them."""

from __future__ import annotations

import random
import re
from pathlib import Path

MAX_DEPTH = 5
NODES_PER_MAP = 50_000  # ~4.4 MB of outline: a map file may not exceed 20 MB (readers)
WORD = re.compile(r"[A-Za-zÀ-ÿ'’-]{3,}")


def vocabulary(corpus_dir: Path) -> list[str]:
    """The words of the corpus' node texts."""
    from rag_territoires.corpus.corpus import Corpus

    words = WORD.findall("\n".join(n.text for n in Corpus.load(corpus_dir).nodes()))
    return sorted({w.strip("-'’").lower() for w in words if len(w.strip("-'’")) >= 3})


def synthetic_notes(nodes: int, seed: int, words: list[str]) -> tuple[str, str]:
    """(export, outline) for a mind map of ``nodes`` nodes."""
    rng = random.Random(seed)
    roots = max(4, nodes // 400)
    depth = [0] * roots
    children: list[list[int]] = [[] for _ in range(nodes)]
    for i in range(roots, nodes):
        for _ in range(20):  # a parent among the recent nodes: branches grow deep and bushy
            parent = rng.randrange(max(0, i - 40), i)
            if depth[parent] < MAX_DEPTH:
                break
        else:  # the recent nodes are all at the deepest level: a new main branch
            parent = rng.randrange(roots)
        children[parent].append(i)
        depth.append(depth[parent] + 1)
    texts, seen = [], set()
    for _ in range(nodes):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14))).capitalize()
        while text in seen:
            text += " " + rng.choice(words)
        seen.add(text)
        texts.append(text)
    export, outline = [], ["# Carte mentale synthétique", ""]
    stack = list(reversed(range(roots)))
    while stack:
        i = stack.pop()
        export += [texts[i], ""]
        outline.append("  " * depth[i] + "- " + texts[i])
        stack.extend(reversed(children[i]))
    return "\n".join(export) + "\n", "\n".join(outline) + "\n"


def write_maps(corpus_dir: Path, nodes: int, seed: int, words: list[str]) -> None:
    """``nodes`` nodes as maps of at most ``NODES_PER_MAP``: an intranet that gathers
    every seminar has many maps, and one map of 250k nodes would be over the size limit."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    count = -(-nodes // NODES_PER_MAP)
    for part in range(count):
        size = nodes // count + (part < nodes % count)
        export, outline = synthetic_notes(size, seed + part, words)
        name = "notes" if count == 1 else f"notes-{part + 1}"
        (corpus_dir / f"{name}.txt").write_text(export, encoding="utf-8")
        (corpus_dir / f"{name}.outline.md").write_text(outline, encoding="utf-8")
