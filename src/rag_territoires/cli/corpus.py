"""The corpus subcommands: ``documents``, ``add FILE…``, ``remove NAME``.

``add`` and ``remove`` are transactions (corpus/transaction.py): the change is made on a
staged copy of the corpus folder, its index built (only the new texts are embedded:
earlier vectors come from the build cache), and both are published at once; whatever
stops the command before that leaves the corpus folder and the live index as they were.
A running API picks the new build up by itself (api/reload.py).
"""

from __future__ import annotations

import argparse
import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rag_territoires.cli.common import load_corpus, settings_now

if TYPE_CHECKING:
    from rag_territoires.corpus.manage import Change


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


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``timeout``, a service manager) stops a change as Ctrl-C does, so what it
    staged is removed at once rather than by the next command."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _change(make: Callable[[Path], Change], quiet: bool) -> tuple[Change, str]:
    """Make a change on a staged copy of the corpus, build its index and publish both;
    return the change, once published, and a line on its build."""
    from rag_territoires.corpus.transaction import corpus_change, publish

    settings = settings_now()
    with terminate_as_interrupt(), corpus_change(settings) as staged:
        change = make(staged)
        engine = publish(settings, staged, change, show_progress=not quiet)
        built = settings.index_dir / str(engine.build)  # read under the lock: still there
        manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    return change, (
        f"index built: {len(engine.chunks)} passages in {len(engine.corpus.documents)} "
        f"document(s); {manifest['embedded_texts']} texts embedded, "
        f"{manifest['reused_texts']} reused from earlier builds"
    )


def cmd_add(args: argparse.Namespace) -> int:
    from rag_territoires.corpus.access import parse_groups
    from rag_territoires.corpus.manage import add_files

    groups = parse_groups(args.groups) if args.groups is not None else None
    change, built = _change(
        lambda staged: add_files(staged, args.files, args.replace, groups), args.quiet
    )
    for document in change.documents:
        count = document.node_count
        print(f"added {document.file} ({document.format}, {count} nodes): {document.title}")
    if groups is not None:
        print(f"readable by the groups: {', '.join(sorted(groups))}")
    print(built)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rag_territoires.corpus.manage import remove_document

    change, built = _change(lambda staged: remove_document(staged, args.name), args.quiet)
    print(f"removed {change.documents[0].file}")
    print(built)
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
    add.add_argument(
        "--groups",
        metavar="G1,G2",
        help="only callers in one of these groups see the maps (written to FILE.access.toml)",
    )
    add.add_argument("--quiet", action="store_true", help="no progress bar")
    add.set_defaults(func=cmd_add)

    remove = sub.add_parser("remove", help="remove a map from the corpus and update the index")
    remove.add_argument("name", help="its file name or id (see `rag-territoires documents`)")
    remove.add_argument("--quiet", action="store_true", help="no progress bar")
    remove.set_defaults(func=cmd_remove)
