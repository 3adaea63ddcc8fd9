"""Search: a question (and its conversation) to ranked, cited branch chunks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import NamedTuple, overload

import numpy as np

from rag_territoires.config import MAX_QUERY_CHARS, MAX_TOP_K, MIN_TOP_K, RetrievalConfig
from rag_territoires.corpus.chunks import Chunk
from rag_territoires.corpus.corpus import NodeLookup
from rag_territoires.corpus.model import DOCUMENT_SEPARATOR, Node
from rag_territoires.embedding.e5 import E5Passages
from rag_territoires.embedding.encoders import Encoder
from rag_territoires.errors import QueryError, UnknownDocument
from rag_territoires.index.search_index import SearchIndex
from rag_territoires.passages import passage_of
from rag_territoires.retrieval.abstention import (
    FEATURES,
    NEAR_BRANCHES,
    PASSAGES_CHECKED,
    expected_answer_type,
    lacks_answer_type,
    unknown_names,
)
from rag_territoires.retrieval.asked_fact import AskedFactBoost
from rag_territoires.retrieval.calibration import Calibration, shipped_calibration
from rag_territoires.retrieval.followup import (
    HISTORY_TURNS,
    Dependence,
    contextual_query,
    dependence_features,
    ordinal_child,
    ordinal_in,
    shipped_dependence,
)
from rag_territoires.retrieval.fusion import BM25, fuse, total_weight
from rag_territoires.retrieval.rerank import added_maps_rerank
from rag_territoires.schema import Reading, SearchResult
from rag_territoires.text.expansion import Expansion

# Unicode's categories Cc (control characters, but tab and line breaks) and Cs (surrogates),
# as ranges: a regular expression finds them ~10x faster than a category per character.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def validate_query(query: object, what: str = "question") -> str:
    if not isinstance(query, str):
        raise QueryError(f"the {what} must be text", "not_text")
    if not query.strip():
        raise QueryError(f"the {what} is empty", "empty")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the {what} has {len(query)} characters; the limit is {MAX_QUERY_CHARS}", "too_long"
        )
    bad = _CONTROL.search(query)
    if bad is not None:
        raise QueryError(
            f"the {what} contains a control character (U+{ord(bad[0]):04X})", "control_character"
        )
    lone = _SURROGATE.search(query)
    if lone is not None:  # not text: a broken encoding (or a terminal's undecodable byte)
        raise QueryError(
            f"the {what} is not valid text (lone surrogate U+{ord(lone[0]):04X})", "invalid_text"
        )
    return query.strip()


class Hit(NamedTuple):
    chunk: Chunk
    score: float


class RankedHits(Sequence[Hit]):
    """A ranking's hits, each made when read. The evaluation ranks every chunk for each of
    a million rankings and reads the first few: one object per chunk and ranking took a
    third of the calibration's time. ``chunks``: all of them, best first."""

    __slots__ = ("chunks", "scores")

    def __init__(self, chunks: list[Chunk], scores: list[float]) -> None:
        self.chunks = chunks
        self.scores = scores

    def __len__(self) -> int:
        return len(self.chunks)

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...
    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        if isinstance(index, slice):
            return list(map(Hit, self.chunks[index], self.scores[index]))
        return Hit(self.chunks[index], self.scores[index])

    def __iter__(self) -> Iterator[Hit]:
        return map(Hit, self.chunks, self.scores)


@dataclass(frozen=True)
class Focus:
    """An ordinal follow-up resolved: "et le deuxième ?" is ``number`` 2 of ``parent``."""

    number: int
    parent: Node
    child: Node


