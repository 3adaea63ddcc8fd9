"""The parsed notes stored in a build: used only while they are exactly what parsing
would give, and never a reason for a start to fail."""

import json
import logging
import shutil
from pathlib import Path

import pytest

from rag_territoires.config import Settings
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.engine import Engine
from rag_territoires.errors import CorpusError, IndexStateError
from rag_territoires.index import snapshot
from rag_territoires.index.snapshot import SNAPSHOT_FILE
from tests.conftest import CORPUS, EXPORT, OUTLINE
from tests.helpers import built, current_build, edit, reload

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def one_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("snapshot-build")
    shutil.copytree(CORPUS, root / "corpus", ignore=shutil.ignore_patterns(".*"))
    built(Settings(corpus_dir=root / "corpus", index_dir=root / "index"))
    return root


@pytest.fixture
def copied(one_build: Path, tmp_path: Path) -> Settings:
    """The module's build and its notes, copied: tests edit and break them."""
    shutil.copytree(one_build / "corpus", tmp_path / "corpus")
    shutil.copytree(one_build / "index", tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


@pytest.fixture
def parses(monkeypatch) -> list[Path]:
    """The folders the notes were parsed from (a start that used the snapshot: none)."""
    calls: list[Path] = []
    real = Corpus.load.__func__

    def counted(cls, folder, *args, **kwargs):
        calls.append(folder)
        return real(cls, folder, *args, **kwargs)

    monkeypatch.setattr(Corpus, "load", classmethod(counted))
    return calls


def test_a_start_takes_the_notes_the_build_stored(copied, parses):
    fresh = Corpus.load(copied.corpus_dir)
    parses.clear()
    started = reload(copied)
    assert parses == []
    assert [c.id for c in started.chunks] == [c.id for c in fresh.chunks]
    assert [n.line_start for n in started.corpus.nodes()] == [n.line_start for n in fresh.nodes()]
    assert started.corpus.lines(EXPORT.name, 1, 3) == fresh.lines(EXPORT.name, 1, 3)
    assert started.search("tiers-lieux").passages[0].branch[-1] == "Tiers-lieux"


def test_edited_notes_are_parsed_and_the_index_found_stale(copied, parses):
    edit(copied.corpus_dir / OUTLINE.name, "\n      - Sortir du cadre", "\n    - Sortir du cadre")
    with pytest.raises(IndexStateError, match=r"stale .*corpus_fingerprint"):
        reload(copied)
    assert parses == [copied.corpus_dir]


def test_any_new_file_in_the_notes_folder_means_parsing(copied, parses):
    # the key covers the whole folder: a companion file would change how a map is read
    # without changing the map's own file
    (copied.corpus_dir / "notes.opml").write_text("not a map yet", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"notes\.opml"):
        reload(copied)
    assert parses == [copied.corpus_dir]


def test_a_change_to_the_parsing_code_means_parsing(copied, parses, monkeypatch):
    monkeypatch.setattr(snapshot, "parser_digest", lambda: "0" * 64)
    assert reload(copied).search("tiers-lieux").passages
    assert parses == [copied.corpus_dir]


def test_a_damaged_snapshot_is_never_unpickled(copied, parses, monkeypatch, caplog):
    stored = current_build(copied) / SNAPSHOT_FILE
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0xFF
    stored.write_bytes(bytes(data))
    monkeypatch.setattr(snapshot.pickle, "load", lambda _: pytest.fail("unpickled"))
    with caplog.at_level(logging.WARNING):
        assert reload(copied).search("tiers-lieux").passages
    assert parses == [copied.corpus_dir]
    assert "is damaged: parsing the notes" in caplog.text


def test_a_build_whose_notes_cannot_be_stored_still_lands(settings, monkeypatch, parses):
    def too_deep(*_args, **_kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(snapshot.pickle, "dumps", too_deep)
    built(settings)
    manifest = json.loads((current_build(settings) / "manifest.json").read_text())
    assert "snapshot" not in manifest
    assert not (current_build(settings) / SNAPSHOT_FILE).exists()
    parses.clear()
    assert reload(settings).search("tiers-lieux").passages
    assert parses == [settings.corpus_dir]


def test_a_rebuild_parses_the_notes_again(copied, parses):
    Engine(copied, auto_build=False).warm_up(rebuild=True)
    assert parses == [copied.corpus_dir]


def test_notes_edited_during_a_build_are_not_stored_as_the_new_ones(settings, monkeypatch):
    real = Corpus.load.__func__

    def read_then_edited(cls, folder, *args, **kwargs):
        corpus = real(cls, folder, *args, **kwargs)
        edit(folder / OUTLINE.name, "\n      - Sortir du cadre", "\n    - Sortir du cadre")
        return corpus

    monkeypatch.setattr(Corpus, "load", classmethod(read_then_edited))
    built(settings)  # parses, then the notes change while it builds
    monkeypatch.undo()
    with pytest.raises(IndexStateError, match=r"stale .*corpus_fingerprint"):
        reload(settings)  # the new notes are parsed, not the stored old ones
