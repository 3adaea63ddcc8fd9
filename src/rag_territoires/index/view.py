"""An index of some of a build's chunks, made in memory as a build of those chunks alone
would make it (``store._build``): their vectors from the build cache, centred on their
own mean, their own BM25 statistics and their own expansion table. What a caller who may
not see some maps is searched with (``retrieval/views.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rag_territoires.corpus.chunks import Chunk
from rag_territoires.embedding.cache import StoredVectors
from rag_territoires.embedding.encoders import Encoder
from rag_territoires.index.builders import build_expansion, centre, dense_index, embed_chunks
from rag_territoires.index.search_index import SearchIndex, bm25_index


def view_index(
    chunks: list[Chunk], encoders: Sequence[Encoder], cache_dir: Path, e5: Encoder | None = None
) -> SearchIndex:
    """``chunks`` indexed alone. The cache is read, never written: a text it lacks (an
    older build's cache, or one removed) is embedded again, in memory only. ``e5``: with
    e5's unit vectors too, centred on these chunks' own mean (retrieval/rerank.py)."""
    cached = [StoredVectors(encoder, cache_dir) for encoder in encoders]
    dense = {}
    for encoder in cached:
        dense[encoder.name], _ = dense_index(centre(embed_chunks(chunks, encoder)))
    e5_units = None
    if e5 is not None:
        e5_units = centre(embed_chunks(chunks, StoredVectors(e5, cache_dir)))
    expansion = build_expansion(chunks, cached)
    return SearchIndex(chunks, dense, expansion, bm25=bm25_index(chunks), e5_units=e5_units)
