"""What the subcommands share: settings, the corpus, argument types, exit codes."""

from __future__ import annotations

import argparse

EXIT_ERROR = 1


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
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError("must be between 1 and 50")
    return number
