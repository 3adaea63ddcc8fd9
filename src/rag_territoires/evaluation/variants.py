"""The retrieval configurations the evaluation compares, the default first.

Each lever of the default is also measured switched off, so that the report
shows what it adds on the tuning questions and on the blind batch.
"""

from __future__ import annotations

from dataclasses import replace

from rag_territoires.config import RetrievalConfig
from rag_territoires.evaluation.fixed_chunks import FIXED_CHARS
from rag_territoires.evaluation.runner import Variant

NO_EXPANSION = 1.01  # no cosine reaches it


def variants(default: RetrievalConfig) -> list[Variant]:
    d = default
    return [
        Variant("default: bm25+use, all levers", d),
        Variant("without the learned query map", replace(d, query_map=False)),
        Variant("without query expansion", replace(d, expansion_min_cosine=NO_EXPANSION)),
        Variant("without centring", replace(d, centring=False)),
        Variant(
            "without expansion or centring",
            replace(d, expansion_min_cosine=NO_EXPANSION, centring=False),
        ),
        Variant("bm25 weight 1 (as before)", replace(d, bm25_weight=1.0)),
        Variant("bm25 alone (no encoder: no expansion)", replace(d, encoders=())),
        Variant("use alone", replace(d, use_bm25=False)),
        Variant("minilm alone", replace(d, use_bm25=False, encoders=("minilm",))),
        Variant("bm25+use+minilm", replace(d, encoders=("use", "minilm"))),
        Variant("bm25+use rrf", replace(d, fusion="rrf")),
        Variant("chunk vectors only", replace(d, node_vectors=False)),
        Variant("one chunk per node", replace(d, chunk_max_chars=0)),
        Variant("chunks <= 250 chars (before)", replace(d, chunk_max_chars=250)),
        Variant("one chunk per section", replace(d, chunk_max_chars=10**6)),
        Variant("no history", replace(d, history_weight=0.0)),
        Variant(
            f"fixed {FIXED_CHARS}-char chunks",
            replace(d, chunk_max_chars=FIXED_CHARS),
            chunking="fixed",
        ),
    ]