@dataclass(frozen=True)
class Query:
    """What a text asks, before any chunk is scored: its expansion, its vectors."""

    expansion: Expansion
    vectors: dict[str, np.ndarray]  # by encoder, centred (and mapped) when configured
    sounds_answerable: float = 0.0  # the answerable classifier's logit (0: none)
    # by encoder, centred but not mapped: what scores the maps the query map was not
    # learned on (empty when every map is one it was learned on)
    plain: dict[str, np.ndarray] = field(default_factory=dict)
    centred: dict[str, np.ndarray] = field(default_factory=dict)  # centred, never mapped
    # Each signal's scores of every chunk, kept when the query is kept (``Searcher``'s
    # ``reads``: the evaluation's grid scores one read once for its six fusion weights)
    every_chunk: dict[tuple, np.ndarray] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Signals:
    scores: dict[str, np.ndarray]  # by signal (BM25, each encoder), per scored chunk
    expansion: Expansion
    chunks: np.ndarray  # the scored chunks' positions: all, or the candidates
    sounds_answerable: float = 0.0


@dataclass(frozen=True)
class FollowUp:
    """A question read with its conversation (``contextual_query``): that text and its
    read, how it scores the chunks, and whether the question depends on the conversation
    (else it is searched and judged as if asked alone)."""

    text: str
    read: Query
    signals: Signals
    fused: np.ndarray
    depends: bool
    dependence: np.ndarray  # the dependence model's inputs (empty: no model applies)


# Up to this many chunks, every query scores every chunk (exact, and ~4 ms at 1,000
# chunks); above, each signal proposes its best CANDIDATES chunks and only their union is
# scored, exactly, so a search costs the same at 10k or 100k chunks (bench --scale
# measures both paths and their agreement). The evaluation always scores every chunk.
EXACT_UP_TO = 2_000
CANDIDATES = 100
# With a documents filter, the chosen maps must hold one of the whole corpus's best
# passages this deep, or the question is declined (``Searcher._not_in``)
FILTER_DEPTH = 10


@dataclass(frozen=True)
class Ranking:
    hits: Sequence[Hit]  # every chunk (or the first ones asked for), best first
    features: np.ndarray  # the abstention model's inputs (abstention.FEATURES)
    probability: float  # that the best passages answer the question
    focus: Focus | None = None
    threshold: float = 0.0  # the judging model's: abstain below it
    # With a conversation: whether the question was read as depending on it (else it was
    # searched alone), and the dependence model's inputs. None: no conversation.
    depends: bool | None = None
    dependence: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # what was searched: the question read alone, then with its conversation if it depends
    reads: tuple[Query, ...] = ()

    def abstains(self, threshold: float | None = None) -> bool:
        """Below ``threshold`` (None: the judging model's own)."""
        below = self.threshold if threshold is None else threshold
        return self.focus is None and self.probability < below


NodeScores = Callable[[Iterable[str]], dict[str, float]]


def _nothing_scored(node_ids: Iterable[str]) -> dict[str, float]:
    return {}  # a search that found no passage has no node to quote


@dataclass(frozen=True)
class SearchOutcome:
    result: SearchResult
    chunks: list[Chunk]  # the passages' chunks, same order
    focus: Focus | None = None
    # how closely each node's own words answer (``Searcher.node_scores`` for this search's
    # reads): what orders the quotes of an answer
    node_scores: NodeScores = _nothing_scored


# A word whose nearest word of the notes is at least this close is surely in the notes
# (a translation or a spelling: "strengthen" 0.93 to "renforcer"); below, often a loose
# association ("weather" 0.70 to "temps").
SURE = 0.8


