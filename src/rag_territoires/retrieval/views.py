"""What a caller may search: the corpus without the maps restricted to groups it is not in.

Hiding a restricted map's passages after the search would not hide the map: whether a
question is declined, and with what confidence, is judged on the whole index (its best
passages, BM25's document frequencies, the words the notes know, the centring of the
vectors, the expansion table), so an outsider asking a restricted map's own words would
be answered differently from an unknown phrase. A caller who may not see some maps is
therefore searched by a ``Searcher`` over an index built from the other maps alone,
exactly as a build of that smaller corpus would make it (``index/view.py``): the same
passages, scores, answer and confidence as if the hidden maps were not in the corpus.

A view is built on first use (its vectors come from the build cache: nothing is
embedded again unless the cache lost them; the API builds the view of a caller in no
group before it serves) and kept for the life of the build; the few kept are the most
recently used. Each holds its own copy of its maps' vectors and BM25 index. With no
restricted map, or a caller who may see them all, the full searcher answers: nothing is
built and nothing is paid.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from rag_territoires.corpus.access import hidden_from
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.visible import VisibleCorpus
from rag_territoires.embedding.encoders import Encoder
from rag_territoires.errors import UnknownDocument
from rag_territoires.index.view import view_index
from rag_territoires.retrieval.rerank import has_added_maps
from rag_territoires.retrieval.search import Searcher, SearchOutcome, validate_request
from rag_territoires.schema import SearchResult

MAX_VIEWS = 8  # distinct sets of hidden maps kept (each holds its own BM25 and vectors)


class EmptySearcher:
    """The search of a caller who may see no map at all: every question is declined, with
    no passage, as no notes could answer it."""

    def __init__(self, encoders: Sequence[Encoder], corpus: VisibleCorpus) -> None:
        self.encoders = list(encoders)
        self.corpus = corpus

    def search_outcome(
        self,
        query: str,
        top_k: int = 5,
        history: Sequence[str] = (),
        documents: Sequence[str] = (),
    ) -> SearchOutcome:
        query, _ = validate_request(query, history, top_k)
        if documents:
            raise UnknownDocument(f"no document named {documents[0]!r}")
        result = SearchResult(query=query, abstained=True, confidence=0.0, passages=[])
        return SearchOutcome(result, [])

    def search(
        self,
        query: str,
        top_k: int = 5,
        history: Sequence[str] = (),
        documents: Sequence[str] = (),
    ) -> SearchResult:
        return self.search_outcome(query, top_k, history, documents).result


class SearchViews:
    def __init__(self, searcher: Searcher, corpus: Corpus, cache_dir: Path) -> None:
        self.searcher = searcher
        self.corpus = corpus
        self.cache_dir = cache_dir
        self._views: OrderedDict[frozenset[str], Searcher | EmptySearcher] = OrderedDict()
        self._lock = threading.Lock()

    def ready(self, hidden: frozenset[str]) -> Searcher | EmptySearcher | None:
        """The searcher for a caller who may not see ``hidden``, if it needs no building."""
        if not hidden:
            return self.searcher
        with self._lock:
            view = self._views.get(hidden)
            if view is not None:
                self._views.move_to_end(hidden)
            return view

    def for_hidden(self, hidden: frozenset[str]) -> Searcher | EmptySearcher:
        """The searcher over every map but ``hidden`` (file names); built once (under a
        lock, so concurrent first callers build it once)."""
        view = self.ready(hidden)
        if view is not None:
            return view
        with self._lock:
            view = self._views.get(hidden)
            if view is None:
                view = self._views[hidden] = self._build(hidden)
                while len(self._views) > MAX_VIEWS:
                    self._views.popitem(last=False)
            return view

    def warm_public(self) -> None:
        """Build now the view of a caller in no group (anonymous, or a key without groups):
        the commonest outsider's first request then costs what any other does, and its
        time tells nothing of restricted maps. Nothing when every map is public."""
        self.for_hidden(hidden_from(self.corpus.access, frozenset()))

    def _build(self, hidden: frozenset[str]) -> Searcher | EmptySearcher:
        full = self.searcher
        visible = VisibleCorpus(self.corpus, hidden)
        chunks = [c for c in full.index.chunks if c.document not in hidden]
        if not chunks:
            return EmptySearcher(full.encoders, visible)
        # re-ranked as the full corpus is, when the view still holds an added map
        e5 = full.e5 if has_added_maps(chunks, full.calibration) else None
        index = view_index(chunks, full.encoders, self.cache_dir, e5)
        return Searcher(
            index,
            full.encoders,
            full.config,
            visible,
            calibration=full.calibration,
            dependence=full.dependence or False,
            e5=e5,
        )
