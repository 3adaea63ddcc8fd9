"""Encoders that remember their vectors, by the hash of the text.

``CachedEncoder`` remembers in memory: the evaluation asks the same texts again and
again. ``StoredVectors`` keeps them on disk beside the builds, so that adding one
map to the corpus embeds only that map's texts: a build asks the cache first, and
the encoder only for what no earlier build has seen.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import numpy as np

from rag_territoires.embedding.encoders import Encoder


class CachedEncoder:
    """An encoder that remembers its vectors for the life of the object."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self._vectors: dict[str, np.ndarray] = {}
        self.encoded = 0  # texts the wrapped encoder was asked for

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def warm_up(self) -> None:
        self.encoder.warm_up()

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self.encoded += len(missing)
            self._vectors.update(zip(missing, self.encoder.encode(missing), strict=True))
        return np.vstack([self._vectors[t] for t in texts])


KEY_BYTES = 16


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:KEY_BYTES]


class StoredVectors(CachedEncoder):
    """A ``CachedEncoder`` loaded from, and saved to, one ``.npz`` file per encoder.

    ``save`` keeps only the texts used since loading (the current build's): the file
    never grows with maps that were removed. A damaged file is ignored (the texts are
    embedded again), never trusted: the cache can only cost time, not correctness."""

    def __init__(self, encoder: Encoder, folder: Path) -> None:
        super().__init__(encoder)
        digest = hashlib.sha1(encoder.name.encode()).hexdigest()[:10]
        self.path = folder / f"vectors-{digest}.npz"
        self._stored: dict[bytes, np.ndarray] = {}
        self._used: dict[bytes, np.ndarray] = {}
        self.reused = 0
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
            if vectors.ndim == 2 and keys.shape == (len(vectors), KEY_BYTES):
                self._stored = {k.tobytes(): v for k, v in zip(keys, vectors, strict=True)}
        except (OSError, ValueError, KeyError):
            pass

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        new = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._stored}
        missing = list(new.items())
        if missing:
            self.encoded += len(missing)
            vectors = self.encoder.encode([t for _, t in missing])
            self._stored.update(zip([k for k, _ in missing], vectors, strict=True))
        self.reused += len(set(keys)) - len(missing)
        rows = [self._stored[k] for k in keys]
        self._used.update(zip(keys, rows, strict=True))
        return np.vstack(rows).astype(np.float32)

    def save(self) -> None:
        """Atomically: a reader never sees half a file."""
        if not self._used:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:6]}.npz")
        keys = np.frombuffer(b"".join(self._used), dtype=np.uint8).reshape(-1, KEY_BYTES)
        np.savez(partial, keys=keys, vectors=np.vstack(list(self._used.values())))
        os.replace(partial, self.path)
