"""Browsing the notes: a passage by id, the whole outline, the raw lines of the export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from rag_territoires.api.deps import V1_GUARDS, SearcherDep, StateDep
from rag_territoires.api.errors import NOT_FOUND, V1_ERRORS
from rag_territoires.notes.outline import Node
from rag_territoires.schema import Source

router = APIRouter(
    prefix="/v1", tags=["browse"], dependencies=V1_GUARDS, responses={**V1_ERRORS, **NOT_FOUND}
)
MAX_LINES = 1000
DOC = "seminaire-territoires-ruraux-carte-mentale.txt"
PASSAGE_EXAMPLE = {
    "id": "tiers-lieux-e3e8dd1f",
    "text": "Tiers-lieux\nBrie'nov living lab",
    "branch": ["Pour s'inspirer", "Tiers-lieux"],
    "source": {"document": DOC, "line_start": 84, "line_end": 100},
    "nodes": [
        {"id": "tiers-lieux-e3e8dd1f", "text": "Tiers-lieux", "line_start": 84, "line_end": 84}
    ],
}
TREE_EXAMPLE = {
    "document": DOC,
    "roots": [
        {
            "id": "ateliers-ab9033bf",
            "text": "Ateliers",
            "line_start": 2,
            "line_end": 2,
            "passage_id": "ateliers-ab9033bf",
            "children": [],
        }
    ],
}
LINES_EXAMPLE = {
    "document": DOC,
    "start": 84,
    "end": 86,
    "total_lines": 1022,
    "lines": [
        {"number": 84, "text": "Tiers-lieux"},
        {"number": 85, "text": ""},
        {"number": 86, "text": "Volonté de contribuer à "},
    ],
}


def _example(example: dict) -> dict:
    return {200: {"content": {"application/json": {"example": example}}}}


class NodeLines(BaseModel):
    id: str
    text: str
    line_start: int
    line_end: int


class PassageDetail(BaseModel):
    id: str
    text: str
    branch: list[str]
    source: Source
    nodes: list[NodeLines]


class TreeNode(BaseModel):
    id: str
    text: str
    line_start: int
    line_end: int
    passage_id: str  # the passage (chunk) that holds this node
    children: list[TreeNode]


class Tree(BaseModel):
    document: str
    roots: list[TreeNode]


class Line(BaseModel):
    number: int
    text: str


class DocumentLines(BaseModel):
    document: str
    start: int
    end: int
    total_lines: int
    lines: list[Line]


@router.get(
    "/passages/{passage_id}",
    summary="One passage (branch chunk) by id",
    responses=_example(PASSAGE_EXAMPLE),
)
def passage(passage_id: str, searcher: SearcherDep) -> PassageDetail:
    chunk = next((c for c in searcher.index.chunks if c.id == passage_id), None)
    if chunk is None:
        raise HTTPException(404, f"no passage with id {passage_id!r}")
    return PassageDetail(
        id=chunk.id,
        text=chunk.text,
        branch=list(chunk.branch),
        source=Source(
            document=chunk.document, line_start=chunk.line_start, line_end=chunk.line_end
        ),
        nodes=[
            NodeLines(id=n.id, text=n.text, line_start=n.line_start, line_end=n.line_end)
            for n in chunk.nodes
        ],
    )


@router.get(
    "/tree",
    summary="The whole mind map, with node ids and their passages",
    responses=_example(TREE_EXAMPLE),
)
def tree(searcher: SearcherDep, state: StateDep) -> Tree:
    def convert(node: Node) -> TreeNode:
        return TreeNode(
            id=node.id,
            text=node.text,
            line_start=node.line_start,
            line_end=node.line_end,
            passage_id=searcher.chunk_of_node(node.id).id,
            children=[convert(child) for child in node.children],
        )

    outline = state.retriever.outline
    return Tree(document=outline.document, roots=[convert(root) for root in outline.roots])


@router.get(
    "/documents/{name}/lines",
    summary="Raw lines of the export, to check a citation against the original",
    responses=_example(LINES_EXAMPLE),
)
def document_lines(
    name: str,
    state: StateDep,
    searcher: SearcherDep,
    start: Annotated[int, Query(ge=1, description="First line, 1-based.")],
    end: Annotated[int, Query(ge=1, description="Last line, inclusive.")],
) -> DocumentLines:
    lines = state.retriever.document_lines
    if name != state.retriever.outline.document:
        raise HTTPException(404, f"no document named {name!r}")
    if end < start or end > len(lines):
        raise HTTPException(
            422, f"lines {start}-{end} are outside the document (lines 1-{len(lines)})"
        )
    if end - start + 1 > MAX_LINES:
        raise HTTPException(422, f"at most {MAX_LINES} lines per request")
    return DocumentLines(
        document=name,
        start=start,
        end=end,
        total_lines=len(lines),
        lines=[Line(number=n, text=lines[n - 1]) for n in range(start, end + 1)],
    )
