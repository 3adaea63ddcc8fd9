"""eval/report.md: every configuration's measures, overall and by language and kind, on
both splits; the default configuration's failures; a chart; latency last.

Everything above the latency section is deterministic, so the committed report can
be compared with what the code produces (tests/test_eval_report.py); latency
varies from run to run and is left out of that comparison.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rag_territoires.corpus.chunks import Chunk
from rag_territoires.evaluation.chart import CHART_NAME, draw_chart
from rag_territoires.evaluation.crossval import FOLDS, INNER_REPEATS
from rag_territoires.evaluation.measures import PINPOINT_CHARS, Outcome, summarise
from rag_territoires.evaluation.runner import SETS, VariantResult, groups, percentile
from rag_territoires.evaluation.writers import ANSWERABLE_L2, MAP_L2
from rag_territoires.retrieval.abstention import expected_answer_type

REPORT_NAME = "report.md"
LATENCY_HEADING = "## Latency"
COLUMNS = {
    "hit@1": "hit@1",
    "hit@5": "hit@5",
    "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10",
    "recall@10": "recall@10",
    "hit@800c": "hit@800c",
    "false_abstention": "false abst.",
    "abstain_precision": "abst. P",
    "abstain_recall": "abst. R",
    "abstain_accuracy": "abst. acc",
}
SHOWN_INSTEAD = 3  # passages listed for each failure
EXCERPT_CHARS = 90
BLIND_COMMIT = "f072c48"  # the commit that froze eval/blind-3.jsonl, before any tuning

INTRO = f"""\
# Retrieval evaluation

Written by `make eval` (`rag-territoires eval --all`). Do not edit it by hand:
`tests/test_eval_report.py` fails when everything above "Latency" differs from what
the code produces.

Two question sets, never mixed:

