"""The ``rag-territoires`` command. Each module of this package holds a group of
subcommands; heavy modules are imported inside each subcommand, so that ``--help``
answers at once."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable

from rag_territoires.cli import bench, corpus, evaluation, notes, serve
from rag_territoires.cli.common import EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag-territoires",
        description="Cited answers from mind-map notes: a seminar on rural territories, "
        "and every map staff add.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (notes, corpus, serve, evaluation, bench):
        group.add_parsers(sub)
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
    except BrokenPipeError:  # the reader went away (`... | head`): nothing left to say
        # Python flushes stdout again on exit: into /dev/null, not into the closed pipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
