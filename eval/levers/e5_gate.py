"""Lever (issue 27): compute e5's query vector only when the ranking without it is unsure.

The e5 re-ranking (retrieval/rerank.py) lifts the added maps (blind MRR 0.828 -> 0.904)
but costs ~30 ms a search, against a budget of +0.5 ms at the p50. When the first added
passage already stands well above the next one, e5 rarely changes what is shown, so its
vector is wasted there. This ranks every question once without e5 and once with it,
noting what the ranking without e5 looked like (the places of the added passages, their
fused scores), then measures each gate: which searches would have computed e5, and the
measures when only those take e5's order.

- ``gap``: compute e5 when the first two added passages' fused scores are closer than the
  gate (and the first is among the first SHOWN places);
- ``gap+lead``: the same, and the first added passage within ``lead`` of the first
  passage overall (a question about the seminar has a seminar passage well ahead).
  Every held-out map chose lead 0 (the first passage of all an added map's): that is
  the gate retrieval/rerank.py applies, with the gap chosen by ``calibrate --maps --e5``.

The share must stay within the budget on the seminar's questions and on the maps' alike
(the mix of the two in real traffic is unknown); among the gates that do, the one with
the best objective (mean of MRR@10 and hit@800c) is chosen for each tuning map on the
other maps, then on all of them for the blind maps.

    python eval/levers/e5_gate.py [BUDGET]   # the largest share of searches, default 0.4
"""

from __future__ import annotations

import itertools
import pickle
import statistics
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from rag_territoires.config import Settings
from rag_territoires.evaluation.e5choice import with_e5
from rag_territoires.evaluation.mapcalibration import setup
from rag_territoires.evaluation.measures import hit_at_chars, reciprocal_rank
from rag_territoires.evaluation.questions import TUNING_FILES
from rag_territoires.evaluation.transfer import SEMINAR, Transfer
from rag_territoires.retrieval import rerank
from rag_territoires.retrieval.calibration import shipped_calibration
from rag_territoires.retrieval.search import Searcher

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path("/tmp/e5-gate-rows.pkl")
GAPS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, np.inf)
LEADS = (0.0, 0.02, 0.05, 0.1, 0.2, np.inf)
BUDGET = float(sys.argv[1]) if len(sys.argv) > 1 else 0.4
MEASURES = ("mrr", "hit5", "hit800")
SHOWN = 10  # the "gap" gate: the first added passage within MRR@10's depth

seen: dict[str, dict[str, float]] = {}  # question id -> the ranking without e5, described
asking: list[str] = [""]  # the question being searched
original = rerank.AddedMapsRerank.reorder


def recording(self, texts, chunks, fused, order):
    """The product's reorder, after describing the ranking it would be gated on."""
    slots = np.flatnonzero(self.added[chunks[order]])
    if len(slots) >= 2:  # else nothing to re-order: never e5
        first, second = fused[order[slots[:2]]]
        seen[asking[0]] = {
            "place": int(slots[0]),
            "gap": float(first - second),
            "lead": float(fused[order[0]] - first),
        }
    return original(self, texts, chunks, fused, order)


rerank.AddedMapsRerank.reorder = recording


def ranked(transfer: Transfer, e5: bool) -> dict:
    """``Transfer.rank`` with each question's id noted before it is searched."""
    config = replace(transfer.config, rerank_added_maps=e5)
    calibration = replace(shipped_calibration(), general_e5_gate=None)  # e5 wherever it can
    searcher = Searcher(
        transfer.index, [transfer.encoder], config, transfer.corpus, calibration,
        dependence=transfer.dependence, e5=transfer.e5 if e5 else None,
    )  # fmt: skip
    out = {}
    for q in transfer.questions:
        asking[0] = q.id
        out[q.id] = searcher.rank(q.question, q.history)
    return out


def rows_of(transfer: Transfer) -> list[dict]:
    without, with_ = ranked(transfer, False), ranked(transfer, True)
    rows = []
    for q in transfer.questions:
        row = {"map": q.source if q.source in transfer.maps else SEMINAR, **seen.get(q.id, {})}
        if q.answerable:
            for label, rankings in (("off", without), ("on", with_)):
                r = rankings[q.id]
                row[f"mrr_{label}"] = reciprocal_rank(r, q)
                row[f"hit5_{label}"] = float(reciprocal_rank(r, q, depth=5) > 0)
                row[f"hit800_{label}"] = hit_at_chars(r, q)
        rows.append(row)
    return rows


def computed(row: dict, gate: tuple[float, float]) -> bool:
    gap, lead = gate
    return "gap" in row and row["place"] < SHOWN and row["gap"] < gap and row["lead"] <= lead


