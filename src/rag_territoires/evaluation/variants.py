"""The retrieval configurations the evaluation compares, the default first."""

from __future__ import annotations

from dataclasses import replace

from rag_territoires.config import RetrievalConfig
from rag_territoires.evaluation.fixed_chunks import FIXED_CHARS
from rag_territoires.evaluation.runner import Variant


def variants(default: RetrievalConfig) -> list[Variant]:
    d = default
    return [
        Variant("default: bm25+use weighted", d),
        Variant("bm25 alone", replace(d, encoders=())),
        Variant("use alone", replace(d, use_bm25=False)),
        Variant("minilm alone", replace(d, use_bm25=False, encoders=("minilm",))),
        Variant("bm25+minilm weighted", replace(d, encoders=("minilm",))),
        Variant("bm25+use+minilm weighted", replace(d, encoders=("use", "minilm"))),
        Variant("bm25+use rrf", replace(d, fusion="rrf")),
        Variant("bm25+use, chunk vectors only", replace(d, node_vectors=False)),
        Variant("bm25+use, one chunk per node", replace(d, chunk_max_chars=0)),
        Variant("bm25+use, chunks <= 600 chars", replace(d, chunk_max_chars=600)),
        Variant("bm25+use, one chunk per section", replace(d, chunk_max_chars=10**6)),
        Variant("bm25+use, no history", replace(d, history_weight=0.0)),
        Variant(
            f"bm25+use, fixed {FIXED_CHARS}-char chunks",
            replace(d, chunk_max_chars=FIXED_CHARS),
            chunking="fixed",
        ),
    ]
