"""The notes' subcommands: check, build, search and ask."""

from __future__ import annotations

import argparse
import json

from rag_territoires.cli.common import TOP_K_HELP, load_corpus, settings_now, top_k


def cmd_check(args: argparse.Namespace) -> int:
    settings = settings_now()
    corpus = load_corpus(settings)
    chunks = corpus.chunks
    for document in corpus.documents:
        count = document.node_count
        print(f"{document.file} ({document.format}): {document.title!r}, {count} nodes")
        for root in document.roots:
            print(f"  {root.text}  ({sum(1 for _ in root.walk())} nodes)")
    sizes = sorted(len(c.text) for c in chunks)
    print(
        f"{len(chunks)} chunks (max {settings.chunk_max_chars} characters per branch): "
        f"text length min {sizes[0]}, median {sizes[len(sizes) // 2]}, max {sizes[-1]}"
    )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from rag_territoires.engine import Engine

    engine = Engine(settings_now(), show_progress=not args.quiet)
    engine.warm_up(rebuild=True)
    print(f"index built in {engine.settings.index_dir}: {len(engine.chunks)} chunks")
    return 0


def _print_result(result) -> None:
    if result.abstained:
        print("Les notes ne traitent pas de cette question. Branches les plus proches :\n")
    for rank, passage in enumerate(result.passages, start=1):
        source = passage.source
        print(f"[{rank}] {' > '.join(passage.branch)}")
        print(
            f"    {source.document}, lignes {source.line_start}-{source.line_end}"
            f" · score {passage.score:.4f}"
        )
        for line in passage.text.splitlines():
            print(f"    | {line}")
        print()


def cmd_search(args: argparse.Namespace) -> int:
    from rag_territoires.engine import Engine
    from rag_territoires.retrieval.search import validate_query

    validate_query(args.question)  # fail fast, before loading anything
    engine = Engine(settings_now(), auto_build=not args.no_build)
    result = engine.search(args.question, top_k=args.top_k, history=args.history)
    if args.json:
        print(json.dumps(result.model_dump(), ensure_ascii=False))
    else:
        _print_result(result)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """A conversation in the terminal: each question is searched with the earlier ones."""
    from rag_territoires.engine import Engine
    from rag_territoires.errors import QueryError

    engine = Engine(settings_now(), show_progress=True)
    engine.warm_up()
    print(
        "Posez une question sur les notes (/nouveau : nouvelle conversation, "
        "Ctrl-D : quitter)."
    )
    history: list[str] = []
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        if question in {"/nouveau", "/new"}:
            history = []
            print("Nouvelle conversation.")
            continue
        try:
            result = engine.search(question, top_k=args.top_k, history=history)
        except QueryError as error:
            print(f"(question refusée : {error})")
            continue
        _print_result(result)
        history.append(question)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser("check", help="read every document of the corpus and say what it holds")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="embed the chunks and write the index")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.set_defaults(func=cmd_build)

    search = sub.add_parser("search", help="find the branches that answer a question")
    search.add_argument("question")
    search.add_argument("--top-k", type=top_k, default=5, metavar="N", help=TOP_K_HELP)
    search.add_argument(
        "--history",
        action="append",
        default=[],
        metavar="QUESTION",
        help="an earlier question of the conversation (repeat, oldest first)",
    )
    search.add_argument("--json", action="store_true", help="print the result as JSON")
    search.add_argument(
        "--no-build", action="store_true", help="fail instead of building a missing index"
    )
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="ask questions in the terminal, with follow-ups")
    ask.add_argument("--top-k", type=top_k, default=5, metavar="N", help=TOP_K_HELP)
    ask.set_defaults(func=cmd_ask)