def measure(rows: list[dict], gate: tuple[float, float]) -> dict[str, float]:
    out = {"share": statistics.fmean(computed(r, gate) for r in rows)}
    answerable = [r for r in rows if "mrr_on" in r]
    for m in MEASURES:
        out[m] = statistics.fmean(r[f"{m}_on" if computed(r, gate) else f"{m}_off"]
                                  for r in answerable)  # fmt: skip
    return out


def objective(rows: list[dict], gate: tuple[float, float]) -> float:
    """Mean over the maps of each map's mean of MRR@10 and hit@800c."""
    maps = sorted({r["map"] for r in rows} - {SEMINAR})
    held = [measure([r for r in rows if r["map"] == name], gate) for name in maps]
    return statistics.fmean((m["mrr"] + m["hit800"]) / 2 for m in held)


def within_budget(rows: list[dict], gate: tuple[float, float]) -> bool:
    seminar = [r for r in rows if r["map"] == SEMINAR]
    maps = [r for r in rows if r["map"] != SEMINAR]
    return all(measure(g, gate)["share"] <= BUDGET for g in (seminar, maps) if g)


def choose(rows: list[dict], gates: list[tuple[float, float]]) -> tuple[float, float]:
    """The best objective within the budget (ties: the first listed, the cheaper)."""
    return max((g for g in gates if within_budget(rows, g)), key=lambda g: objective(rows, g))


def report(name: str, gates: list, rows: list[dict], blind: list[dict]) -> None:
    maps_rows = [r for r in rows if r["map"] != SEMINAR]
    held = {m: choose([r for r in rows if r["map"] != m], gates)
            for m in sorted({r["map"] for r in maps_rows})}  # fmt: skip
    on = [(r, computed(r, held[r["map"]])) for r in maps_rows]
    answerable = [(r, c) for r, c in on if "mrr_on" in r]
    figures = {m: statistics.fmean(r[f"{m}_on" if c else f"{m}_off"] for r, c in answerable)
               for m in MEASURES}  # fmt: skip
    share = statistics.fmean(c for _, c in on)
    final = choose(rows, gates)
    seminar_share = measure([r for r in rows if r["map"] == SEMINAR], final)["share"]
    print(f"[{name}] chosen without each map: {sorted(set(held.values()))}; on all: {final}")
    print(
        f"  tuning maps, each held out: share {share:.3f}; "
        + ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
    )
    print(f"  seminar's questions (tuning corpus): share {seminar_share:.3f}")
    print("  blind maps: " + ", ".join(f"{k} {v:.3f}" for k, v in measure(blind, final).items()))


def main() -> None:
    if CACHE.exists():
        results = pickle.loads(CACHE.read_bytes())
    else:
        settings = Settings(rerank_added_maps=True)
        tuning_dir, blind_dir = ROOT / "eval/maps/tuning", ROOT / "eval/maps/blind"
        seminar = [ROOT / f for f in TUNING_FILES]
        chars = settings.chunk_max_chars
        tuning = setup(settings.corpus_dir, [tuning_dir], [tuning_dir], seminar, chars)
        blind = setup(settings.corpus_dir, [tuning_dir, blind_dir], [blind_dir], [], chars)
        results = {}
        for name, data in (("tuning", tuning), ("blind", blind)):
            calibration = shipped_calibration()
            transfer = Transfer(data.corpus, data.questions, settings.retrieval(), calibration,
                                data.maps)  # fmt: skip
            with_e5(transfer)
            results[name] = rows_of(transfer)
        CACHE.write_bytes(pickle.dumps(results))
    rows, blind = results["tuning"], results["blind"]
    maps_rows = [r for r in rows if r["map"] != SEMINAR]
    seminar_rows = [r for r in rows if r["map"] == SEMINAR]
    print(f"budget: e5 on at most {BUDGET:.0%} of searches (seminar's and maps' questions each)")
    for lead in (np.inf, 0.0):
        print(
            f"gap     share(seminar) share(maps) mrr@10 hit@5 hit@800c   [tuning maps, lead {lead}]"
        )
        for g in GAPS:
            s, m = measure(seminar_rows, (g, lead)), measure(maps_rows, (g, lead))
            print(
                f"{g:<7} {s['share']:.3f}          {m['share']:.3f}       "
                f"{m['mrr']:.3f}  {m['hit5']:.3f} {m['hit800']:.3f}"
            )
    print("blind, never: " + ", ".join(f"{k} {v:.3f}" for k, v in measure(blind, (0, 0)).items()))
    always = (np.inf, np.inf)
    print("blind, always: " + ", ".join(f"{k} {v:.3f}" for k, v in measure(blind, always).items()))
    report("gap", [(g, np.inf) for g in GAPS], rows, blind)
    report("gap+lead", list(itertools.product(GAPS, LEADS)), rows, blind)


if __name__ == "__main__":
    main()
