"""Fit the grounding check on labelled sentences, and say how well it holds on unseen ones.

The labelled set (``eval/grounding.jsonl``) holds sentences as a language model might
write them about the quotes of ``eval/grounding-contexts.jsonl``: faithful ones (verbatim,
paraphrased, translated to English, combining two quotes) and unsupported ones (invented
with real markers, distorted, cited to the wrong quote, half invented, unmarked, a tiny
model's gibberish). It was written by someone who never saw this code.

One context in three is held out and only reported. On the others, the L2 strength and
the threshold are chosen by 5-fold cross-validation grouped by context (the sentences
about one set of quotes never sit on both sides): the threshold is the lowest probability
at which the out-of-fold precision of the kept sentences is at least ``TARGET_PRECISION``.
A sentence wrongly removed costs the reader a sentence (the extractive answer remains);
a sentence wrongly kept is a claim the notes do not make, shown as theirs.

``eval/grounding-hard.jsonl`` (360 sentences, same writer, written after the first fit)
holds the hardest cases only: faithful paraphrases and English rewordings beside half-
invented and distorted sentences. It is measured, never fitted on: fitted on it too, the
check reached its precision only by keeping a quarter of the faithful sentences.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag_territoires.answer.grounding import (
    MODEL_FILE,
    Claim,
    GroundingChecker,
    GroundingModel,
    split_claims,
)
from rag_territoires.embedding.encoders import Encoder

FOLDS = 5
HELD_OUT_EVERY = 3  # contexts c003, c006, ... are held out
TARGET_PRECISION = 0.95
L2 = (0.01, 0.1, 1.0, 10.0)
HARD_FILE = "grounding-hard.jsonl"


@dataclass(frozen=True)
class Labelled:
    context: str
    sentence: str
    supported: bool
    kind: str
    lang: str


def load_set(
    folder: Path, name: str = "grounding.jsonl"
) -> tuple[dict[str, dict[int, tuple[str, str]]], list[Labelled]]:
    contexts = {}
    for line in (folder / "grounding-contexts.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        contexts[item["context"]] = {q["n"]: (q["quote"], q["branch"]) for q in item["quotes"]}
    items = [
        Labelled(d["context"], d["sentence"], d["label"] == "supported", d["kind"], d["lang"])
        for d in map(json.loads, (folder / name).read_text("utf-8").splitlines())
    ]
    return contexts, items


def held_out(context: str) -> bool:
    return int(context.lstrip("c")) % HELD_OUT_EVERY == 0


def as_claim(sentence: str) -> Claim:
    """The labelled sentence as the checker sees it (one claim, all its markers)."""
    claims = split_claims(sentence)
    markers = tuple(dict.fromkeys(n for c in claims for n in c.markers))
    return Claim(sentence, markers, 0)


def feature_rows(checker: GroundingChecker, contexts, items: list[Labelled]) -> np.ndarray:
    rows = []
    for item in items:
        quotes = contexts[item.context]
        claim = as_claim(item.sentence)
        cited = [n for n in claim.markers if n in quotes]
        if not cited:  # decided without the model; a neutral row keeps the indices aligned
            rows.append(np.zeros(len(GroundingModel.FEATURES)))
            continue
        rows.append(
            checker.features(
                claim.statement,
                [quotes[n][0] for n in cited],
                [f"{quotes[n][1]} {quotes[n][0]}" for n in cited],
            )
        )
    return np.array(rows)


def modelled(contexts, items: list[Labelled]) -> np.ndarray:
    """Items the model decides: those with at least one known marker."""
    return np.array(
        [
            bool(as_claim(i.sentence).markers)
            and all(n in contexts[i.context] for n in as_claim(i.sentence).markers)
            for i in items
        ]
    )


def threshold_for_precision(probabilities: np.ndarray, supported: np.ndarray) -> float:
    """The lowest threshold whose kept sentences reach ``TARGET_PRECISION`` (the most
    supported sentences kept at that precision)."""
    for threshold in np.unique(probabilities):
        kept = probabilities >= threshold
        if kept.any() and supported[kept].mean() >= TARGET_PRECISION:
            return float(threshold)
    return 1.0


def _folds(groups: list[str]) -> np.ndarray:
    names = sorted(set(groups))
    return np.array([names.index(g) % FOLDS for g in groups])


def cross_validate(x: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[float, float]:
    """(L2, threshold) with the most supported sentences kept at the target precision."""
    fold = _folds(groups)
    best = None
    for l2 in L2:
        out_of_fold = np.zeros(len(y))
        for k in range(FOLDS):
            model = GroundingModel.fit(x[fold != k], y[fold != k], l2)
            out_of_fold[fold == k] = [model.probability(row) for row in x[fold == k]]
        threshold = threshold_for_precision(out_of_fold, y)
        recall = float((out_of_fold[y] >= threshold).mean())
        if best is None or recall > best[0]:
            best = (recall, l2, threshold)
    return best[1], best[2]


def calibrate(encoder: Encoder, folder: Path, out: Path = MODEL_FILE) -> dict:
    """Fit on the tuning contexts, write the model, and measure it on the held-out ones."""
    contexts, items = load_set(folder)
    checker = GroundingChecker(encoder, model=GroundingModel((), (), (), 0.0, 0.5, 0.0))
    x = feature_rows(checker, contexts, items)
    y = np.array([i.supported for i in items])
    decided = modelled(contexts, items)
    tune = np.array([not held_out(i.context) for i in items]) & decided
    l2, threshold = cross_validate(x[tune], y[tune], [i.context for i in np.array(items)[tune]])
    model = GroundingModel.fit(x[tune], y[tune], l2, threshold)
    out.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
    probabilities = np.array([model.probability(row) for row in x])
    kept = decided & (probabilities >= threshold)
    test = np.array([held_out(i.context) for i in items])
    # the hard batch: written after the first fit, only ever measured (see the module doc)
    _, hard = load_set(folder, HARD_FILE)
    hard_x = feature_rows(checker, contexts, hard)
    hard_y = np.array([i.supported for i in hard])
    hard_kept = modelled(contexts, hard) & np.array(
        [model.probability(r) >= threshold for r in hard_x]
    )
    return {
        "hard": _measures(hard_kept, hard_y),
        "hard_by_kind": _by_kind(hard, hard_kept),
        "l2": l2,
        "threshold": round(threshold, 3),
        "tuning": _measures(kept[tune], y[tune]),
        "held_out": _measures(kept[test], y[test]),
        "held_out_by_kind": _by_kind(
            [i for i, t in zip(items, test, strict=True) if t], kept[test]
        ),
        "sizes": {"tuning": int(tune.sum()), "held_out": int(test.sum())},
    }


def _measures(kept: np.ndarray, supported: np.ndarray) -> dict:
    return {
        "precision": round(float(supported[kept].mean()), 3) if kept.any() else None,
        "recall": round(float(kept[supported].mean()), 3) if supported.any() else None,
        "unsupported_removed": round(float((~kept[~supported]).mean()), 3),
        "sentences": len(kept),
    }


def _by_kind(items: list[Labelled], kept: np.ndarray) -> dict:
    counts = Counter(i.kind for i in items)
    return {
        kind: {
            "sentences": counts[kind],
            "kept": round(
                float(np.mean([k for i, k in zip(items, kept, strict=True) if i.kind == kind])), 3
            ),
        }
        for kind in sorted(counts)
    }


def report(result: dict, folder: Path) -> str:
    """``eval/grounding.md``: what ``rag-territoires calibrate-grounding`` measured."""
    lines = [
        "# Grounding check: which of a language model's sentences reach the user",
        "",
        "Written by `rag-territoires calibrate-grounding`. Do not edit it by hand.",
        "",
        f"Labelled set: `{folder.name}/grounding.jsonl` over the quotes of "
        f"`{folder.name}/grounding-contexts.jsonl`. One context in {HELD_OUT_EVERY} is held out "
        f"({result['sizes']['held_out']} sentences) and only reported; on the "
        f"{result['sizes']['tuning']} others (those with a known marker), {FOLDS}-fold "
        "cross-validation grouped by context chose the L2 strength "
        f"({result['l2']:g}) and the threshold ({result['threshold']:.3f}): the lowest "
        f"whose out-of-fold precision reaches {TARGET_PRECISION:.2f}.",
        "",
        "**Precision**: the share of the kept sentences that are supported. **Recall**: the "
        "share of the supported sentences that are kept. Sentences without a known marker "
        "are removed before the model (and count here).",
        "",
        "| set | sentences | precision | recall | unsupported removed |",
        "| --- | --: | --: | --: | --: |",
    ]
    for name in ("tuning", "held_out"):
        m = result[name]
        lines.append(
            f"| {name.replace('_', '-')} | {m['sentences']} | {m['precision']} | {m['recall']} "
            f"| {m['unsupported_removed']} |"
        )
    m = result["hard"]
    lines.append(
        f"| hard batch ({HARD_FILE}, measured only) | {m['sentences']} | {m['precision']} "
        f"| {m['recall']} | {m['unsupported_removed']} |"
    )
    for title, key in (("Held-out", "held_out_by_kind"), ("Hard-batch", "hard_by_kind")):
        lines += ["", f"{title} sentences kept, by kind:", "", "| kind | sentences | kept |"]
        lines.append("| --- | --: | --: |")
        for kind, m in result[key].items():
            lines.append(f"| {kind} | {m['sentences']} | {m['kept']} |")
    return "\n".join(lines) + "\n"
