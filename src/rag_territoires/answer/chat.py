"""A chat turn: the last user message is the question, the earlier ones its context.

With a language model, only the sentences its cited quotes support reach the user
(``grounding.py``); when too few remain, the extractive answer is given instead, with a
notice saying why. Either way the answer is complete before the first byte is sent, so a
streamed answer carries only checked sentences too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rag_territoires.answer.extractive import every_citation, extractive_answer
from rag_territoires.answer.grounding import (
    MARKER,
    GroundingChecker,
    grounded_text,
    split_claims,
)
from rag_territoires.answer.language import question_language
from rag_territoires.answer.llm import LlmAnswer, LlmClient, LlmError
from rag_territoires.embedding.encoders import Encoder, make_encoder
from rag_territoires.errors import QueryError
from rag_territoires.retrieval.search import Searcher
from rag_territoires.schema import ChatAnswer, Citation, Unsupported

GROUNDING_ENCODER = "use"  # the grounding model was fitted on this encoder's similarities
# Each sentence costs a few encoder passes: a server that sends 256 KB of one-word
# sentences must not hold a worker for seconds. A faithful answer may restate each quote
# and add a sentence around it, so the bound grows with the quotes given (two sentences
# each), from 40 up to 100. An answer with more is not checked at all.
MIN_CHECKED_SENTENCES = 40
MAX_CHECKED_SENTENCES = 100


def sentences_checked(quotes: int) -> int:
    return min(MAX_CHECKED_SENTENCES, max(MIN_CHECKED_SENTENCES, 2 * quotes))


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    content: str


@lru_cache(maxsize=1)
def _own_encoder() -> Encoder:
    encoder = make_encoder(GROUNDING_ENCODER)
    encoder.warm_up()
    return encoder


def grounding_checker(searcher: Searcher) -> GroundingChecker:
    """The search's own multilingual encoder when it has one (no second copy in memory)."""
    encoder = next((e for e in searcher.encoders if e.name == GROUNDING_ENCODER), None)
    return GroundingChecker(encoder or _own_encoder())


def answer_chat(
    searcher: Searcher,
    messages: Sequence[Message],
    top_k: int = 5,
    llm: LlmClient | None = None,
    min_grounded_share: float = 0.5,
    documents: Sequence[str] = (),
) -> ChatAnswer:
    if not messages or messages[-1].role != "user":
        raise QueryError("the last message must be the user's question", "not_a_question")
    question = messages[-1].content
    history = [m.content for m in messages[:-1] if m.role == "user"]
    outcome = searcher.search_outcome(question, top_k=top_k, history=history, documents=documents)
    extractive = extractive_answer(question, outcome, searcher.corpus)
    if llm is None or extractive.abstained:
        return extractive
    given = every_citation(outcome, searcher.corpus)
    try:
        written = llm.write(outcome.result.query, history, given, question_language(question))
    except LlmError as error:
        return _instead(extractive, str(error))
    return _grounded(written, given, extractive, searcher, min_grounded_share)


def _instead(
    extractive: ChatAnswer, reason: str, unsupported: list[Unsupported] | None = None
) -> ChatAnswer:
    """The extractive answer, saying why the model's was not used."""
    notice = f"Language model not used ({reason}): extractive answer instead."
    return extractive.model_copy(update={"notice": notice, "unsupported": unsupported or []})


def _grounded(
    written: LlmAnswer,
    given: list[Citation],
    extractive: ChatAnswer,
    searcher: Searcher,
    min_grounded_share: float,
) -> ChatAnswer:
    """The model's answer, each sentence checked against the quotes it cites: only the
    supported ones are shown, and the extractive answer instead when too few hold."""
    quotes = {c.n: (c.quote, " > ".join(c.branch[:-1])) for c in given}
    claims = split_claims(written.text)
    limit = sentences_checked(len(quotes))
    if len(claims) > limit:
        return _instead(extractive, f"its answer has {len(claims)} sentences, more than the "
                        f"{limit} checked")  # fmt: skip
    checker = grounding_checker(searcher)
    verdicts = [checker.check(claim, quotes) for claim in claims]
    unsupported = [
        Unsupported(sentence=v.claim.text, reason=v.reason, probability=v.probability)
        for v in verdicts
        if not v.supported
    ]
    kept = len(verdicts) - len(unsupported)
    if kept == 0 or kept < min_grounded_share * len(verdicts):
        return _instead(
            extractive,
            f"{len(unsupported)} of its {len(verdicts)} sentences are not supported by the "
            "quotes they cite",
            unsupported,
        )
    text = MARKER.sub(lambda m: m[0] if int(m[1]) in quotes else "", grounded_text(verdicts))
    cited = {int(n) for n in MARKER.findall(text)}
    return ChatAnswer(
        answer=text,
        lead=text,
        abstained=False,
        citations=[c for c in given if c.n in cited],
        passages=extractive.passages,
        generator="llm",
        dropped_citations=written.dropped,
        unsupported=unsupported,
    )
