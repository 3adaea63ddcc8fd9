import pytest

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.chunks import DEFAULT_MAX_CHARS
from rag_territoires.corpus.corpus import Corpus
from tests.conftest import CORPUS, OUTLINE
from tests.helpers import edit

pytestmark = pytest.mark.unit


def test_every_node_lies_in_exactly_one_chunk():
    outline = Corpus.load(CORPUS)
    chunks = outline.chunks
    in_chunks = [span.id for chunk in chunks for span in chunk.nodes]
    assert sorted(in_chunks) == sorted(node.id for node in outline.nodes())


def test_chunks_are_branches_within_the_budget():
    outline = Corpus.load(CORPUS)
    nodes = outline.by_id()
    for chunk in outline.chunks:
        top = nodes[chunk.id]
        assert chunk.branch == top.path
        assert chunk.nodes[0].id == top.id
        # a whole branch, or a large branch's own node alone
        whole = [n.id for n in top.walk()]
        assert [s.id for s in chunk.nodes] in (whole, [top.id])
        if len(chunk.nodes) > 1:
            assert len(chunk.text) - len(chunk.nodes) + 1 <= DEFAULT_MAX_CHARS


def test_chunk_text_has_no_breadcrumb_and_its_source_covers_its_nodes():
    outline = Corpus.load(CORPUS)
    chunk = next(c for c in outline.chunks if c.branch[-1] == "Tiers-lieux")
    assert chunk.text.split("\n") == [
        "Tiers-lieux",
        "Volonté de contribuer à des logiques de développement territorial et coopération",
        "Coopérative tiers-lieu(x) (Nvelle Aquitaine)",
        "Brie'nov living lab",
        "Ubo open factory (nom ?)",
    ]
    assert chunk.branch == ("Pour s'inspirer", "Tiers-lieux")
    assert (chunk.line_start, chunk.line_end) == (84, 100)
    assert chunk.embedding_text.startswith("Pour s'inspirer\n")


def test_chunk_ids_survive_edits_elsewhere_in_the_outline(corpus_dir):
    before = {c.branch: c.id for c in Corpus.load(corpus_dir).chunks}
    # move a node of another section, deep in "Enjeux et pistes..."
    edit(corpus_dir / OUTLINE.name, "\n      - Sortir du cadre", "\n    - Sortir du cadre")
    after = {c.branch: c.id for c in Corpus.load(corpus_dir).chunks}
    for branch, chunk_id in before.items():
        if branch[0] != "Enjeux et pistes de travail pour les territoires ruraux":
            assert after[branch] == chunk_id
    assert len(set(after.values())) == len(after)


def test_the_settings_default_budget_is_the_chunkers():
    assert RetrievalConfig().chunk_max_chars == DEFAULT_MAX_CHARS
