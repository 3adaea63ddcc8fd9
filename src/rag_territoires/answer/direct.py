"""The direct answer first, then a few sources: what a reader of a chat expects.

The passages are ranked by branch; the answer leads with the node of the best passage
whose own words are closest to the question (``Searcher.node_scores``). A node with
sub-branches is a list, so its items are named, each cited ("les notes donnent 3 points
sous « … » [1] : A [2], B [3] et C [4]"); a leaf is given as it is written. The words are
the notes' own in a fixed frame: no language model, nothing invented.

Then at most ``MAX_CITATIONS`` quotes: the lead and its items, then each other passage's
most responsive nodes in rank order. A passage none of whose nodes fits is offered as
"voir aussi", a branch to ask about, not quoted (the API still returns every passage).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag_territoires.corpus.chunks import Chunk, NodeSpan
from rag_territoires.corpus.corpus import NodeLookup
from rag_territoires.corpus.model import Node

# About what a reader checks by eye; a list the answer names is quoted whole up to
# MAX_LISTED items, even past this.
MAX_CITATIONS = 8
MAX_LISTED = 12
ITEM_CHARS = 120  # an item named in the sentence is cut there; its citation has it whole

LEAD = {
    "fr": "**En bref :** {text} [{n}]",
    "en": "**In short:** {text} [{n}] (in the original French)",
}
LIST_LEAD = {
    "fr": "**En bref :** les notes donnent {count} points sous « {title} » [{n}] : {items}.",
    "en": "**In short:** the notes give {count} points under “{title}” [{n}] "
    "(in the original French): {items}.",
}
AND = {"fr": " et ", "en": " and "}
MORE = {"fr": ", parmi {count}", "en": ", among {count}"}
SEE_ALSO = {"fr": "Voir aussi :", "en": "See also:"}

Quote = tuple[Chunk, NodeSpan]


@dataclass(frozen=True)
class Ranked:
    """A node to quote, with the rank of the passage that brought it."""

    rank: int
    quote: Quote

    @property
    def id(self) -> str:
        return self.quote[1].id


@dataclass(frozen=True)
class Selection:
    lead: Node
    listed: list[Node]  # the lead's items named in the sentence (none: a leaf)
    quotes: list[Quote]  # what the answer cites
    see_also: list[tuple[str, ...]]  # branches of the passages not quoted
    best: str = ""  # the most responsive node's id: stressed when it is a listed item


def select(
    ranked: Sequence[Ranked],
    chunks: Sequence[Chunk],
    corpus: NodeLookup,
    scores: dict[str, float],
) -> Selection:
    """The lead (the best passage's most responsive node), its items, and the quotes."""
    in_first = {span.id for span in chunks[0].nodes}
    first = [r for r in ranked if r.rank == 0 and r.id in in_first]
    best = _node(corpus, max(first, key=lambda r: scores[r.id]).id)
    # A leaf whose branch the passage holds is answered with that branch's list, the leaf
    # stressed: the lead then names the gold node more often (tuning maps 0.703 -> 0.764,
    # seminar 0.881 -> 0.905; blind maps 0.689 -> 0.682), and the reader sees its context.
    quoted = {r.id for r in ranked}

    def items(node: Node) -> list[Node]:
        return [child for child in node.children if child.id in quoted][:MAX_LISTED]

    parent, lead = best.parent, best
    if not best.children and parent is not None and parent.id in in_first:
        lead = parent if len(items(parent)) > 1 else best
    listed = items(lead)
    must = {lead.id, *(child.id for child in listed)}
    kept = [r for r in ranked if r.id in must]
    others = sorted(
        (r for r in ranked if r.id not in must), key=lambda r: (r.rank, -scores[r.id])
    )
    kept += others[: max(0, MAX_CITATIONS - len(kept))]
    ids = {r.id for r in kept}
    ordered = [r.quote for r in ranked if r.id in ids]
    see_also = [c.branch for c in chunks if not any(span.id in ids for span in c.nodes)]
    return Selection(lead, listed if len(listed) > 1 else [], ordered, see_also, best.id)


def _node(corpus: NodeLookup, node_id: str) -> Node:
    """A quoted node: one of the corpus's, as every passage's node is."""
    node = corpus.node(node_id)
    if node is None:
        raise KeyError(node_id)
    return node


def _item(text: str) -> str:
    if len(text) <= ITEM_CHARS:
        return text
    return text[:ITEM_CHARS].rsplit(" ", 1)[0] + "…"


def lead_sentence(selection: Selection, numbers: dict[str, int], language: str) -> str:
    """``numbers``: each quoted node's marker."""
    lead = selection.lead
    if not selection.listed:
        return LEAD[language].format(text=lead.text, n=numbers[lead.id])
    names = [
        (f"**{_item(child.text)}**" if child.id == selection.best else _item(child.text))
        + f" [{numbers[child.id]}]"
        for child in selection.listed
    ]
    items = ", ".join(names[:-1]) + AND[language] + names[-1]
    count = len(lead.children)
    if count > len(selection.listed):
        items += MORE[language].format(count=count)
    return LIST_LEAD[language].format(
        count=count, title=_item(lead.text), n=numbers[lead.id], items=items
    )


def see_also(branches: Sequence[tuple[str, ...]], language: str, separator: str) -> str:
    return "\n".join([SEE_ALSO[language], *(f"- {separator.join(b)}" for b in branches)])
