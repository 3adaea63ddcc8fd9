"""What the grounding check lets through, with a real model or the adversarial one.

Over the answerable tuning questions, each asked once through the chat path
(``answer_chat``, as ``POST /v1/chat`` runs it): the share of answers kept from the
model, the share of its sentences removed and why, the share of fallbacks to the
extractive answer and why, and the latency of the whole turn. With the adversarial model
(``adversarial_llm.py``) every sentence it writes is invented unless it is one of its
faithful frames, so the share of invented sentences that reach the user is measured
directly: it must be zero.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from benchmarks.adversarial_llm import adversarial_server, is_invented
from benchmarks.speed import percentile_ms
from rag_territoires.answer.chat import Message, answer_chat
from rag_territoires.answer.grounding import split_claims
from rag_territoires.answer.llm import LlmClient
from rag_territoires.evaluation.questions import load_questions
from rag_territoires.retrieval.search import Searcher


def measure(searcher: Searcher, llm: LlmClient, questions: list[str], min_share: float) -> dict:
    durations: list[float] = []
    generators: Counter[str] = Counter()
    fallbacks: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    kept_sentences = removed = invented_shown = invented_written = 0
    for question in questions:
        started = time.perf_counter()
        answer = answer_chat(searcher, [Message("user", question)], llm=llm,
                             min_grounded_share=min_share)  # fmt: skip
        durations.append(time.perf_counter() - started)
        if answer.abstained:
            continue
        generators[answer.generator] += 1
        if answer.generator == "llm":
            shown = [c.text for c in split_claims(answer.answer)]
            kept_sentences += len(shown)
            invented_shown += sum(map(is_invented, shown))
            invented_written += sum(map(is_invented, shown))
        elif answer.notice:
            fallbacks[_fallback_reason(answer.notice)] += 1
        removed += len(answer.unsupported)
        invented_written += sum(is_invented(u.sentence) for u in answer.unsupported)
        reasons.update(u.reason for u in answer.unsupported)
    answered = sum(generators.values())
    written = kept_sentences + removed
    return {
        "questions": len(questions),
        "answered": answered,
        "kept_from_model": round(generators["llm"] / answered, 3) if answered else None,
        "fallbacks": round(generators["extractive"] / answered, 3) if answered else None,
        "fallback_reasons": dict(fallbacks.most_common()),
        "sentences_written": written,
        "sentences_removed": round(removed / written, 3) if written else None,
        "removed_reasons": dict(reasons.most_common()),
        "sentences_shown": kept_sentences,
        "invented_sentences_written": invented_written,  # by the adversarial model
        "invented_sentences_shown": invented_shown,
        "latency_ms": {
            "p50": round(percentile_ms(durations, 0.5), 1),
            "p95": round(percentile_ms(durations, 0.95), 1),
        },
    }


def _fallback_reason(notice: str) -> str:
    if "not supported by the quotes" in notice:
        return "too few grounded sentences"
    return notice.partition("(")[2].rpartition(")")[0] or notice


def run_llm_bench(
    searcher: Searcher,
    questions_file: Path,
    mode: str,
    base_url: str = "",
    model: str = "",
    limit: int = 60,
    min_share: float = 0.5,
    timeout: float = 60.0,
) -> dict:
    """``mode``: ``model`` (the server at ``base_url``), ``adversarial`` or ``mixed``."""
    questions = [
        q.question
        for q in load_questions(questions_file)
        if q.kind != "unanswerable" and not q.history
    ][:limit]
    if mode == "model":
        llm = LlmClient(base_url, model, timeout=timeout, max_concurrent=1)
        return {"mode": mode, "model": model, **measure(searcher, llm, questions, min_share)}
    with adversarial_server() as url:
        llm = LlmClient(url, mode, timeout=timeout)
        return {"mode": mode, **measure(searcher, llm, questions, min_share)}


def write(result: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"llm-{result['mode']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
