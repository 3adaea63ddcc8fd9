"""The corpus layer: several maps, ids that name their document, lookups, the filter,
and `add` / `remove` / `documents` with an incremental, atomic index update."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks import synthetic_maps
from benchmarks.synthetic_maps import vocabulary, write_maps
from rag_territoires.config import Settings
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.engine import Engine
from rag_territoires.errors import CorpusError, UnknownDocument
from tests.conftest import CORPUS, EXPORT, OUTLINE
from tests.helpers import corpus_env, run, second_map

pytestmark = pytest.mark.integration

SEMINAR = "seminaire-territoires-ruraux-carte-mentale"


@pytest.fixture
def two_maps(corpus_dir: Path) -> Path:
    second_map(corpus_dir)
    return corpus_dir


def test_a_large_synthetic_corpus_is_written_as_several_maps(tmp_path, monkeypatch):
    # `bench --scale` at 250k nodes: one map would be over the readers' size limit
    monkeypatch.setattr(synthetic_maps, "NODES_PER_MAP", 100)
    write_maps(tmp_path / "notes", 250, 5, vocabulary(CORPUS))
    corpus = Corpus.load(tmp_path / "notes")
    assert [d.file for d in corpus.documents] == ["notes-1.txt", "notes-2.txt", "notes-3.txt"]
    assert [d.node_count for d in corpus.documents] == [84, 83, 83]


def test_node_ids_name_their_document_and_lookups_find_them(two_maps):
    corpus = Corpus.load(two_maps)
    assert [d.file for d in corpus.documents] == ["forum-2027.txt", EXPORT.name]
    assert corpus.document("forum-2027").title == "Forum 2027"
    for document in corpus.documents:
        for node in document.nodes():
            assert node.id.startswith(document.id + ":")
            assert corpus.node(node.id) is node
            assert node.id in {span.id for span in corpus.chunk_of_node(node.id).nodes}
    assert corpus.tree(EXPORT.name)[0].text == "Ateliers"
    assert corpus.lines(EXPORT.name, 84, 84) == ["Tiers-lieux"]
    with pytest.raises(ValueError, match="outside the document"):
        corpus.lines(EXPORT.name, 1, 10**6)
    with pytest.raises(UnknownDocument):
        corpus.document("nope.txt")


def test_the_same_document_twice_is_refused(corpus_dir):
    seminar = Corpus.load(corpus_dir).documents[0]
    with pytest.raises(CorpusError, match="are the same document"):
        Corpus([seminar, seminar])
    (corpus_dir / "alone.txt").write_text("Ateliers\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"alone\.txt:0: no outline beside it"):
        Corpus.load(corpus_dir)


def test_search_within_some_documents(tmp_path, engine):
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus_dir)
    second_map(corpus_dir)
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index")
    both = Engine(settings, encoders=engine.encoders)
    both.warm_up()
    searcher = both.searcher
    everywhere = searcher.search("tiers-lieux coopération", top_k=10)
    assert {p.source.document for p in everywhere.passages} >= {EXPORT.name}
    only = searcher.search("tiers-lieux coopération", top_k=10, documents=["forum-2027"])
    assert {p.source.document for p in only.passages} == {"forum-2027.txt"}
    assert all(p.id.startswith("forum-2027:") for p in only.passages)
    assert only.passages[0].source.title == "Forum 2027"
    with pytest.raises(UnknownDocument, match="no document named 'nope'"):
        searcher.search("tiers-lieux", documents=["nope"])


def files_of(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def built_copy(tmp_path) -> Path:
    """A copy of the corpus with its index built (by the CLI)."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    assert run("build", "--quiet", env=corpus_env(tmp_path)).returncode == 0
    return tmp_path


def manifest(root: Path) -> dict:
    build = (root / "index" / "CURRENT").read_text().strip()
    return json.loads((root / "index" / build / "manifest.json").read_text())


def test_add_embeds_only_the_new_map_and_remove_takes_it_out(built_copy, tmp_path):
    env = corpus_env(built_copy)
    before = manifest(built_copy)
    new = second_map(tmp_path / "incoming")
    out = run("add", str(new), "--quiet", env=env)
    assert out.returncode == 0, out.stderr
    assert "added forum-2027.txt (text, 60 nodes): Forum 2027" in out.stdout
    after = manifest(built_copy)
    assert after["reused_texts"] >= before["embedded_texts"] - 5  # the seminar's, from cache
    assert 0 < after["embedded_texts"] < before["embedded_texts"]
    assert (built_copy / "corpus" / "forum-2027.outline.md").is_file()  # came along
    listed = json.loads(run("documents", "--json", env=env).stdout)
    assert [(d["document"], d["nodes"]) for d in listed] == [
        ("forum-2027.txt", 60),
        (EXPORT.name, 149),
    ]
    found = run("search", "tiers-lieux", "--json", "--no-build", env=env)
    assert found.returncode == 0, found.stderr

    again = run("add", str(new), env=env)
    assert again.returncode == 1 and "already has the document forum-2027" in again.stderr
    removed = run("remove", "forum-2027", "--quiet", env=env)
    assert removed.returncode == 0, removed.stderr
    assert not (built_copy / "corpus" / "forum-2027.outline.md").exists()
    assert manifest(built_copy)["chunk_count"] == before["chunk_count"]
    last = run("remove", EXPORT.name, env=env)
    assert last.returncode == 1 and "the corpus cannot be empty" in last.stderr


def test_a_bad_file_changes_nothing(built_copy, tmp_path):
    env = corpus_env(built_copy)
    bad = second_map(tmp_path / "incoming")
    outline = bad.with_name("forum-2027.outline.md")
    outline.write_text(outline.read_text().replace("\n- ", "\n   - ", 1), encoding="utf-8")
    live = (built_copy / "index" / "CURRENT").read_text()
    out = run("add", str(bad), env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"{outline}:" in out.stderr  # file:line: reason
    assert sorted(p.name for p in (built_copy / "corpus").iterdir()) == sorted(
        [EXPORT.name, OUTLINE.name]
    )
    assert (built_copy / "index" / "CURRENT").read_text() == live


def test_a_failed_build_puts_the_corpus_back(built_copy, tmp_path, monkeypatch):
    from rag_territoires import cli

    for name, value in corpus_env(built_copy).items():
        monkeypatch.setenv(name, value)
    live = (built_copy / "index" / "CURRENT").read_text()

    def fail(self, rebuild=False):
        raise KeyboardInterrupt  # as if the build were interrupted half-way

    monkeypatch.setattr(Engine, "warm_up", fail)
    assert cli.main(["add", str(second_map(tmp_path / "incoming")), "--quiet"]) != 0
    assert sorted(p.name for p in (built_copy / "corpus").iterdir()) == sorted(
        [EXPORT.name, OUTLINE.name]
    )
    assert (built_copy / "index" / "CURRENT").read_text() == live
