from pathlib import Path

import pytest

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.readers.files import read_text
from rag_territoires.corpus.readers.text_export import parse_export
from rag_territoires.errors import CorpusError, SourceFileError
from tests.conftest import CORPUS, EXPORT, OUTLINE
from tests.helpers import edit

pytestmark = pytest.mark.unit


def test_every_export_node_appears_once_in_the_outline_with_its_text_and_lines():
    outline = Corpus.load(CORPUS)
    exported = [(n.text, n.line_start, n.line_end) for n in parse_export(EXPORT)]
    outlined = [(n.text, n.line_start, n.line_end) for n in outline.nodes()]
    assert sorted(outlined) == sorted(exported)
    raw = read_text(EXPORT).split("\n")
    for node in outline.nodes():  # the span holds the node's own lines, and only them
        span = "".join(line for line in raw[node.line_start - 1 : node.line_end] if line.strip())
        assert span.rstrip() == node.text


def test_the_outline_has_the_seminar_sections():
    outline = Corpus.load(CORPUS)
    assert [root.text for root in outline.documents[0].roots] == [
        "Ateliers",
        "Ressources",
        "Pour s'inspirer",
        "Livre Atterrir de Bruno Latour",
        "Quelques questionnements",
        "Construction du récit",
        "Contexte",
        "Enjeux et pistes de travail pour les territoires ruraux",
    ]
    principles = next(n for n in outline.nodes() if n.text == "3 principes à appliquer")
    assert [c.text for c in principles.children][:3] == [
        "Posture d'anticipation et de construction",
        "Coopération et construction collective",
        "Approches systémiques et territorialisation",
    ]
    assert principles.path[0] == "Enjeux et pistes de travail pour les territoires ruraux"


def load(corpus_dir: Path):
    return Corpus.load(corpus_dir)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\n  - Ressources financières", "\n   - Ressources financières", "not a multiple of 2"),
        ("\n  - Ressources financières", "\n\t- Ressources financières", "tabs"),
        ("\n  - Ressources financières", "\n      - Ressources financières", "more than one level"),
        ("\n    - Brie'nov living lab", "\n    Brie'nov living lab", "expected a list item"),
        ("- Brie'nov living lab", "- Brie'nov living-lab", "node not found in"),
        ("- Essaimage\n", "- Essaimage\n      - Essaimage\n", "duplicate node"),
    ],
)
def test_a_malformed_outline_names_the_file_and_line(corpus_dir, old, new, message):
    edit(corpus_dir / OUTLINE.name, old, new)
    with pytest.raises(SourceFileError, match=message) as caught:
        load(corpus_dir)
    assert f"{OUTLINE.name}:" in str(caught.value)
    line = caught.value.location
    edited = (corpus_dir / OUTLINE.name).read_text(encoding="utf-8").split("\n")[line - 1]
    assert new.strip().split("\n")[-1].strip() in edited


def test_an_outline_missing_a_node_says_which(corpus_dir):
    edit(corpus_dir / OUTLINE.name, "    - Brie'nov living lab\n", "")
    with pytest.raises(CorpusError, match=r"missing from the outline.*line 98.*Brie'nov"):
        load(corpus_dir)


def test_moving_a_node_by_hand_is_picked_up(corpus_dir):
    edit(corpus_dir / OUTLINE.name, "\n      - Sortir du cadre", "\n    - Sortir du cadre")
    node = next(n for n in load(corpus_dir).nodes() if n.text == "Sortir du cadre")
    assert node.parent.text == "3 principes à appliquer"
