"""eval/report.png: hit@5 and hit@800c of every configuration, overall and by kind,
on the blind batch and the tuning questions. matplotlib is a dev dependency,
imported only when drawing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag_territoires.errors import require
from rag_territoires.evaluation.measures import summarise
from rag_territoires.evaluation.runner import VariantResult

CHART_NAME = "report.png"
METRICS = ("hit@5", "hit@800c")
SPLITS = {"blind": "blind batch", "dev": "tuning questions"}


def _kinds(results: Sequence[VariantResult]) -> list[str]:
    """The kinds with answerable items: unanswerable ones have no hit to draw."""
    outcomes = results[0].blind + results[0].dev
    return sorted({o.question.kind for o in outcomes if o.question.answerable})


def draw_chart(results: Sequence[VariantResult], path: Path) -> None:
    matplotlib = require("matplotlib")
    matplotlib.use("Agg")  # no display: CI and `make eval` run headless
    plt = require("matplotlib.pyplot")

    bars = ["all", *_kinds(results)]
    names = [r.variant.name for r in results]
    x = np.arange(len(results))
    width = 0.8 / len(bars)
    colours = plt.get_cmap("tab10").colors
    fig, axes = plt.subplots(
        len(METRICS), len(SPLITS), figsize=(18, 10), sharex=True, sharey=True, squeeze=False
    )
    for row, metric in enumerate(METRICS):
        for col, split in enumerate(SPLITS):
            ax = axes[row][col]
            for b, bar in enumerate(bars):
                values = []
                for result in results:
                    outcomes = getattr(result, split)
                    if bar != "all":
                        outcomes = [o for o in outcomes if o.question.kind == bar]
                    values.append(summarise(outcomes)[metric])
                ax.bar(
                    x + (b - (len(bars) - 1) / 2) * width,
                    values,
                    width,
                    label=bar,
                    color="black" if bar == "all" else colours[b % len(colours)],
                )
            ax.set_title(f"{metric}, {SPLITS[split]}")
            ax.set_ylim(0, 1.05)
            ax.grid(axis="y", alpha=0.3)
            ax.set_axisbelow(True)
    for ax in axes[-1]:
        ax.set_xticks(x, names, rotation=40, ha="right", fontsize=8)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, ncol=len(bars), loc="upper center", bbox_to_anchor=(0.5, 0.955))
    fig.suptitle("Retrieval by configuration and question kind (default configuration first)")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    # No software version in the file: the same results give the same bytes.
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