class Searcher:
    def __init__(
        self,
        index: SearchIndex,
        encoders: Sequence[Encoder],
        config: RetrievalConfig,
        corpus: NodeLookup,
        calibration: Calibration | None = None,
        reads: dict[str, Query] | None = None,
        dependence: Dependence | bool | None = True,
        e5: E5Passages | None = None,
    ) -> None:
        """``dependence``: what decides whether a question depends on its conversation
        (True: the shipped decision; False or None: every question does). ``e5``: the
        warmed encoder that re-orders the added maps' passages (retrieval/rerank.py).
        ``corpus``: where a node and its chunk are found; its chunks are the index's (a
        view's index holds some of them)."""
        self.index = index
        self.dependence = shipped_dependence() if dependence is True else dependence or None
        # Queries read before, by text: the evaluation's grid reads each question once for
        # every fusion weight (a read depends on the expansion, the centring and the
        # calibration, never on the weights). None: read each time, as the API does.
        self._reads = reads
        self.encoders = list(encoders)
        self.config = config
        self.corpus = corpus
        self.calibration = calibration if calibration is not None else shipped_calibration()
        # The maps the tuning questions were about get what was learned from them (the
        # query map, the fusion weight); every other map gets what was chosen map by map
        # (calibration.py). None: every chunk is of a learned map, or nothing was chosen.
        self._learned = self._learned_chunks()
        self._general = replace(config, bm25_weight=self.calibration.general_bm25_weight or 0.0)
        boost = self.calibration.general_type_boost
        self._asked_fact = (
            AskedFactBoost(index.chunks, boost, self._learned)
            if boost and self._learned is not None
            else None
        )
        self.e5 = e5
        self._rerank = added_maps_rerank(index, self.calibration, config, e5)
        # Each document's chunks, by file name and by id (the prefix of its chunks' ids)
        self._document_chunks: dict[str, list[int]] = {}
        for i, chunk in enumerate(index.chunks):
            self._document_chunks.setdefault(chunk.document, []).append(i)
            if DOCUMENT_SEPARATOR in chunk.id:
                prefix = chunk.id.split(DOCUMENT_SEPARATOR, 1)[0]
                self._document_chunks.setdefault(prefix, []).append(i)

    def _learned_chunks(self) -> np.ndarray | None:
        learned = set(self.calibration.learned_documents)
        if self.calibration.general_bm25_weight is None or not learned:
            return None
        mask = np.array([document_of(c) in learned for c in self.index.chunks], bool)
        return None if mask.all() else mask

    def _position_of_node(self, node_id: str) -> int:
        """Where the chunk that holds the node is in the index."""
        return self.index.position(self.corpus.chunk_of_node(node_id).id)

    def document_chunks(self, documents: Sequence[str]) -> np.ndarray | None:
        """The chunks of the named documents (None: no filter), or ``QueryError``."""
        if not documents:
            return None
        unknown = [d for d in documents if d not in self._document_chunks]
        if unknown:
            raise UnknownDocument(f"no document named {unknown[0]!r}")
        chunks = np.unique(np.concatenate([self._document_chunks[d] for d in documents]))
        return None if len(chunks) == len(self.index.chunks) else chunks  # all: the fast path

    @property
    def abstain_below(self) -> float | None:
        """The configured threshold, else None: each judging model's own."""
        return self.config.abstain_below

    def encode_query(self, text: str) -> Query:
        if self._reads is None:
            return self._encode_query(text)
        query = self._reads.get(text)
        if query is None:
            query = self._reads[text] = self._encode_query(text)
        return query

    def _encode_query(self, text: str) -> Query:
        config = self.config
        expansion = self.index.expansion.expand(
            text,
            config.expansion_neighbours,
            config.expansion_min_cosine,
            config.expansion_weight,
            notes=self.index.bm25.vocab_dict,
        )
        vectors = {}
        plain = {}
        centred = {}
        logits = []
        for encoder in self.encoders:
            vector = encoder.encode([text])[0]
            if config.centring:  # map and classifier learned on centred vectors: only then
                vector = self.calibration.centre_query(encoder.name, vector)
                centred[encoder.name] = vector
                logit = self.calibration.answerable_logit(encoder.name, vector)
                if logit is not None:
                    logits.append(logit)
                if self._learned is not None:
                    plain[encoder.name] = vector
                if config.query_map:
                    vector = self.calibration.map_query(encoder.name, vector)
            vectors[encoder.name] = vector
        return Query(expansion, vectors, mean(logits) if logits else 0.0, plain, centred)

    def candidates(self, query: Query) -> np.ndarray:
        """The chunks worth scoring: each signal's best ``CANDIDATES``."""
        found = []
        if self.config.use_bm25:
            found.append(self.index.bm25_candidates(query.expansion.terms, CANDIDATES))
        for name, vector in [*query.vectors.items(), *query.plain.items()]:
            found.append(self.index.dense_candidates(name, vector, CANDIDATES))
        return np.unique(np.concatenate(found)) if found else np.arange(0)

    def score(self, query: Query, chunks: np.ndarray | None = None) -> Signals:
        """Every signal's exact score for the given chunks (None: all of them)."""
        scores: dict[str, np.ndarray] = {}
        if self.config.use_bm25:
            scores[BM25] = self._kept(
                query, chunks, (BM25,), self.index.bm25_scores, query.expansion.terms
            )
        for name, vector in query.vectors.items():
            scores[name] = self._kept(
                query, chunks, (name, "vector"), self.index.dense_scores, name, vector
            )
            if name in query.plain and self._learned is not None:
                learned = self._learned if chunks is None else self._learned[chunks]
                plain = self._kept(
                    query, chunks, (name, "plain"), self.index.dense_scores, name,
                    query.plain[name],
                )  # fmt: skip
                scores[name] = np.where(learned, scores[name], plain)
        scored = np.arange(len(self.index.chunks)) if chunks is None else chunks
        return Signals(scores, query.expansion, scored, query.sounds_answerable)

    def _kept(
        self,
        query: Query,
        chunks: np.ndarray | None,
        key: tuple,
        scorer: Callable[..., np.ndarray],
        *args: object,
    ) -> np.ndarray:
        """``scorer(*args, chunks)``; for every chunk of a kept read, computed once. A
        read is kept only with the index it was read for (``reads``' contract), and the
        arrays are never written to: fusion and the features make new ones."""
        if chunks is not None or self._reads is None:
            return scorer(*args, chunks)
        found = query.every_chunk.get(key)
        if found is None:
            found = query.every_chunk[key] = scorer(*args, None)
        return found

    def signals(self, text: str) -> Signals:
        return self.score(self.encode_query(text))

    def _scored_chunks(self, queries: Sequence[Query], extra: Sequence[int], limit: int | None):
        """None (every chunk) for the evaluation and small notes; else the candidates."""
        if limit is None or len(self.index.chunks) <= EXACT_UP_TO:
            return None
        parts = [self.candidates(q) for q in queries] + [np.asarray(extra, dtype=np.int64)]
        return np.unique(np.concatenate(parts))

    def fuse(self, signals: Signals) -> np.ndarray:
        """One score per scored chunk: each map's chunks fused with its own weights, each
        fusion divided by its total weight so that the two compare (a heavier BM25 would
        otherwise lift every added map above the seminar)."""
        fused = fuse(signals.scores, self.config)
        if self._learned is None:
            return fused
        general = fuse(signals.scores, self._general)
        general /= total_weight(signals.scores, self._general)
        fused /= total_weight(signals.scores, self.config)
        return np.where(self._learned[signals.chunks], fused, general)

    def _features(self, text: str, signals: Signals, fused: np.ndarray) -> np.ndarray:
        dense = next((s for name, s in signals.scores.items() if name != BM25), None)
        if dense is None:  # BM25 alone: its best score over 10, capped at 1, stands in
            dense = np.minimum(signals.scores[BM25] / 10.0, 1.0)
        words = signals.expansion.words
        strengths = [w.strength for w in words] or [0.0]
        kind = expected_answer_type(text)
        values = {
            "dense_best": float(dense.max()),
            "dense_near": mean(np.sort(dense)[::-1][:NEAR_BRANCHES]),
            "words_in_notes": mean(strengths),
            "words_surely_in_notes": mean([s >= SURE for s in strengths]),
            "unknown_names": float(unknown_names(text, self.index.knows)),
            "asks_fact": float(kind is not None),
            "lacks_answer_type": float(kind is not None and self._lacks(kind, signals, fused)),
            "sounds_answerable": signals.sounds_answerable,
        }
        return np.array([values[name] for name in FEATURES], dtype=np.float64)

    def _lacks(self, kind: str, signals: Signals, fused: np.ndarray) -> bool:
        """Whether the best passages lack the kind of fact the question asks for (only
        asked when it asks for one: most questions do not, and their passages need not be
        read)."""
        best = signals.chunks[np.argsort(-fused, kind="stable")[:PASSAGES_CHECKED]]
        return lacks_answer_type(kind, [self.index.chunks[i].text for i in best])

    def _judge(self, features: np.ndarray, signals: Signals, fused: np.ndarray):
        """The probability that the best passages answer, and the threshold under which
        to abstain, by the model that applies to the best passage's map (no model: 1, 0)."""
        best = self.index.chunks[int(signals.chunks[int(np.argmax(fused))])]
        model = self.calibration.abstention_for(document_of(best))
        if model is None:
            return 1.0, 0.0
        gate = self.calibration.off_topic
        if gate is not None and model is self.calibration.general:
            on_topic = gate.probability(features)
            if on_topic < gate.threshold:  # off topic for the whole corpus: declined
                return on_topic, gate.threshold
        return model.probability(features), model.threshold

    def rank(
        self,
        query: str,
        history: Sequence[str] = (),
        limit: int | None = None,
        within: np.ndarray | None = None,
        judge: bool = True,
    ) -> Ranking:
        """Chunks best first: all of them, or the first ``limit`` (a search needs only top_k;
        the evaluation needs all for recall). ``within``: only these chunks (some documents'),
        every one of them scored. ``judge``: False for the order alone, without the
        abstention's features and probability (the evaluation's grid)."""
        read = self.encode_query(query)
        context = contextual_query(query, history)
        context_read = self.encode_query(context) if context is not None else None
        focus = self._ordinal_focus(query, history) if history else None
        focus_chunk = [self._position_of_node(focus.child.id)] if focus is not None else []
        reads = [read] + ([context_read] if context_read is not None else [])
        if within is not None:
            focus_chunk = [c for c in focus_chunk if c in within]
            chunks = within
        else:
            chunks = self._scored_chunks(reads, focus_chunk, limit)
        signals = self.score(read, chunks)
        fused = self.fuse(signals)
        follow_up = None
        if context is not None and context_read is not None:
            follow_up = self._follow_up(query, history[-1], read, (signals, fused), context,
                                        context_read, chunks)  # fmt: skip
            if not follow_up.depends:  # it stands alone: searched and judged as if asked alone
                focus, focus_chunk = None, []
        # with its conversation only when the question depends on it
        joined = follow_up if follow_up is not None and follow_up.depends else None
        features, probability, threshold = np.zeros(0), 1.0, 0.0
        if judge:
            features = self._features(query, signals, fused)
            probability, threshold = self._judge(features, signals, fused)
        if joined is not None:
            fused = fused + self.config.history_weight * joined.fused
            # The question read alone or with its conversation: the likelier to be answered.
            if judge:
                context_features = self._features(joined.text, joined.signals, fused)
                context_probability, context_threshold = self._judge(
                    context_features, joined.signals, fused
                )
                if context_probability - context_threshold > probability - threshold:
                    features, probability = context_features, context_probability
                    threshold = context_threshold
        if self._asked_fact is not None:  # after the features: it reorders, never judges
            fused = self._asked_fact.apply(query, signals.chunks, fused)
        if joined is not None and focus_chunk:  # "et le deuxième ?": it comes first
            fused[np.flatnonzero(signals.chunks == focus_chunk[0])] = fused.max() + 1.0
        order = np.argsort(-fused, kind="stable")
        places = fused[order]  # re-ordered or not, each passage takes its place's score
        if self._rerank is not None and focus is None:  # after the features: never judges
            texts = [query] if joined is None else [query, joined.text]
            order = self._rerank.reorder(texts, signals.chunks, fused, order)
        keep = max(limit or len(fused), PASSAGES_CHECKED)
        order, places = order[:keep], places[:keep]
        # indexed by Python ints, scores as Python floats: the evaluation ranks every chunk
        # for every question, and a numpy scalar costs ~1 µs each
        every = self.index.chunks
        hits = RankedHits([every[p] for p in signals.chunks[order].tolist()], places.tolist())
        depends = None if follow_up is None else follow_up.depends
        dependence = np.zeros(0) if follow_up is None else follow_up.dependence
        reads = (read,) if joined is None else (read, joined.read)
        return Ranking(hits, features, probability, focus, threshold, depends, dependence, reads)

    def _follow_up(
        self,
        query: str,
        previous: str,
        read: Query,
        alone: tuple[Signals, np.ndarray],
        context: str,
        context_read: Query,
        chunks: np.ndarray | None,
    ) -> FollowUp:
        """The question read with its conversation, scored over the same chunks, and
        whether it depends on that conversation (the dependence model, ``followup.py``)."""
        signals = self.score(context_read, chunks)
        fused = self.fuse(signals)
        dependence = self._dependence(query, previous, read, alone, (signals, fused))
        return FollowUp(context, context_read, signals, fused, self._decide(dependence), dependence)

    def _dependence(
        self,
        query: str,
        previous: str,
        read: Query,
        alone: tuple[Signals, np.ndarray],
        context: tuple[Signals, np.ndarray],
    ) -> np.ndarray:
        """The dependence model's inputs (``followup.dependence_features``): the question
        alone and with its conversation, each as (signals, fused scores)."""
        # Learned on this encoder's centred vectors: with another encoder, without centring
        # or with BM25 alone, none (every question with a conversation depends on it)
        dependence, name = self.dependence, next(iter(read.centred), None)
        if dependence is None or name is None or name not in dependence.sounds:
            return np.zeros(0)
        strengths = [w.strength for w in alone[0].expansion.words] or [0.0]
        return dependence_features(
            query,
            alone[0].scores[name],
            context[0].scores[name],
            alone[1],
            context[1],
            float(read.vectors[name] @ self.encode_query(previous).vectors[name]),
            mean(strengths),
            dependence.sounds_follow_up(name, read.centred[name]),
        )

    def _decide(self, features: np.ndarray) -> bool:
        return self.dependence is None or not len(features) or self.dependence.depends(features)

    def _ordinal_focus(self, query: str, history: Sequence[str]) -> Focus | None:
        """"et le deuxième ?": that child of the branch the last answer led with (the
        earlier question read as it was then, with its conversation or alone; a declined
        one, "Quel temps fera-t-il ?", gave no list and is passed over)."""
        number = ordinal_in(query)
        if number is None:
            return None
        for turn in range(len(history) - 1, max(len(history) - 1 - HISTORY_TURNS, -1), -1):
            answer = self.rank(history[turn], history[:turn], limit=1)
            if not answer.abstains(self.abstain_below):
                break
        led = answer.hits[0].chunk
        # A chunk's id is its top node's, except for the evaluation's fixed-size windows,
        # which have no branch whose children an ordinal could pick.
        found = self.corpus.node(led.id)
        picked = ordinal_child(number, found) if found is not None else None
        if picked is None:
            return None
        return Focus(number, picked.parent, picked)

    def search_outcome(
        self,
        query: str,
        top_k: int = 5,
        history: Sequence[str] = (),
        documents: Sequence[str] = (),
    ) -> SearchOutcome:
        """``documents``: search only these (file names or ids); none: all of them."""
        query, history = validate_request(query, history, top_k)
        within = self.document_chunks(documents)
        ranking = self.rank(query, history, limit=top_k, within=within)
        hits = ranking.hits[:top_k]
        abstained = ranking.abstains(self.abstain_below)
        confidence = ranking.probability
        if within is not None and not abstained and ranking.focus is None:
            whole = self.rank(query, history, limit=FILTER_DEPTH)
            if self._not_in(whole, within):  # then the chosen maps surely do not answer
                abstained, confidence = True, 0.0
        result = SearchResult(
            query=query,
            abstained=abstained,
            confidence=round(confidence, 4),
            passages=[passage_of(hit.chunk, hit.score) for hit in hits],
            reading=reading_of(ranking, history),
        )
        scores = partial(self.node_scores, ranking.reads)
        return SearchOutcome(result, [hit.chunk for hit in hits], ranking.focus, scores)

    def _not_in(self, whole: Ranking, within: np.ndarray) -> bool:
        """Whether the chosen maps (``within``) do not answer: a filter narrows where the
        answer is read, never whether the corpus answers, so the question is declined when
        the whole corpus declines it, or when none of the chosen maps' passages is among
        its ``FILTER_DEPTH`` best."""
        if whole.abstains(self.abstain_below):
            return True
        chosen = {self.index.chunks[int(i)].id for i in within}
        return not any(hit.chunk.id in chosen for hit in whole.hits[:FILTER_DEPTH])

    def search(
        self,
        query: str,
        top_k: int = 5,
        history: Sequence[str] = (),
        documents: Sequence[str] = (),
    ) -> SearchResult:
        return self.search_outcome(query, top_k, history, documents).result

    def node_scores(self, reads: Sequence[Query], node_ids: Iterable[str]) -> dict[str, float]:
        """How closely each node's own words answer: its units' best dense score, summed
        over the encoders, the conversation's read weighted as in the ranking. What orders
        the quotes inside an answer; passages are ranked by ``rank``."""
        weights = (1.0, self.config.history_weight)
        scores: dict[str, float] = {}
        for node_id in node_ids:
            position = self._position_of_node(node_id)
            total = 0.0
            for weight, read in zip(weights, reads, strict=False):
                for name, vector in read.vectors.items():
                    if name in read.plain and not self._is_learned(position):
                        vector = read.plain[name]
                    total += weight * self.index.node_score(name, vector, position, node_id)
            scores[node_id] = total
        return scores

    def _is_learned(self, position: int) -> bool:
        return self._learned is None or bool(self._learned[position])


