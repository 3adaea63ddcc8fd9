"""What the subcommands share: settings, the corpus, argument types, exit codes."""

from __future__ import annotations

import argparse

EXIT_ERROR = 1
# config's MIN_TOP_K-MAX_TOP_K, written out: importing the settings (pydantic) would double
# the time --help takes (tests/test_lookups.py checks that they agree)
TOP_K_HELP = "passages (1-50)"


def settings_now():
    from rag_territoires.config import Settings

    return Settings()


def load_corpus(settings):
    from rag_territoires.corpus.corpus import Corpus

    return Corpus.load(settings.corpus_dir, settings.chunk_max_chars)


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {value!r}")
    return int(value)


def top_k(value: str) -> int:
    from rag_territoires.config import MAX_TOP_K, MIN_TOP_K

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not MIN_TOP_K <= number <= MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"must be between {MIN_TOP_K} and {MAX_TOP_K}")
    return number
