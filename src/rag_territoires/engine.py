"""The retrieval pipeline assembled from settings: documents → nodes → chunks → index → search.

Constructing a ``Engine`` is cheap; ``warm_up()`` reads the notes, loads
the encoders and loads the index (building it when it is missing or stale,
if allowed). The CLI, the API and the evaluation all go through here.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rag_territoires.config import RetrievalConfig, Settings
from rag_territoires.corpus.chunks import Chunk
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.embedding.e5 import E5Passages
from rag_territoires.embedding.encoders import Encoder, make_encoder
from rag_territoires.errors import IndexStateError, RagError
from rag_territoires.index.generation import settle
from rag_territoires.index.lock import build_lock
from rag_territoires.index.manifest import current_build_name
from rag_territoires.index.search_index import SearchIndex
from rag_territoires.index.snapshot import ParsedNotes, snapshot_key, stored_corpus
from rag_territoires.index.spec import IndexSpec
from rag_territoires.index.store import (
    CACHE_FOLDER,
    BeforePublish,
    build_index,
    checksums_in_background,
    load_index,
)
from rag_territoires.retrieval.calibration import shipped_calibration
from rag_territoires.retrieval.rerank import loaded_e5
from rag_territoires.retrieval.search import Searcher
from rag_territoires.retrieval.views import EmptySearcher, SearchViews
from rag_territoires.schema import SearchResult
from rag_territoires.text.lexicon import common_words

log = logging.getLogger(__name__)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while loading: it would scan the million objects a
    large corpus creates again and again (100k nodes: 3.8 s of parsing and chunking
    without the pause, 1.9 s with it). Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Engine:
    def __init__(
        self,
        settings: Settings | None = None,
        config: RetrievalConfig | None = None,
        auto_build: bool = True,
        show_progress: bool = False,
        encoders: Sequence[Encoder] | None = None,
        notes_dir: Path | None = None,
        before_publish: BeforePublish | None = None,
    ) -> None:
        """``notes_dir``: read the notes there rather than in the corpus folder (a staged
        change, a build's own maps); ``before_publish``: see ``store.build_index``."""
        self.settings = settings or Settings()
        self.notes_dir = notes_dir or self.settings.corpus_dir
        self.before_publish = before_publish
        self.config = config or self.settings.retrieval()
        self.auto_build = auto_build
        self.show_progress = show_progress
        self.corpus: Corpus | None = None
        self._notes_key: dict = {}  # what the notes were when read (index/snapshot.py)
        # given: a running server's, already loaded, when it switches to a new build
        self.encoders: list[Encoder] = (
            list(encoders)
            if encoders is not None
            else [make_encoder(spec) for spec in self.config.encoders]
        )
        # The added maps' re-ranker (retrieval/rerank.py), when the setting loads it. Every
        # build then stores e5's vectors, a corpus of the seminar alone's too (it has
        # nothing to re-order): the first map added encodes only its own texts, the
        # seminar's being in the vector cache (21 s without this; issue 27's target: 15 s)
        self.e5: E5Passages | None = None
        self.build: str | None = None  # the build folder loaded
        self._searcher: Searcher | None = None
        self._views: SearchViews | None = None

    @property
    def chunks(self) -> list[Chunk]:
        return self.corpus.chunks if self.corpus is not None else []

    def load_notes(self, stored: bool = False) -> None:
        """``stored``: take the live build's parsed notes when they were made from these
        very files (``index/snapshot.py``); a large corpus then starts without parsing."""
        folder, max_chars = self.notes_dir, self.config.chunk_max_chars
        self._notes_key = snapshot_key(folder, max_chars)  # before parsing: see snapshot.py
        snapshot = stored_corpus(self.settings.index_dir, self._notes_key) if stored else None
        self.corpus = snapshot or Corpus.load(folder, max_chars)

    def warm_up(self, rebuild: bool = False) -> None:
        if self._searcher is not None and not rebuild:
            return
        with collector_paused():
            self._load(rebuild)
        # What was just loaded lives as long as the process: later collections need not
        # scan it again (a pause per collection otherwise grows with the corpus)
        gc.freeze()

    def _load(self, rebuild: bool) -> None:
        if rebuild:
            index = self._build(reuse_fresh=False)
        else:
            # the index files are hashed on the other core while the notes are read
            checksums = checksums_in_background(self.settings.index_dir)
            self.load_notes(stored=True)
            self._warm_encoders()
            # read before loading: if a build lands meanwhile, the watcher sees a change
            # and loads again (api/reload.py), never the reverse
            index_dir = self.settings.index_dir
            loaded = current_build_name(index_dir)
            try:
                index = load_index(
                    index_dir, self._index_spec(), checksums=checksums, e5=self.e5 is not None
                )
                self.build = loaded
            except IndexStateError as problem:
                if not self.auto_build:
                    raise
                log.warning("%s: building it now", problem.reason)
                # reuse_fresh: a concurrent start may have just built it
                index = self._build(reuse_fresh=True)
        self._searcher = Searcher(index, self.encoders, self.config, self.corpus, e5=self.e5)
        cache_dir = self.settings.index_dir / CACHE_FOLDER
        self._views = SearchViews(self._searcher, self.corpus, cache_dir)

    def _warm_encoders(self) -> None:
        for encoder in self.encoders:
            encoder.warm_up()
        common_words()  # read once now (~0.1 s), not on the first question naming something
        if self.e5 is None:
            self.e5 = loaded_e5(self.config, shipped_calibration())

    def _index_spec(self) -> IndexSpec:
        corpus, max_chars = self.corpus, self.config.chunk_max_chars
        return IndexSpec(self.chunks, self.encoders, corpus.fingerprint, max_chars)

    def _build(self, reuse_fresh: bool) -> SearchIndex:
        """Under the build lock, the notes read again: what is built is what the folder
        holds once a crashed corpus change is settled, and no change lands meanwhile."""
        index_dir = self.settings.index_dir
        with build_lock(index_dir) as took_it:
            if took_it:  # otherwise a corpus change holds it, and is settling itself
                settle(self.settings.corpus_dir, index_dir)
            self.load_notes(stored=reuse_fresh)
            self._warm_encoders()
            index = build_index(
                index_dir,
                self._index_spec(),
                show_progress=self.show_progress,
                reuse_fresh=reuse_fresh,
                notes=ParsedNotes(self.corpus, self._notes_key),
                before_publish=self.before_publish,
                e5=self.e5,
            )
            self.build = current_build_name(index_dir)
        return index

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            raise RagError("the engine is not ready: call warm_up() first")
        return self._searcher

    @property
    def views(self) -> SearchViews:
        """The searchers of callers who may not see some maps (``retrieval/views.py``)."""
        if self._views is None:
            raise RagError("the engine is not ready: call warm_up() first")
        return self._views

    def searcher_for(self, hidden: frozenset[str]) -> Searcher | EmptySearcher:
        """The search of a caller who may not see the maps ``hidden`` (file names)."""
        return self.views.for_hidden(hidden)

    def search(self, query: str, top_k: int = 5, history: Sequence[str] = ()) -> SearchResult:
        self.warm_up()
        return self.searcher.search(query, top_k=top_k, history=history)
