"""The corpus subcommands: ``documents``, ``add FILE…``, ``remove NAME``.

``add`` and ``remove`` change the corpus folder, then build the index (only the new
texts are embedded: earlier vectors come from the build cache); when the build
fails, the folder is put back as it was and the live index is untouched. A running
API picks the new build up by itself (api/reload.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag_territoires.cli.common import load_corpus, settings_now


def cmd_documents(args: argparse.Namespace) -> int:
    settings = settings_now()
    corpus = load_corpus(settings)
    rows = []
    for document in corpus.documents:
        rows.append(
            {
                "document": document.file,
                "id": document.id,
                "format": document.format,
                "title": document.title,
                "nodes": document.node_count,
                "passages": corpus.passage_count(document),
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(
            f"{row['document']}  ({row['format']}, {row['nodes']} nodes, "
            f"{row['passages']} passages)\n    {row['title']}"
        )
    print(f"{len(rows)} document(s) in {settings.corpus_dir}")
    return 0


def _rebuild(change, quiet: bool) -> None:
    """Build the index for the changed folder, or undo the change and re-raise."""
    from rag_territoires.index.manifest import read_current
    from rag_territoires.retriever import Retriever

    try:
        retriever = Retriever(show_progress=not quiet)
        retriever.warm_up(rebuild=True)
    except BaseException:
        change.undo()
        raise
    manifest = json.loads(
        (read_current(retriever.settings.index_dir) / "manifest.json").read_text()
    )
    print(
        f"index built: {len(retriever.chunks)} passages in {len(retriever.corpus.documents)} "
        f"document(s); {manifest['embedded_texts']} texts embedded, "
        f"{manifest['reused_texts']} reused from earlier builds"
    )


def cmd_add(args: argparse.Namespace) -> int:
    from rag_territoires.corpus.manage import add_files

    change = add_files(settings_now().corpus_dir, args.files, replace=args.replace)
    for document in change.documents:
        count = document.node_count
        print(f"added {document.file} ({document.format}, {count} nodes): {document.title}")
    _rebuild(change, args.quiet)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rag_territoires.corpus.manage import remove_document

    change = remove_document(settings_now().corpus_dir, args.name)
    print(f"removed {change.documents[0].file}")
    _rebuild(change, args.quiet)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    documents = sub.add_parser("documents", help="list the maps of the corpus")
    documents.add_argument("--json", action="store_true", help="print the list as JSON")
    documents.set_defaults(func=cmd_documents)

    add = sub.add_parser(
        "add",
        help="add mind maps to the corpus and update the index",
        description="Formats: OPML (.opml), FreeMind/Freeplane (.mm), XMind (.xmind), "
        "Markdown outlines (.md), and text exports (.txt, with X.outline.md beside X.txt).",
    )
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--replace", action="store_true", help="replace a document of the same name")
    add.add_argument("--quiet", action="store_true", help="no progress bar")
    add.set_defaults(func=cmd_add)

    remove = sub.add_parser("remove", help="remove a map from the corpus and update the index")
    remove.add_argument("name", help="its file name or id (see `rag-territoires documents`)")
    remove.add_argument("--quiet", action="store_true", help="no progress bar")
    remove.set_defaults(func=cmd_remove)
