"""Measuring: eval, calibrate, calibrate-grounding, feedback and bench."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag_territoires.cli.common import load_corpus, positive, settings_now


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


def _eval_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--eval-dir", type=Path, default=Path("eval"), help="the evaluation folder (eval)"
    )


def _question_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        metavar="FILE",
        help="tuning questions (repeat; default: evaluation/questions.py's TUNING_FILES)",
    )
    parser.add_argument(
        "--blind",
        type=Path,
        metavar="FILE",
        help="the blind batch, reported apart, never tuned on (default: eval/blind-3.jsonl)",
    )


def cmd_eval(args: argparse.Namespace) -> int:
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.runner import Evaluator, table
    from rag_territoires.evaluation.variants import variants

    settings = settings_now()
    if args.corpus:
        return _eval_corpus(args, settings)
    if args.maps:
        return _eval_maps(args, settings)
    corpus = load_corpus(settings)
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
        from rag_territoires.retrieval.followup import shipped_record

        record = shipped_calibration().record
        path = write_report(results, record, report_dir, shipped_record())
        print(f"report written: {path}")
    return 0


def _eval_corpus(args: argparse.Namespace, settings) -> int:
    """Any corpus, any questions (gold by node id or by exact text): the shipped search and
    abstention measured as they are, per question file and per kind."""
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.mapsets import corpus_of, load_all
    from rag_territoires.evaluation.transfer import Transfer, by_kind, table
    from rag_territoires.retrieval.calibration import shipped_calibration

    if not args.questions:
        raise RagError("--corpus needs --questions FILE (repeat for several)")
    corpus = corpus_of(args.corpus, settings.chunk_max_chars)
    questions = load_all(args.questions, corpus)
    maps = {document.id for document in corpus.documents}
    calibration = shipped_calibration()
    transfer = Transfer(corpus, questions, settings.retrieval(), calibration, maps)
    results = transfer.judge(calibration, questions)
    print(f"{len(corpus.documents)} maps, {len(questions)} questions")
    print(table(results))
    print(table(by_kind(results)))
    return 0


def _maps_setups(args: argparse.Namespace, settings, blind: bool):
    from rag_territoires.evaluation.mapcalibration import setup
    from rag_territoires.evaluation.questions import TUNING_FILES

    tuning_dir = args.eval_dir / "maps" / "tuning"
    seminar = [args.eval_dir / f.relative_to("eval") for f in TUNING_FILES]
    tuning = setup(
        settings.corpus_dir, [tuning_dir], [tuning_dir], seminar, settings.chunk_max_chars
    )
    if not blind:
        return tuning, None
    blind_dir = args.eval_dir / "maps" / "blind"
    folders = [tuning_dir, blind_dir]
    return tuning, setup(settings.corpus_dir, folders, [blind_dir], [], settings.chunk_max_chars)


def _eval_maps(args: argparse.Namespace, settings) -> int:
    """The tuning maps held out one at a time, and the blind maps: per map and per kind."""
    from rag_territoires.evaluation.mapcalibration import evaluate_maps
    from rag_territoires.retrieval.calibration import shipped_calibration

    tuning, blind = _maps_setups(args, settings, blind=True)
    lines = evaluate_maps(tuning, blind, settings.retrieval(), shipped_calibration())
    print("\n".join(lines))
    if args.report_dir is not None:
        path = args.report_dir / "maps-report.md"
        path.write_text(
            "# Maps staff add: leave-one-map-out and blind figures\n\n```\n"
            + "\n".join(lines)
            + "\n```\n",
            encoding="utf-8",
        )
        print(f"report written: {path}")
    return 0


def _calibrate_maps(args: argparse.Namespace, settings) -> int:
    from rag_territoires.evaluation.mapcalibration import calibrate_maps
    from rag_territoires.retrieval.calibration import CALIBRATION_FILE, shipped_calibration

    tuning, _ = _maps_setups(args, settings, blind=False)
    calibration, lines = calibrate_maps(
        tuning, settings.retrieval(), shipped_calibration(), e5=args.e5
    )
    print("\n".join(lines))
    target = args.output or CALIBRATION_FILE
    calibration.save(target)
    print(f"calibration written: {target}")
    return 0


def _calibrate_followup(args: argparse.Namespace, settings) -> int:
    from rag_territoires.evaluation import conversations
    from rag_territoires.retrieval.calibration import shipped_calibration
    from rag_territoires.retrieval.followup import MODEL_FILE

    tuning, _ = _maps_setups(args, settings, blind=False)
    turns = conversations.load_all(args.eval_dir / "conversations", tuning.corpus)
    dependence, record = conversations.calibrate_followup(
        tuning.corpus, turns, tuning.questions, settings.retrieval(), shipped_calibration()
    )
    print(json.dumps(record, indent=1, ensure_ascii=False))
    target = args.output or MODEL_FILE
    conversations.save(dependence, record, target)
    print(f"dependence model written: {target}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from rag_territoires.evaluation.crossval import calibrate
    from rag_territoires.retrieval.calibration import CALIBRATION_FILE

    settings = settings_now()
    if args.e5 and not args.maps:
        print("rag-territoires: error: --e5 goes with --maps (the e5 weight is the added maps')",
              file=sys.stderr)
        return 2
    if args.maps:
        return _calibrate_maps(args, settings)
    if args.followup:
        return _calibrate_followup(args, settings)
    corpus = load_corpus(settings)
    tuning, _ = _question_sets(args, corpus)
    calibration, lines = calibrate(corpus, tuning, settings.retrieval(), args.questions)
    print("\n".join(lines))
    target = args.output or CALIBRATION_FILE
    calibration.save(target)
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

    settings = settings_now()
    feedback = read_feedback(settings.data_dir)
    if feedback.skipped:  # loudly, but the readable records are still listed
        print(
            f"rag-territoires: warning: {len(feedback.skipped)} line(s) of feedback skipped, "
            "not a whole record (torn by a full disk or a crash?): "
            + "; ".join(str(line) for line in feedback.skipped[:5])
            + ("; ..." if len(feedback.skipped) > 5 else ""),
            file=sys.stderr,
        )
    rated = feedback.rated
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
    item = label(rated, args.id, args.gold, load_corpus(settings), args.kind)
    print(f"added to {LABELLED_FILE}: {item['id']} ({item['kind']}, {len(item['gold'])} gold)")
    print("run `rag-territoires calibrate` then `make eval` to learn from it and measure")
    return 0


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
    if args.page:
        from rag_territoires.evaluation.page_bench import run as run_page

        print(run_page(repeats=args.repeats or 5, turns=args.turns, api_url=args.api_url))
        return 0
    if args.load:
        from rag_territoires.evaluation.load import run_load

        print(run_load(searches=args.searches, chats=args.chats, clients=args.clients))
        return 0
    from rag_territoires.evaluation.benchmark import run

    print(run(repeats=args.repeats or 300))
    return 0


def _bench_llm(args: argparse.Namespace) -> int:
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.llm_bench import run_llm_bench, write
    from rag_territoires.retriever import Retriever

    settings = settings_now()
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


def add_parsers(sub: argparse._SubParsersAction) -> None:
    evaluate = sub.add_parser("eval", help="measure retrieval on the evaluation questions")
    _question_arguments(evaluate)
    evaluate.add_argument(
        "--corpus",
        type=Path,
        action="append",
        metavar="DIR",
        help="measure on the maps in DIR instead (repeat; subfolders included), with --questions",
    )
    evaluate.add_argument(
        "--maps",
        action="store_true",
        help="the maps staff add: each tuning map of EVAL_DIR/maps held out, then the blind maps",
    )
    _eval_dir(evaluate)
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
    calibrate.add_argument(
        "--maps",
        action="store_true",
        help="add to the shipped calibration what judges the maps staff add, chosen by "
        "leaving one tuning map of EVAL_DIR/maps out",
    )
    calibrate.add_argument(
        "--e5",
        action="store_true",
        help="with --maps: also choose the weight of the added maps' e5 re-ranking "
        "(RAG_TERRITOIRES_RERANK_ADDED_MAPS; needs the [e5] extra)",
    )
    calibrate.add_argument(
        "--followup",
        action="store_true",
        help="learn when a question depends on its conversation, from the conversations of "
        "EVAL_DIR/conversations (cross-validated over whole conversations)",
    )
    _eval_dir(calibrate)
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
    bench.add_argument(
        "--repeats",
        type=positive,
        help="requests per measurement (default 300); with --page: conversations (default 5)",
    )
    bench.add_argument(
        "--page",
        action="store_true",
        help="the chat page in headless Chromium: Enter to first text and to complete answer",
    )
    bench.add_argument("--turns", type=positive, default=20, help="with --page: questions asked")
    bench.add_argument(
        "--api-url", help="with --page: an API already serving (default: one started here)"
    )
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
        "--questions-limit", type=positive, default=60, help="with --llm: questions asked"
    )
    bench.add_argument(
        "--sizes", default="1200,12000,120000", help="with --scale: node counts, comma-separated"
    )
    bench.add_argument("--output", default="bench", help="with --scale, --llm: where results go")
    bench.add_argument("--searches", type=positive, default=10_000, help="with --load")
    bench.add_argument("--chats", type=positive, default=2_000, help="with --load")
    bench.add_argument("--clients", type=positive, default=16, help="with --load")
    bench.set_defaults(func=cmd_bench)
