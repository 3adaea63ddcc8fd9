"""Measuring: eval, calibrate, calibrate-grounding and feedback.

Their data is the evaluation folder (``--eval-dir``, by default the checkout's eval/,
wherever the command runs from), and what ``calibrate`` fits is written to ``--output``,
by default the checkout's shipped file, never an installed package's (``checkout.py``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag_territoires.cli import checkout
from rag_territoires.cli.common import load_corpus, settings_now


def _in_eval_dir(args: argparse.Namespace, path: Path) -> Path:
    """A file named as in a checkout (``eval/...``), in the evaluation folder."""
    return args.eval_dir / path.relative_to("eval")


def _resolve_eval_dir(args: argparse.Namespace, needed: bool) -> None:
    """``args.eval_dir`` checked, or the checkout's eval/ when the command needs one: before
    any work, so that a missing folder is one clear line, not a failure minutes later."""
    if needed or args.eval_dir is not None:
        args.eval_dir = checkout.eval_dir(args.eval_dir)


def _question_sets(args: argparse.Namespace, corpus):
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.feedback import LABELLED_FILE
    from rag_territoires.evaluation.questions import BLIND_FILE, TUNING_FILES, load_sets, problems

    if args.questions is None:
        labelled = _in_eval_dir(args, LABELLED_FILE)
        extra = [labelled] if labelled.is_file() else []
        args.questions = [*(_in_eval_dir(args, f) for f in TUNING_FILES), *extra]
    args.blind = args.blind or _in_eval_dir(args, BLIND_FILE)
    tuning, blind = load_sets(args.questions, args.blind)
    for path, questions in [(", ".join(map(str, args.questions)), tuning), (args.blind, blind)]:
        wrong = problems(questions, corpus)
        if wrong:
            raise RagError(f"{path} needs updating:\n  " + "\n  ".join(wrong))
    return tuning, blind


def _eval_dir(parser: argparse.ArgumentParser, *aliases: str) -> None:
    parser.add_argument(
        "--eval-dir",
        *aliases,
        type=Path,
        metavar="DIR",
        help="the evaluation folder (default: the eval/ folder of the checkout this runs from)",
    )


def _output(parser: argparse.ArgumentParser, shipped: str) -> None:
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help=f"default: the checkout's {shipped} (required in an install that is no checkout)",
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
        help="the blind batch, reported apart, never tuned on (default: EVAL_DIR/blind-3.jsonl)",
    )


def cmd_eval(args: argparse.Namespace) -> int:
    from rag_territoires.errors import RagError
    from rag_territoires.evaluation.runner import Evaluator, table
    from rag_territoires.evaluation.variants import variants

    defaults = args.questions is None or args.blind is None
    report = args.all and not args.config and args.report_dir is None
    _resolve_eval_dir(args, not args.corpus and (args.maps or defaults or report))
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
    report_dir = args.report_dir or (args.eval_dir if report else None)
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
    seminar = [_in_eval_dir(args, f) for f in TUNING_FILES]
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
        args.report_dir.mkdir(parents=True, exist_ok=True)  # a new folder, as eval --all's
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
    from rag_territoires.retrieval.calibration import shipped_calibration

    tuning, _ = _maps_setups(args, settings, blind=False)
    calibration, lines = calibrate_maps(
        tuning, settings.retrieval(), shipped_calibration(), e5=args.e5
    )
    print("\n".join(lines))
    target = args.output
    calibration.save(target)
    print(f"calibration written: {target}")
    return 0


def _calibrate_followup(args: argparse.Namespace, settings) -> int:
    from rag_territoires.evaluation import conversations
    from rag_territoires.retrieval.calibration import shipped_calibration

    tuning, _ = _maps_setups(args, settings, blind=False)
    turns = conversations.load_all(args.eval_dir / "conversations", tuning.corpus)
    dependence, record = conversations.calibrate_followup(
        tuning.corpus, turns, tuning.questions, settings.retrieval(), shipped_calibration()
    )
    print(json.dumps(record, indent=1, ensure_ascii=False))
    target = args.output
    conversations.save(dependence, record, target)
    print(f"dependence model written: {target}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from rag_territoires.evaluation.crossval import calibrate
    from rag_territoires.retrieval.calibration import CALIBRATION_FILE
    from rag_territoires.retrieval.followup import MODEL_FILE

    shipped = MODEL_FILE if args.followup else CALIBRATION_FILE
    args.output = checkout.output(args.output, shipped, "calibrate")
    defaults = args.questions is None or args.blind is None
    _resolve_eval_dir(args, args.maps or args.followup or defaults)
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
    # the record names the files as in a checkout (eval/...), the same on every machine
    named = [Path(checkout.shown(path)) for path in args.questions]
    calibration, lines = calibrate(corpus, tuning, settings.retrieval(), named)
    print("\n".join(lines))
    target = args.output
    calibration.save(target)
    print(f"calibration written: {target}")
    return 0


def cmd_grounding(args: argparse.Namespace) -> int:
    from rag_territoires.answer.grounding import MODEL_FILE
    from rag_territoires.embedding.encoders import make_encoder
    from rag_territoires.evaluation.grounding import calibrate, report

    trial = args.output is not None
    args.output = checkout.output(args.output, MODEL_FILE, "calibrate-grounding")
    _resolve_eval_dir(args, True)
    encoder = make_encoder("use")
    encoder.warm_up()
    result = calibrate(encoder, args.eval_dir, args.output)
    text = report(result, args.eval_dir)
    if not trial:  # the report describes the shipped model, not a trial one
        (args.eval_dir / "grounding.md").write_text(text, encoding="utf-8")
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
    # `list` works on a server's plain install (no evaluation folder: nothing labelled yet);
    # `label` writes into the evaluation folder, so it needs one
    _resolve_eval_dir(args, args.action == "label" or checkout.root() is not None)
    labelled = _in_eval_dir(args, LABELLED_FILE) if args.eval_dir is not None else None
    if args.action == "list":
        done = labelled_ids(labelled) if labelled is not None else set()
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
    assert labelled is not None  # resolved above for `label`
    item = label(rated, args.id, args.gold, load_corpus(settings), args.kind, labelled)
    print(f"added to {labelled}: {item['id']} ({item['kind']}, {len(item['gold'])} gold)")
    print("run `rag-territoires calibrate` then `make eval` to learn from it and measure")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    # in this order: the order `rag-territoires --help` lists them in
    _eval_parser(sub)
    _calibrate_parser(sub)
    _grounding_parser(sub)
    _feedback_parser(sub)


def _eval_parser(sub: argparse._SubParsersAction) -> None:
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
        help="write report.md and report.png there (default with --all: EVAL_DIR)",
    )
    evaluate.set_defaults(func=cmd_eval)


def _calibrate_parser(sub: argparse._SubParsersAction) -> None:
    calibrate = sub.add_parser(
        "calibrate",
        help="choose retrieval parameters and fit abstention by cross-validation",
    )
    _question_arguments(calibrate)
    _output(calibrate, "src/rag_territoires/retrieval/calibration.json (followup.json)")
    calibrate.add_argument(
        "--maps",
        action="store_true",
        help="add to the shipped calibration what judges the maps staff add, chosen by "
        "leaving one tuning map of EVAL_DIR/maps out",
    )
    calibrate.add_argument(
        "--e5",
        action="store_true",
        help="with --maps: also choose the weight and the gate of the added maps' e5 re-ranking "
        "(RAG_TERRITOIRES_RERANK_ADDED_MAPS, on by default)",
    )
    calibrate.add_argument(
        "--followup",
        action="store_true",
        help="learn when a question depends on its conversation, from the conversations of "
        "EVAL_DIR/conversations (cross-validated over whole conversations)",
    )
    _eval_dir(calibrate)
    calibrate.set_defaults(func=cmd_calibrate)


def _grounding_parser(sub: argparse._SubParsersAction) -> None:
    grounding = sub.add_parser(
        "calibrate-grounding",
        help="fit the check of a language model's sentences on the labelled set, and report",
    )
    _eval_dir(grounding, "--folder")  # where grounding*.jsonl are; --folder: its old name
    _output(grounding, "src/rag_territoires/answer/grounding.json")
    grounding.set_defaults(func=cmd_grounding)


def _feedback_parser(sub: argparse._SubParsersAction) -> None:
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
    _eval_dir(feedback)  # label writes EVAL_DIR/from-feedback.jsonl
    feedback.set_defaults(func=cmd_feedback)
