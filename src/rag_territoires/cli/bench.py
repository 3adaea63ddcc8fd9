"""Measuring speed and behaviour under load: ``bench``. The measurements live in the
checkout's ``benchmarks/`` package, not in the installed one (``cli/checkout.py``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag_territoires.cli import checkout
from rag_territoires.cli.common import positive, settings_now


def _output(args: argparse.Namespace, benchmarks) -> Path:
    """--output, else the checkout's bench/ (where docs/performance.md's figures are)."""
    return args.output if args.output is not None else benchmarks.ROOT / "bench"


def cmd_bench(args: argparse.Namespace) -> int:
    benchmarks = checkout.benchmark()  # first: from a plain install, one clear line
    if args.scale:
        import tempfile

        scale = checkout.benchmark("scale")
        sizes = [int(n) for n in args.sizes.split(",")]
        with tempfile.TemporaryDirectory(prefix="rag-scale-") as workdir:
            print(scale.run_scale(sizes, Path(workdir), _output(args, benchmarks)))
        return 0
    if args.llm:
        return _bench_llm(args, benchmarks)
    if args.workers:
        print(checkout.benchmark("workers").run_workers(_output(args, benchmarks)))
        return 0
    if args.page:
        page = checkout.benchmark("page")
        print(page.run(repeats=args.repeats or 5, turns=args.turns, api_url=args.api_url))
        return 0
    if args.load:
        load = checkout.benchmark("load")
        print(load.run_load(searches=args.searches, chats=args.chats, clients=args.clients))
        return 0
    print(checkout.benchmark("speed").run(repeats=args.repeats or 300))
    return 0


def _bench_llm(args: argparse.Namespace, benchmarks) -> int:
    from rag_territoires.engine import Engine
    from rag_territoires.errors import RagError

    llm = checkout.benchmark("llm")
    settings = settings_now()
    if args.llm == "model" and not settings.llm_base_url:
        raise RagError("bench --llm model needs RAG_TERRITOIRES_LLM_BASE_URL (and _LLM_MODEL)")
    engine = Engine(settings)
    engine.warm_up()
    result = llm.run_llm_bench(
        engine.searcher,
        benchmarks.ROOT / "eval" / "questions.jsonl",
        args.llm,
        settings.llm_base_url,
        settings.llm_model,
        limit=args.questions_limit,
        min_share=settings.llm_min_grounded_share,
        timeout=settings.llm_timeout_seconds,
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written: {llm.write(result, _output(args, benchmarks))}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
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
    bench.add_argument(
        "--output",
        type=Path,
        help="with --scale, --workers, --llm: where results go (default: the checkout's bench/)",
    )
    bench.add_argument("--searches", type=positive, default=10_000, help="with --load")
    bench.add_argument("--chats", type=positive, default=2_000, help="with --load")
    bench.add_argument("--clients", type=positive, default=16, help="with --load")
    bench.set_defaults(func=cmd_bench)
