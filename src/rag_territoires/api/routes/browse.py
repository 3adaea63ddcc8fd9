"""Browsing the corpus: its documents, a passage by id, each map's tree, the raw lines of
the original files (to check a citation). The lookups are the corpus' (corpus/corpus.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from rag_territoires.api.deps import V1_GUARDS, CorpusDep, EngineDep
from rag_territoires.api.errors import NOT_FOUND, V1_ERRORS
from rag_territoires.api.examples import (
    DOCUMENTS_EXAMPLE,
    LINES_EXAMPLE,
    PASSAGE_EXAMPLE,
    TREE_EXAMPLE,
    example_response,
)
from rag_territoires.api.models import (
    DocumentInfo,
    DocumentLines,
    Forest,
    Line,
    NodeLines,
    PassageDetail,
    Tree,
    TreeNode,
)
from rag_territoires.corpus.model import Document, Node
from rag_territoires.corpus.visible import VisibleCorpus
from rag_territoires.errors import UnknownDocument
from rag_territoires.passages import source_of

router = APIRouter(
    prefix="/v1", tags=["browse"], dependencies=V1_GUARDS, responses={**V1_ERRORS, **NOT_FOUND}
)


BUILD_HEADER = "X-Rag-Build"


@router.get(
    "/documents",
    summary="The mind maps of the corpus, with their node and passage counts",
    description=f"The `{BUILD_HEADER}` header names the build these maps were indexed in "
    "(the same as `build` in `/readyz`).",
    responses={
        200: {
            **example_response(DOCUMENTS_EXAMPLE)[200],
            "headers": {
                BUILD_HEADER: {
                    "description": "The index build serving these maps",
                    "schema": {"type": "string"},
                }
            },
        }
    },
)
def documents(engine: EngineDep, corpus: CorpusDep, response: Response) -> list[DocumentInfo]:
    response.headers[BUILD_HEADER] = engine.build or ""
    return [
        DocumentInfo(
            document=d.file,
            id=d.id,
            title=d.title,
            format=d.format,
            nodes=d.node_count,
            passages=corpus.passage_count(d),
        )
        for d in corpus.documents
    ]


@router.get(
    "/passages/{passage_id}",
    summary="One passage (branch chunk) by id",
    responses=example_response(PASSAGE_EXAMPLE),
)
def passage(passage_id: str, corpus: CorpusDep) -> PassageDetail:
    node = corpus.node(passage_id)
    chunk = corpus.chunk_of_node(passage_id) if node is not None else None
    if chunk is None or chunk.id != passage_id:
        raise HTTPException(404, f"no passage with id {passage_id!r}")
    return PassageDetail(
        id=chunk.id,
        text=chunk.text,
        branch=list(chunk.branch),
        source=source_of(chunk),
        nodes=[
            NodeLines(
                id=n.id,
                text=n.text,
                line_start=n.line_start,
                line_end=n.line_end,
                topic_id=n.topic_id,
            )
            for n in chunk.nodes
        ],
    )


def _tree(corpus: VisibleCorpus, name: str) -> Tree:
    def convert(node: Node) -> TreeNode:
        return TreeNode(
            id=node.id,
            text=node.text,
            line_start=node.line_start,
            line_end=node.line_end,
            passage_id=corpus.chunk_of_node(node.id).id,
            children=[convert(child) for child in node.children],
        )

    document = _document(corpus, name)
    return Tree(
        document=document.file,
        title=document.title,
        format=document.format,
        roots=[convert(root) for root in document.roots],
    )


def _document(corpus: VisibleCorpus, name: str) -> Document:
    try:
        return corpus.document(name)
    except UnknownDocument as error:
        raise HTTPException(404, str(error)) from None


@router.get(
    "/tree",
    summary="Every mind map of the corpus, with node ids and their passages",
    responses=example_response({"documents": [TREE_EXAMPLE]}),
)
def tree(corpus: CorpusDep) -> Forest:
    return Forest(documents=[_tree(corpus, d.file) for d in corpus.documents])


@router.get(
    "/documents/{name}/tree",
    summary="One mind map, with node ids and their passages",
    responses=example_response(TREE_EXAMPLE),
)
def document_tree(name: str, corpus: CorpusDep) -> Tree:
    return _tree(corpus, name)


@router.get(
    "/documents/{name}/lines",
    summary="Raw lines of a map's original file, to check a citation against it",
    responses=example_response(LINES_EXAMPLE),
)
def document_lines(
    name: str,
    corpus: CorpusDep,
    start: Annotated[int, Query(ge=1, description="First line, 1-based.")],
    end: Annotated[int, Query(ge=1, description="Last line, inclusive.")],
) -> DocumentLines:
    document = _document(corpus, name)
    try:
        lines = corpus.lines(name, start, end)
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return DocumentLines(
        document=document.file,
        start=start,
        end=end,
        total_lines=len(document.lines),
        lines=[Line(number=n, text=text) for n, text in enumerate(lines, start=start)],
    )
