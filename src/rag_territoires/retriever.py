"""The retrieval pipeline assembled from settings: notes → outline → chunks → index → search.

Constructing a ``Retriever`` is cheap; ``warm_up()`` reads the notes, loads
the encoders and loads the index (building it when it is missing or stale,
if allowed). The CLI, the API and the evaluation all go through here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from rag_territoires.chunking import Chunk, chunk_outline
from rag_territoires.config import RetrievalConfig, Settings
from rag_territoires.errors import IndexStateError, RagError
from rag_territoires.index.store import build_index, load_index
from rag_territoires.notes.export import read_text, split_lines
from rag_territoires.notes.outline import Outline, load_outline
from rag_territoires.retrieval.encoders import Encoder, make_encoder
from rag_territoires.retrieval.lexicon import common_words
from rag_territoires.retrieval.search import Searcher
from rag_territoires.schema import SearchResult

log = logging.getLogger(__name__)


class Retriever:
    def __init__(
        self,
        settings: Settings | None = None,
        config: RetrievalConfig | None = None,
        auto_build: bool = True,
        show_progress: bool = False,
    ) -> None:
        self.settings = settings or Settings()
        self.config = config or self.settings.retrieval()
        self.auto_build = auto_build
        self.show_progress = show_progress
        self.outline: Outline | None = None
        self.chunks: list[Chunk] = []
        self.document_lines: list[str] = []
        self.encoders: list[Encoder] = [make_encoder(spec) for spec in self.config.encoders]
        self._searcher: Searcher | None = None

    def load_notes(self) -> None:
        self.outline = load_outline(self.settings.document, self.settings.outline)
        # the raw export, for showing the cited lines as they are in the original
        self.document_lines = split_lines(read_text(self.settings.document))
        self.chunks = chunk_outline(self.outline, self.config.chunk_max_chars)

    def warm_up(self, rebuild: bool = False) -> None:
        if self._searcher is not None and not rebuild:
            return
        self.load_notes()
        for encoder in self.encoders:
            encoder.warm_up()
        common_words()  # read once now (~0.1 s), not on the first question naming something
        args = (self.chunks, self.encoders, self.outline.fingerprint, self.config.chunk_max_chars)
        if rebuild:
            index = build_index(self.settings.index_dir, *args, show_progress=self.show_progress)
        else:
            try:
                index = load_index(self.settings.index_dir, *args)
            except IndexStateError as problem:
                if not self.auto_build:
                    raise
                log.warning("%s: building it now", problem.reason)
                index = build_index(
                    self.settings.index_dir,
                    *args,
                    show_progress=self.show_progress,
                    reuse_fresh=True,  # a concurrent start may have just built it
                )
        self._searcher = Searcher(index, self.encoders, self.config, self.outline.by_id())

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            raise RagError("the retriever is not ready: call warm_up() first")
        return self._searcher

    def search(self, query: str, top_k: int = 5, history: Sequence[str] = ()) -> SearchResult:
        self.warm_up()
        return self.searcher.search(query, top_k=top_k, history=history)