- **Tuning questions** (`eval/questions.jsonl`, `eval/tuning-staff.jsonl`,
  `eval/tuning-offtopic.jsonl`: 40 questions outside the notes' subject, office life
  and general knowledge, written blind, `eval/tuning-blind-1.jsonl`: the first
  blind batch, 88 questions, whose figures had been read after every change for
  several sessions, so that it no longer measured questions nobody tuned for,
  `eval/tuning-staff-2.jsonl` and `eval/tuning-staff-3.jsonl`: 94 and 142 more in
  staff's voice, by two other writers, from the notes alone, `eval/tuning-blind-2.jsonl`:
  the second blind batch, retired in turn once its failures had been read,
  `eval/tuning-staff-4.jsonl`: 138 more by a fourth writer, two fifths of them
  unanswerable but on topic): every parameter is chosen
  on them by 5-fold cross-validation (`rag-territoires calibrate`,
  `evaluation/crossval.py`). Their figures below are in-sample: the learned query map
  and the answerable classifier were fitted on these very questions, so they overstate,
  by far (the abstention model's out-of-fold probabilities cannot undo that). The honest
  estimates are the cross-validation section and the blind batch.
- **Blind batch** (`eval/blind-3.jsonl`, 80 questions committed in {BLIND_COMMIT}
  before any tuning on the questions above, written in staff's voice by someone who saw
  only the notes: not the code, not the tuning questions, not the earlier blind
  batches): reported, never tuned on.

Measures:

- **hit@k**: a passage among the first k contains a gold node. **MRR@10**, **nDCG@10**,
  **recall@10** (share of the relevant passages in the first 10): ir-measures. A passage
  is relevant when it contains a gold node.
- **hit@800c**: the passages' texts, best first, joined and cut at {PINPOINT_CHARS}
  characters, contain a gold node's whole text: are the citations precise enough to
  check? hit@5 alone rewards returning large chunks.
- **false abst.**: share of answerable items told "not in the notes". **abst. P / R /
  acc**: precision and recall of abstaining (unanswerable items are the positive
  class); accuracy over all items. Retrieval measures are means over answerable
  items; "–": no such items. Each configuration other than the default gets an
  abstention model fitted on its own signals over the tuning questions, which the
  learned query map and the answerable classifier have seen: its threshold is set on
  overconfident signals and
  declines too little or too much on new questions. Compare those configurations by
  their retrieval columns; the default's abstention is fitted on held-out-writer
  rankings (the cross-validation section).
- **fixed {{size}}-char chunks**: the notes joined in export order and cut every ~{{size}}
  characters on word boundaries, as a framework quick-start would, with the same
  encoder and BM25. A window contains a node when it holds the largest share (at
  least half) of the node's text. Its windows are larger than branch chunks, so its
  hit@5 covers more text: compare hit@800c.
"""


def fmt(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    align = ["---"] + ["--:"] * (len(header) - 1)
    return [_row(header), _row(align), *(_row(r) for r in rows), ""]


def _set_sizes(results: Sequence[VariantResult]) -> list[str]:
    first = results[0]
    counts = {name: Counter(o.question.kind for o in getattr(first, name)) for name in SETS}
    kinds = sorted(set().union(*counts.values()))
    rows = [[kind, *(counts[name][kind] for name in SETS)] for kind in kinds]
    rows.append(["**all**", *(len(getattr(first, name)) for name in SETS)])
    return ["## Question sets", "", *_table(["kind", *SETS.values()], rows)]


def _cross_validation(record: dict) -> list[str]:
    """From the shipped calibration's record (written by `rag-territoires calibrate`)."""
    if not record:
        return [
            "## Cross-validation",
            "",
            "No calibration record: run `rag-territoires calibrate`.",
            "",
        ]
    cv = record["cross_validation"]
    names = list(cv["mean"])
    parameters = list(record["grid"])
    rows = [
        [
            f"fold {i}",
            *(fold[p] for p in parameters),
            fold.get("query_map_l2", "–"),
            fold["l2"],
            f"{fold['threshold']:.3f}",
            *(fmt(fold[n]) for n in names),
        ]
        for i, fold in enumerate(cv["per_fold"], start=1)
    ]
    rows.append(
        [
            "**mean ± std**",
            *([""] * (len(parameters) + 3)),
            *(f"{cv['mean'][n]:.3f} ± {cv['std'][n]:.3f}" for n in names),
        ]
    )
    header = ["", *parameters, "map L2", "abst. L2", "threshold", *names]
    grid = "; ".join(f"`{k}` in {v}" for k, v in record["grid"].items())
    chosen = ", ".join(
        f"`{k}` = {v:.3f}" if isinstance(v, float) else f"`{k}` = {v}"
        for k, v in record["chosen"].items()
    )
    return [
        "## Cross-validation",
        "",
        f"{record['folds']}-fold cross-validation over the {record['questions']['count']} "
        f"tuning questions ({', '.join(record['questions']['files'])}). In each fold, the "
        "mean vector of the answerable questions, the grid point with the best mean of "
        f"MRR@10 and hit@800c ({grid}; the values config.py shipped stay unless a point "
        "beats them by more than one standard error of the per-question differences), "
        f"the learned query map (its L2 strength in {list(MAP_L2)}, chosen by held-out "
        "writer: fitted without one tuning file's questions, measured on that file's), "
        f"the answerable classifier (its L2 strength in {list(ANSWERABLE_L2)}, chosen by "
        "held-out writer too) and "
        "the abstention model (fitted on those held-out-writer rankings; L2 strength, and "
        "a threshold chosen on the out-of-fold "
        f"probabilities of a {FOLDS}-fold inner cross-validation repeated {INNER_REPEATS} "
        "times) are learned "
        "on the other folds, then "
        "the held-out fold is measured. Chosen on all tuning questions, and shipped: "
        f"{chosen}.",
        "",
        *_table(header, rows),
        *_by_writer(record),
    ]


def _by_writer(record: dict) -> list[str]:
    """What the held-out-writer choices measured, for each thing chosen that way."""
    lines = []
    for key, sentence in (
        (
            "query_map_by_held_out_writer",
            "The query map's choice on all tuning questions: mean objective (MRR@10 and "
            "hit@800c) of each tuning file's answerable questions ranked by a map fitted "
            "without that file's",
        ),
        (
            "answerable_by_held_out_writer",
            "The answerable classifier's choice: mean log loss of each tuning file's "
            "questions (answerable or not) under a classifier fitted without that file's",
        ),
    ):
        if record.get(key):
            figures = ", ".join(f"L2 {k}: {v:.3f}" for k, v in record[key].items())
            lines += ["", f"{sentence}: {figures}."]
    return lines


def _configurations(results: Sequence[VariantResult]) -> list[str]:
    rows = [
        [
            r.variant.name,
            r.variant.chunking,
            len(r.chunk_sizes),
            round(statistics.median(r.chunk_sizes)),
            f"{r.threshold:.3f}",
        ]
        for r in results
    ]
    header = ["configuration", "chunking", "chunks", "median chars", "abstention threshold"]
    return ["## Configurations", "", *_table(header, rows)]


def _measures(results: Sequence[VariantResult], split: str) -> list[str]:
    lines = [f"## {SETS[split]}", ""]
    names = [name for name, _ in groups(getattr(results[0], split))]
    for name in names:
        rows = []
        for result in results:
            outcomes = dict(groups(getattr(result, split)))[name]
            summary = summarise(outcomes)
            answerable = sum(o.question.answerable for o in outcomes)
            rows.append(
                [result.variant.name, f"{len(outcomes)} ({answerable})"]
                + [fmt(summary[key]) for key in COLUMNS]
            )
        title = "All items" if name == "all" else name.replace("=", ": ")
        header = ["configuration", "items (answerable)", *COLUMNS.values()]
        lines += [f"### {title}", "", *_table(header, rows)]
    return lines


def _excerpt(chunk: Chunk) -> str:
    return _shorten(" / ".join(line.strip() for line in chunk.text.splitlines()), EXCERPT_CHARS)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _under(chunk: Chunk) -> str:
    """The chunk's parents (its own title starts the excerpt), the last two shortened."""
    parents = [_shorten(title, 40) for title in chunk.branch[:-1]]
    if not parents:
        return ""
    shown = parents if len(parents) <= 2 else ["…", *parents[-2:]]
    return f" under {' > '.join(shown)}"


def _what_failed(outcome: Outcome, threshold: float) -> list[str]:
    q, ranking = outcome.question, outcome.ranking
    if not q.answerable:
        if outcome.abstained:
            return []
        return [f"answered an unanswerable question (probability {ranking.probability:.3f})"]
    missed = []
    if outcome.scores["hit@5"] < 1:
        gold = {g.node for g in q.gold}
        rank = next(
            (i for i, hit in enumerate(ranking.hits, 1) if gold & {s.id for s in hit.chunk.nodes}),
            None,
        )
        missed.append(f"hit@5 (first relevant passage: rank {rank})")
    if outcome.scores["hit@800c"] < 1:
        missed.append("hit@800c")
    if outcome.abstained:
        asked = expected_answer_type(q.question)
        why = f"; asks for a {asked}" if asked else ""
        missed.append(f"abstained (probability {ranking.probability:.3f} < {threshold:.3f}{why})")
    return missed


def _failures(result: VariantResult) -> list[str]:
    lines = [f"## Failures of the default configuration ({result.variant.name})", ""]
    for split, title in SETS.items():
        failed = [
            (o, what) for o in getattr(result, split) if (what := _what_failed(o, result.threshold))
        ]
        lines += [f"### {title}: {len(failed)} of {len(getattr(result, split))} items", ""]
        for outcome, what in failed:
            q = outcome.question
            after = f" (after: {' / '.join(map(repr, q.history))})" if q.history else ""
            lines.append(f"- **{q.id}** · {q.lang} · {q.kind} · {q.question!r}{after}")
            lines.append(f"  - failed: {'; '.join(what)}")
            for gold in q.gold:
                lines.append(f"  - gold: `{gold.node}` {gold.snippet!r}")
            lines.append("  - retrieved instead:")
            for rank, hit in enumerate(outcome.ranking.hits[:SHOWN_INSTEAD], 1):
                chunk = hit.chunk
                lines.append(f"    {rank}. `{chunk.id}`{_under(chunk)}: {_excerpt(chunk)!r}")
        lines.append("")
    return lines


def _latency(results: Sequence[VariantResult]) -> list[str]:
    rows = [
        [
            r.variant.name,
            f"{percentile(r.latencies_ms, 0.5):.1f}",
            f"{percentile(r.latencies_ms, 0.95):.1f}",
        ]
        for r in results
    ]
    note = (
        "Per query (ranking all chunks, follow-ups included), in process, on the machine "
        "that ran `make eval`; varies from run to run. The encoder remembers its vectors "
        "across configurations, so only the first row (the default) includes the forward "
        "pass; the others show the search alone. Over HTTP: `rag-territoires bench`."
    )
    return [LATENCY_HEADING, "", note, "", *_table(["configuration", "p50 ms", "p95 ms"], rows)]


CONVERSATION_PARTS = (
    "all turns",
    "first turns",
    "follow-ups",
    "topic changes",
    "off topic or not in the notes",
)


def _conversations(record: dict | None) -> list[str]:
    """The written conversations, read by the shipped dependence model: before it (every
    later turn read with its conversation) and held out (``calibrate --followup``)."""
    if not record:
        return []
    read = record["question_files_followups_read_as_such"]
    header = ["part", "n", "read as meant", "MRR@10", "hit@5", "false abst.", "abst. recall"]
    rows = []
    for when in ("before", "held_out"):
        for part in CONVERSATION_PARTS:
            figures = record[when].get(part)
            if figures is None:
                continue
            cells = [figures.get(m) for m in MEASURES_OF_TURNS]
            label = ("before: " if when == "before" else "held out: ") + part
            rows.append([label, int(figures["n"]), *("–" if c is None else fmt(c) for c in cells)])
    return [
        "## Conversations: is each turn read as meant?",
        "",
        f"{record['conversations']} conversations ({record['turns']} turns) written by three "
        "writers who saw only the maps (`eval/conversations/`), each turn searched with the "
        "questions before it, as the chat does. \"Read as meant\": a later turn read as "
        "depending on its conversation, or standing alone, as its writer meant it. Before: "
        "every later turn read with its conversation; held out: each writer's conversations "
        "read by the dependence model learned on the other writers' (its L2, "
        f"{record['l2']}, chosen the same way). The follow-up questions of the question files "
        "(what a follow-up sounds like is learned from those files: each file's read by "
        f"the classifier learned without it) read as follow-ups: {read:.3f} of "
        f"{record['question_files_followups']}.",
        "",
        *_table(header, rows),
        "",
    ]


MEASURES_OF_TURNS = ("read_right", "mrr@10", "hit@5", "false_abstention", "abstain_recall")


def render(
    results: Sequence[VariantResult], record: dict, conversations: dict | None = None
) -> str:
    """The report's Markdown; ``results[0]`` is the default configuration, ``record`` the
    shipped calibration's record of its cross-validation, ``conversations`` the shipped
    dependence model's."""
    fixed = next((r for r in results if r.variant.chunking == "fixed"), None)
    size = fixed.variant.config.chunk_max_chars if fixed else 500
    lines = [INTRO.replace("{size}", str(size)), f"![hit@5 and hit@800c by kind]({CHART_NAME})", ""]
    lines += _set_sizes(results) + _cross_validation(record) + _configurations(results)
    for split in ("blind", "dev"):
        lines += _measures(results, split)
    lines += _failures(results[0]) + _conversations(conversations) + _latency(results)
    return "\n".join(lines).rstrip() + "\n"


def quality_part(report: str) -> str:
    """What must match the code: everything above the latency section."""
    return report.split(f"\n{LATENCY_HEADING}\n", 1)[0]


def write_report(
    results: Sequence[VariantResult],
    record: dict,
    directory: Path,
    conversations: dict | None = None,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / REPORT_NAME
    path.write_text(render(results, record, conversations), encoding="utf-8")
    draw_chart(results, directory / CHART_NAME)
    return path
