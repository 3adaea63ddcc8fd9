"""The ``rag-territoires`` command. Heavy modules are imported inside each
subcommand so that ``--help`` answers at once."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from rag_territoires.cli_corpus import add_parsers as add_corpus_parsers

EXIT_USAGE = 2
EXIT_ERROR = 1


def _settings():
    from rag_territoires.config import Settings

    return Settings()


def _corpus(settings):
    from rag_territoires.corpus.corpus import Corpus

    return Corpus.load(settings.corpus_dir, settings.chunk_max_chars)


def cmd_check(args: argparse.Namespace) -> int:
    settings = _settings()
    corpus = _corpus(settings)
    chunks = corpus.chunks
    for document in corpus.documents:
        count = sum(1 for _ in document.nodes())
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
    from rag_territoires.retriever import Retriever

    retriever = Retriever(_settings(), show_progress=not args.quiet)
    retriever.warm_up(rebuild=True)
    print(f"index built in {retriever.settings.index_dir}: {len(retriever.chunks)} chunks")
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
    from rag_territoires.retrieval.search import validate_query
    from rag_territoires.retriever import Retriever

    validate_query(args.question)  # fail fast, before loading anything
    retriever = Retriever(_settings(), auto_build=not args.no_build)
    result = retriever.search(args.question, top_k=args.top_k, history=args.history)
    if args.json:
        print(json.dumps(result.model_dump(), ensure_ascii=False))
    else:
        _print_result(result)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from rag_territoires.api.main import create_app
    from rag_territoires.api.protocol import SettingsGuardedProtocol
    from rag_territoires.errors import RagError
    from rag_territoires.retriever import Retriever

    settings = _settings()
    host = args.host or settings.host
    port = args.port or settings.port
    if not 1 <= port <= 65535:
        raise RagError(f"--port must be between 1 and 65535, not {port}")
    # Load (or build) the index here, not in the server's start-up: a problem is then one
    # line and exit status 1, as for `search`, not a server traceback.
    retriever = Retriever(settings)
    retriever.warm_up()
    print(
        f"rag-territoires API on http://{host}:{port} (docs: http://{host}:{port}/docs)"
        + (f", {args.workers} workers" if args.workers > 1 else ""),
        flush=True,
    )
    options = {
        "host": host,
        "port": port,
        # X-Forwarded-For only from the configured proxies (uvicorn trusts 127.0.0.1 else)
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or [],
        "log_level": "warning",
        "access_log": False,
    }
    if args.workers > 1:
        del retriever  # each worker loads its own, from the files just checked
        return _serve_workers(args.workers, options)
    app = create_app(settings, retriever)
    SettingsGuardedProtocol.configure(
        settings.max_header_bytes, settings.header_timeout_seconds, settings.body_timeout_seconds
    )
    uvicorn.run(app, http=SettingsGuardedProtocol, **options)
    return 0


def _serve_workers(workers: int, options: dict) -> int:
    """N processes on one port (uvicorn's supervisor restarts one that dies); the rate
    limits' buckets in one file they share, in memory (/dev/shm) when the system has it."""
    import os
    import shutil
    import tempfile

    import uvicorn

    from rag_territoires.api.protocol import SettingsGuardedProtocol

    folder = tempfile.mkdtemp(
        prefix="rag-territoires-limits-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None
    )
    os.environ["RAG_TERRITOIRES_SHARED_LIMITS_FILE"] = str(Path(folder) / "limits.sqlite")
    try:
        uvicorn.run(
            "rag_territoires.api.main:app_from_environment",
            factory=True,
            workers=workers,
            http=SettingsGuardedProtocol,
            **options,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    from rag_territoires.launcher import start

    settings = _settings()
    return start(settings.host, args.api_port or settings.port, args.ui_port)


def _question_sets(args: argparse.Namespace, corpus):
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.feedback import LABELLED_FILE
    from rag_territoires.evaluation.questions import BLIND_FILE, TUNING_FILES, load_sets, problems

    labelled = [LABELLED_FILE] if LABELLED_FILE.is_file() else []
    args.questions = args.questions or [*TUNING_FILES, *labelled]
    args.blind = args.blind or BLIND_FILE
    tuning, blind = load_sets(args.questions, args.blind)
    for path, questions in [(", ".join(map(str, args.questions)), tuning), (args.blind, blind)]:
        wrong = problems(questions, corpus)
        if wrong:
            raise RagError(f"{path} needs updating:\n  " + "\n  ".join(wrong))
    return tuning, blind


def cmd_eval(args: argparse.Namespace) -> int:
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.runner import Evaluator, table
    from rag_territoires.evaluation.variants import variants

    settings = _settings()
    corpus = _corpus(settings)
    tuning, blind = _question_sets(args, corpus)
    chosen = variants(settings.retrieval())
    if args.config:
        chosen = [v for v in chosen if args.config.lower() in v.name.lower()]
        if not chosen:
            names = "; ".join(v.name for v in variants(settings.retrieval()))
            raise RagError(f"no configuration matches {args.config!r} (known: {names})")
    elif not args.all:
        chosen = chosen[:1]
    evaluator = Evaluator(corpus, tuning, blind)
    default = variants(settings.retrieval())[0]
    results = [evaluator.run(variant, default=variant == default) for variant in chosen]
    print(table(results, "dev"))
    print(table(results, "blind"))
    # The committed eval/report.md compares every configuration: a default-only run
    # writes a report only where asked, so that it cannot overwrite that one.
    report_dir = args.report_dir or (Path("eval") if args.all and not args.config else None)
    if report_dir is not None:
        from rag_territoires.evaluation.report import write_report
        from rag_territoires.retrieval.calibration import shipped_calibration

        path = write_report(results, shipped_calibration().record, report_dir)
        print(f"report written: {path}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from rag_territoires.evaluation.crossval import calibrate
    from rag_territoires.retrieval.calibration import CALIBRATION_FILE

    settings = _settings()
    corpus = _corpus(settings)
    tuning, _ = _question_sets(args, corpus)
    calibration, lines = calibrate(corpus, tuning, settings.retrieval(), args.questions)
    print("\n".join(lines))
    target = args.output or CALIBRATION_FILE
    target.write_text(calibration.to_json(), encoding="utf-8")
    print(f"calibration written: {target}")
    return 0


def cmd_grounding(args: argparse.Namespace) -> int:
    from rag_territoires.embedding.encoders import make_encoder
    from rag_territoires.evaluation.grounding import calibrate, report

    encoder = make_encoder("use")
    encoder.warm_up()
    result = calibrate(encoder, args.folder, *([args.output] if args.output else []))
    text = report(result, args.folder)
    if args.output is None:  # the report describes the shipped model, not a trial one
        (args.folder / "grounding.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from rag_territoires.evaluation.feedback import (
        LABELLED_FILE,
        describe,
        label,
        labelled_ids,
        read_feedback,
    )

    settings = _settings()
    rated = read_feedback(settings.data_dir)
    if args.action == "list":
        done = labelled_ids(LABELLED_FILE)
        shown = [r for r in rated if r.to_review and (args.all or r.id not in done)]
        for item in shown:
            print(describe(item, done) + "\n")
        print(
            f"{len(shown)} answer(s) {'' if args.all else 'to label '}"
            "(thumbs down, or a comment without a rating) "
            f"in {settings.data_dir / 'feedback.jsonl'}; label one with "
            "`rag-territoires feedback label ID --gold TEXT` (or --unanswerable)"
        )
        return 0
    from rag_territoires.errors import RagError

    if not args.id or bool(args.gold) == args.unanswerable:
        raise RagError("label needs an ID and either --gold TEXT (repeat) or --unanswerable")
    item = label(rated, args.id, args.gold, _corpus(settings), args.kind)
    print(f"added to {LABELLED_FILE}: {item['id']} ({item['kind']}, {len(item['gold'])} gold)")
    print("run `rag-territoires calibrate` then `make eval` to learn from it and measure")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """A conversation in the terminal: each question is searched with the earlier ones."""
    from rag_territoires.errors import QueryError
    from rag_territoires.retriever import Retriever

    retriever = Retriever(_settings(), show_progress=True)
    retriever.warm_up()
    print(
        "Posez une question sur les notes du séminaire (/nouveau : nouvelle conversation, "
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
            result = retriever.search(question, top_k=args.top_k, history=history)
        except QueryError as error:
            print(f"(question refusée : {error})")
            continue
        _print_result(result)
        history.append(question)


def cmd_bench(args: argparse.Namespace) -> int:
    if args.scale:
        import tempfile

        from rag_territoires.evaluation.scale import run_scale

        sizes = [int(n) for n in args.sizes.split(",")]
        with tempfile.TemporaryDirectory(prefix="rag-scale-") as workdir:
            print(run_scale(sizes, Path(workdir), Path(args.output)))
        return 0
    if args.llm:
        return _bench_llm(args)
    if args.workers:
        from rag_territoires.evaluation.workers import run_workers

        print(run_workers(Path(args.output)))
        return 0
    if args.load:
        from rag_territoires.evaluation.load import run_load

        print(run_load(searches=args.searches, chats=args.chats, clients=args.clients))
        return 0
    from rag_territoires.evaluation.benchmark import run

    print(run(repeats=args.repeats))
    return 0


def _bench_llm(args: argparse.Namespace) -> int:
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.llm_bench import run_llm_bench, write
    from rag_territoires.retriever import Retriever

    settings = _settings()
    if args.llm == "model" and not settings.llm_base_url:
        raise RagError("bench --llm model needs RAG_TERRITOIRES_LLM_BASE_URL (and _LLM_MODEL)")
    retriever = Retriever(settings)
    retriever.warm_up()
    result = run_llm_bench(
        retriever.searcher,
        Path("eval/questions.jsonl"),
        args.llm,
        settings.llm_base_url,
        settings.llm_model,
        limit=args.questions_limit,
        min_share=settings.llm_min_grounded_share,
        timeout=settings.llm_timeout_seconds,
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written: {write(result, Path(args.output))}")
    return 0


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {value!r}")
    return int(value)


def _top_k(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError("must be between 1 and 50")
    return number


def _question_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        metavar="FILE",
        help="tuning questions (repeat; default: eval/questions.jsonl, eval/tuning-staff.jsonl)",
    )
    parser.add_argument(
        "--blind",
        type=Path,
        metavar="FILE",
        help="the blind batch, reported apart, never tuned on (default: eval/blind.jsonl)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag-territoires",
        description="Cited answers from the rural-territories seminar notes.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="read every document of the corpus and say what it holds")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="embed the chunks and write the index")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.set_defaults(func=cmd_build)
    add_corpus_parsers(sub)

    search = sub.add_parser("search", help="find the branches that answer a question")
    search.add_argument("question")
    search.add_argument("--top-k", type=_top_k, default=5, metavar="N", help="passages (1-50)")
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

    serve = sub.add_parser("serve", help="start the HTTP API (FastAPI on uvicorn)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="processes serving the port (default 1; 2 uses both cores of a 2-core machine)",
    )
    serve.set_defaults(func=cmd_serve)

    start = sub.add_parser("start", help="start the API and the chat page together")
    start.add_argument("--api-port", type=int, help="API port (default 8000)")
    start.add_argument("--ui-port", type=int, default=8501, help="chat page port")
    start.set_defaults(func=cmd_start)

    ask = sub.add_parser("ask", help="ask questions in the terminal, with follow-ups")
    ask.add_argument("--top-k", type=_top_k, default=5, metavar="N", help="passages (1-50)")
    ask.set_defaults(func=cmd_ask)

    evaluate = sub.add_parser("eval", help="measure retrieval on the evaluation questions")
    _question_arguments(evaluate)
    evaluate.add_argument("--all", action="store_true", help="compare every configuration")
    evaluate.add_argument(
        "--config",
        metavar="TEXT",
        help='only the configurations whose name contains TEXT (e.g. "bm25 alone")',
    )
    evaluate.add_argument(
        "--report-dir",
        type=Path,
        metavar="DIR",
        help="write report.md and report.png there (default with --all: eval/)",
    )
    evaluate.set_defaults(func=cmd_eval)

    calibrate = sub.add_parser(
        "calibrate",
        help="choose retrieval parameters and fit abstention by cross-validation",
    )
    _question_arguments(calibrate)
    calibrate.add_argument(
        "--output", type=Path, metavar="FILE", help="default: the package's calibration.json"
    )
    calibrate.set_defaults(func=cmd_calibrate)

    grounding = sub.add_parser(
        "calibrate-grounding",
        help="fit the check of a language model's sentences on the labelled set, and report",
    )
    grounding.add_argument(
        "--folder", type=Path, default=Path("eval"), help="where grounding*.jsonl are (eval)"
    )
    grounding.add_argument(
        "--output", type=Path, metavar="FILE", help="default: the package's grounding.json"
    )
    grounding.set_defaults(func=cmd_grounding)

    feedback = sub.add_parser(
        "feedback", help="list thumbs-down answers; label one as an evaluation question"
    )
    feedback.add_argument("action", choices=["list", "label"])
    feedback.add_argument("id", nargs="?", help="the feedback id to label")
    feedback.add_argument(
        "--gold",
        action="append",
        default=[],
        metavar="TEXT",
        help="text of a node that answers the question (repeat for several)",
    )
    feedback.add_argument("--unanswerable", action="store_true", help="the notes do not answer it")
    feedback.add_argument(
        "--kind",
        choices=["lookup", "paraphrase", "synthesis", "crosslingual"],
        help="default: crosslingual for English, paraphrase otherwise",
    )
    feedback.add_argument("--all", action="store_true", help="list labelled ones too")
    feedback.set_defaults(func=cmd_feedback)

    bench = sub.add_parser("bench", help="measure search latency and throughput over HTTP")
    bench.add_argument("--repeats", type=int, default=300, help="requests per measurement")
    bench.add_argument(
        "--load",
        action="store_true",
        help="the long run instead: many clients, a misbehaving language model, probes, memory",
    )
    bench.add_argument(
        "--scale",
        action="store_true",
        help="synthetic mind maps of growing size: build, disk, memory, search time, HNSW",
    )
    bench.add_argument(
        "--llm",
        choices=("model", "adversarial", "mixed"),
        help="the grounding check over the evaluation questions: with the configured language "
        "model (RAG_TERRITOIRES_LLM_*), or a built-in adversarial one",
    )
    bench.add_argument(
        "--workers",
        action="store_true",
        help="throughput of `serve --workers 1` and `--workers 2` at 16 clients, with wrk",
    )
    bench.add_argument(
        "--questions-limit", type=_positive, default=60, help="with --llm: questions asked"
    )
    bench.add_argument(
        "--sizes", default="1200,12000,120000", help="with --scale: node counts, comma-separated"
    )
    bench.add_argument("--output", default="bench", help="with --scale, --llm: where results go")
    bench.add_argument("--searches", type=_positive, default=10_000, help="with --load")
    bench.add_argument("--chats", type=_positive, default=2_000, help="with --load")
    bench.add_argument("--clients", type=_positive, default=16, help="with --load")
    bench.set_defaults(func=cmd_bench)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    logging.basicConfig(format="rag-territoires: %(message)s", level=logging.WARNING)
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from rag_territoires.errors import RagError

    try:
        return func(args)
    except RagError as error:
        print(f"rag-territoires: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except ModuleNotFoundError as error:  # an optional extra is not installed
        from rag_territoires.errors import MissingExtra

        print(f"rag-territoires: error: {MissingExtra.message(error.name or '?')}", file=sys.stderr)
        return EXIT_ERROR
    except SettingsError as error:  # a RAG_TERRITOIRES_* variable is not valid JSON
        field = str(error).split('"')[1] if '"' in str(error) else "?"
        print(
            f"rag-territoires: error: bad setting: RAG_TERRITOIRES_{field.upper()} must be "
            "JSON (e.g. '[\"a-long-random-key-1\"]' for a list)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except ValidationError as error:  # a RAG_TERRITOIRES_* variable has a bad value
        problems = "; ".join(
            f"RAG_TERRITOIRES_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
            for e in error.errors()
        )
        print(f"rag-territoires: error: bad setting: {problems}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("rag-territoires: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
