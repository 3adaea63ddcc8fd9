"""What an index is an index of: the chunks, the encoders, the corpus and the chunk budget.

A build records it in its manifest; loading compares the live build's manifest with it,
so that an index of other notes, another chunking or other encoders is never used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from rag_territoires.corpus.chunks import Chunk
from rag_territoires.embedding.encoders import Encoder


@dataclass(frozen=True)
class IndexSpec:
    chunks: list[Chunk]
    encoders: Sequence[Encoder]
    fingerprint: str  # the corpus's (Corpus.fingerprint)
    max_chars: int  # the chunk budget the chunks were cut with

    def identity(self) -> dict:
        """The manifest's entries that must match for a build to be this index."""
        ids = "\n".join(chunk.id for chunk in self.chunks)
        return {
            "corpus_fingerprint": self.fingerprint,
            "chunk_max_chars": self.max_chars,
            "chunk_count": len(self.chunks),
            "chunk_ids": hashlib.sha256(ids.encode()).hexdigest()[:16],
            "encoders": sorted(e.name for e in self.encoders),
        }
