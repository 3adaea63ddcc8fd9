"""Questions about any corpus of maps, as a writer who never saw the code gives them.

The seminar's question files name their gold nodes by id. A writer who only sees a map
cannot: each item's ``gold`` is then a list of exact texts copied from the nodes that
answer (a title, part of one, or part of its note), and each is found here in the one
node that holds it. A question file ``X.questions.jsonl`` sits beside its map ``X.*``;
its gold is looked for in that map first, then in the whole corpus.

Every question keeps its map's id as its ``source``, so that what is learned can be
measured on a map it never saw (leave one map out, ``evaluation/transfer.py``), and an
intranet team can measure its own maps: ``rag-territoires eval --corpus DIR --questions
FILE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rag_territoires.corpus.corpus import Corpus, read_document
from rag_territoires.corpus.model import Node, document_id, fold_note
from rag_territoires.corpus.readers import is_companion, reader_for
from rag_territoires.errors import CorpusError, RagError, SourceFileError
from rag_territoires.evaluation.questions import Gold, Question, read_items

QUESTIONS_SUFFIX = ".questions.jsonl"


def map_files(folder: Path) -> list[Path]:
    """The maps below ``folder`` (subfolders included), in path order."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or is_companion(path):
            continue
        try:
            reader_for(path)
        except SourceFileError:  # a question file, a README
            continue
        found.append(path)
    return found


def corpus_of(folders: Iterable[Path], max_chars: int) -> Corpus:
    """One corpus of every map in ``folders`` (the product's corpus folder, test maps...)."""
    files = [path for folder in folders for path in map_files(folder)]
    if not files:
        raise CorpusError("no map in " + ", ".join(map(str, folders)))
    return Corpus([read_document(path) for path in files], max_chars)


def question_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob(f"*{QUESTIONS_SUFFIX}"))


def find_gold(snippet: str, corpus: Corpus, preferred: str | None) -> Node:
    """The one node whose text holds ``snippet`` (white space folded), looked for in the
    ``preferred`` document first; ``RagError`` when none or several do."""
    wanted = fold_note(snippet)
    nodes = list(corpus.nodes())
    scopes = [[n for n in nodes if n.id.startswith(f"{preferred}:")]] if preferred else []
    for scope in [*scopes, nodes]:
        holding = [n for n in scope if wanted in fold_note(n.text)]
        exact = [n for n in holding if fold_note(n.text) == wanted]
        if len(exact) == 1 or len(holding) == 1:
            return (exact or holding)[0]
        if holding:
            raise RagError(f"{snippet!r} is in {len(holding)} nodes: quote more of one")
    raise RagError(f"{snippet!r} is in no node")


def load_map_questions(path: Path, corpus: Corpus) -> list[Question]:
    """A question file in either form (gold by id, or by text), its gold checked."""
    stem = path.name.removesuffix(QUESTIONS_SUFFIX)
    preferred = document_id(Path(stem)) if path.name.endswith(QUESTIONS_SUFFIX) else None

    def gold(entry: str | dict) -> Gold:
        if isinstance(entry, str):
            return Gold(find_gold(entry, corpus, preferred).id, entry)
        return Gold(entry["node"], entry["snippet"])

    return read_items(path, preferred or path.stem, gold)


def load_all(paths: Sequence[Path], corpus: Corpus) -> list[Question]:
    return [q for path in paths for q in load_map_questions(path, corpus)]
