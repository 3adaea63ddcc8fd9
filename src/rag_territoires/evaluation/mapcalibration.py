"""``calibrate --maps`` and ``eval --maps``: what the maps staff add get, chosen and measured
map by map (``transfer.py``).

The seminar's calibration (``calibrate``) stays as it is and judges the seminar. This adds
what judges every other map: BM25's fusion weight there and a general abstention model, each
chosen by leaving one tuning map out, among the levers listed here: which features the
abstention model weighs, and whose questions it learns from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.evaluation.mapsets import corpus_of, load_all, question_files
from rag_territoires.evaluation.questions import Question, load_questions
from rag_territoires.evaluation.transfer import (
    GATE_FALSE_ABSTENTION,
    SEMINAR,
    Lever,
    MapResult,
    Transfer,
    by_kind,
    fit_general,
    spread,
    table,
)
from rag_territoires.retrieval.abstention import FEATURES
from rag_territoires.retrieval.calibration import Calibration

# Explored first in scratch runs over the tuning maps (never the blind ones); every lever
# stays listed, and its held-out figures are kept in calibration.json's record.
_QUESTION_ONLY = ("sounds_answerable", "asks_fact")  # learned from the seminar's questions
_OFF_TOPIC = ("dense_best", "dense_near", "words_in_notes", "words_surely_in_notes")
LEVERS = tuple(
    Lever(f"{name}, {train_on}", used, train_on)
    for name, used in (
        ("every feature", FEATURES),
        (
            "without the question-only features",
            tuple(f for f in FEATURES if f not in _QUESTION_ONLY),
        ),
        ("off-topic features only", _OFF_TOPIC),
    )
    for train_on in ("maps", "balanced", "all")
)


@dataclass
class MapsSetup:
    corpus: Corpus
    questions: list[Question]
    maps: set[str]  # the added maps' ids (not the seminar's)


def setup(
    corpus_dir: Path,
    folders: Sequence[Path],
    asked: Sequence[Path],
    seminar_files: Sequence[Path],
    max_chars: int,
) -> MapsSetup:
    """The product's corpus with the maps of ``folders`` beside it; the questions of the
    maps in ``asked`` (some of ``folders``) and of ``seminar_files``."""
    corpus = corpus_of([corpus_dir, *folders], max_chars)
    seminar = {d.id for d in Corpus.load(corpus_dir, max_chars).documents}
    maps = {d.id for d in corpus.documents} - seminar
    questions = [q for f in seminar_files for q in load_questions(f)]
    questions += load_all([f for folder in asked for f in question_files(folder)], corpus)
    return MapsSetup(corpus, questions, maps)


def calibrate_maps(
    data: MapsSetup, config: RetrievalConfig, shipped: Calibration, e5: bool = False
) -> tuple[Calibration, list[str]]:
    """``e5``: also choose the e5 re-ranking's weight (``e5choice.py``; the [e5] extra),
    after everything else, since it re-orders only and never judges."""
    learned = tuple(sorted({d.id for d in data.corpus.documents} - data.maps))
    base = replace(
        shipped,
        learned_documents=learned,
        general=None,
        off_topic=None,
        general_type_boost=None,
        general_e5_weight=None,
        general_e5_gate=None,
    )
    transfer = Transfer(
        data.corpus, data.questions, config, base, data.maps, follow_as_meant=True
    )
    weight, held_weights, weight_means = transfer.choose_bm25_weight()
    base = replace(base, general_bm25_weight=weight)
    boost, held_boosts, boost_means = transfer.choose_type_boost(base)
    base = replace(base, general_type_boost=boost)
    lines = [
        f"BM25 weight on the added maps: {weight} (mean objective by weight {weight_means}; "
        f"chosen without each map: {held_weights})",
        f"boost of passages holding the asked fact: {boost} (mean objective by boost "
        f"{boost_means}; chosen without each map: {held_boosts})",
    ]
    tried = {}
    for lever in LEVERS:
        results = transfer.leave_one_map_out(lever, base)
        added = [r for r in results if r.group != SEMINAR]
        tried[lever] = (sum(r.cost for r in added), results)
        figures = spread(added)
        lines.append(
            f"  {lever.name}: held-out cost {tried[lever][0]:.0f}; "
            + ", ".join(f"{m} {v:.3f} ± {s:.3f}" for m, (v, s) in figures.items())
        )
    chosen = min(LEVERS, key=lambda lever: tried[lever][0])  # ties: the first listed
    general = fit_general(transfer, chosen, base)
    lines.append(f"chosen: {chosen.name}")
    gated = transfer.leave_one_map_out(chosen, base, gate=True)
    gated_added = [r for r in gated if r.group != SEMINAR]
    lines.append(
        f"  with the off-topic gate: held-out cost {sum(r.cost for r in gated_added):.0f}; "
        + ", ".join(f"{m} {v:.3f} ± {s:.3f}" for m, (v, s) in spread(gated_added).items())
    )
    rankings = transfer.rank(base, transfer.questions)
    off_topic = transfer.fit_gate(rankings, transfer.questions)
    record = dict(shipped.record)
    record["maps"] = {
        "questions": len(data.questions),
        "maps": sorted(data.maps),
        "general_bm25_weight": {
            "chosen": weight,
            "held_out_choice": held_weights,
            "objective": {str(k): v for k, v in weight_means.items()},
        },
        "general_type_boost": {
            "chosen": boost,
            "held_out_choice": held_boosts,
            "objective": {str(k): v for k, v in boost_means.items()},
        },
        "levers": {
            lever.name: {
                "held_out_cost": cost,
                "per_map": {r.group: _rounded(r.summary) for r in results},
            }
            for lever, (cost, results) in tried.items()
        },
        "chosen_lever": chosen.name,
        "off_topic_gate": {
            "false_abstention_allowed": GATE_FALSE_ABSTENTION,
            "per_map": {r.group: _rounded(r.summary) for r in gated},
        },
    }
    calibration = replace(base, general=general, off_topic=off_topic, record=record)
    if e5:
        from rag_territoires.evaluation.e5choice import choose_e5_gate, choose_e5_weight

        calibration, held, means = choose_e5_weight(transfer, calibration)
        calibration, held_gates, by_gate = choose_e5_gate(transfer, calibration)
        lines += [
            f"e5 re-ranking weight on the added maps: {calibration.general_e5_weight} (mean "
            f"objective by weight {means}; chosen without each map: {held})",
            f"e5 gate: {calibration.general_e5_gate} (by gate, the mean objective and the "
            f"share of searches computing e5: {by_gate}; chosen without each map: "
            f"{held_gates})",
        ]
        chosen = {
            "chosen": calibration.general_e5_weight,
            "held_out_choice": held,
            "objective": {str(k): v for k, v in means.items()},
        }
        gate = {
            "chosen": calibration.general_e5_gate,
            "held_out_choice": held_gates,
            "by_gate": {str(k): _rounded(v) for k, v in by_gate.items()},
        }
        maps = {**record["maps"], "general_e5_weight": chosen, "general_e5_gate": gate}
        calibration = replace(calibration, record={**record, "maps": maps})
    return calibration, lines


def evaluate_maps(
    tuning: MapsSetup, blind: MapsSetup, config: RetrievalConfig, shipped: Calibration
) -> list[str]:
    """The tuning maps held out one at a time with the shipped lever, then the blind maps
    (never tuned on) with the shipped calibration as it is: per map and per kind."""
    lines = []
    chosen = shipped.record.get("maps", {}).get("chosen_lever")
    lever = next((lever for lever in LEVERS if lever.name == chosen), None)
    if lever is not None:
        transfer = _with_setting(
            Transfer(tuning.corpus, tuning.questions, config, shipped, tuning.maps)
        )
        held = transfer.leave_one_map_out(lever, shipped, gate=shipped.off_topic is not None)
        added = [r for r in held if r.group != SEMINAR]
        lines += [f"[tuning maps, each held out; lever: {lever.name}]", table(held)]
        lines += [table(by_kind(added)), _spread_line(added)]
    transfer = _with_setting(Transfer(blind.corpus, blind.questions, config, shipped, blind.maps))
    judged = transfer.judge(shipped, blind.questions)
    lines += ["[blind maps: never tuned on]", table(judged), table(by_kind(judged))]
    return lines


def _with_setting(transfer: Transfer) -> Transfer:
    """With RAG_TERRITOIRES_RERANK_ADDED_MAPS on, searched as the product then searches:
    the added maps re-ordered by e5 (the default)."""
    if transfer.config.rerank_added_maps:
        from rag_territoires.evaluation.e5choice import with_e5

        with_e5(transfer)
    return transfer


def _spread_line(results: Sequence[MapResult]) -> str:
    figures = spread(results)
    return "mean ± sd over maps: " + ", ".join(
        f"{m} {v:.3f} ± {s:.3f}" for m, (v, s) in figures.items()
    )


def _rounded(summary: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in summary.items()}