def validate_request(
    query: object, history: Sequence[object], top_k: int
) -> tuple[str, list[str]]:
    """The question and its conversation, checked (``QueryError`` otherwise), and top_k's
    bounds: what every searcher asks of a request."""
    checked = validate_query(query), [validate_query(h, "earlier question") for h in history]
    if not MIN_TOP_K <= top_k <= MAX_TOP_K:
        raise QueryError(f"top_k must be between {MIN_TOP_K} and {MAX_TOP_K}", "top_k")
    return checked


def mean(values: Sequence[float] | np.ndarray) -> float:
    """``np.mean``'s very number (the same pairwise sum in the same precision, then one
    division), without its machinery: a few means per search cost ~0.1 ms through it."""
    array = np.asarray(values)
    if array.dtype.kind != "f":  # booleans: averaged in float64
        array = array.astype(np.float64)
    return float(array.dtype.type(np.add.reduce(array) / len(array)))


def document_of(chunk: Chunk) -> str:
    """The id of the map a chunk is from (its nodes' ids begin with it; so does the chunk's,
    but for the evaluation's fixed-size windows)."""
    first = chunk.nodes[0].id if chunk.nodes else chunk.id
    return first.split(DOCUMENT_SEPARATOR, 1)[0]


def reading_of(ranking: Ranking, history: Sequence[str]) -> Reading | None:
    if not history:
        return None
    focus = ranking.focus
    return Reading(
        follows=list(history[-HISTORY_TURNS:]) if ranking.depends else [],
        item=focus.number if focus is not None else None,
        of=focus.parent.text if focus is not None else None,
    )

