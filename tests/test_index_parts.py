"""The parts of a build, on their own: what an index is of (``IndexSpec``), and publishing
a finished build (``publish.py``). No encoder, no index built."""

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.index.manifest import CURRENT, Manifest, read_current
from rag_territoires.index.publish import new_build_folder, publish
from rag_territoires.index.spec import IndexSpec
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


def live(index_dir: Path, name: str) -> Path:
    build = index_dir / name
    build.mkdir(parents=True)
    (index_dir / CURRENT).write_text(name + "\n", encoding="utf-8")
    return build


def test_publishing_names_the_build_switches_current_and_removes_the_older_ones(tmp_path):
    index_dir = tmp_path / "index"
    old = live(index_dir, "build-20260101T000000-aaaaaa")
    killed = index_dir / "build-20260102T000000-bbbbbb.partial"  # a build killed midway
    killed.mkdir()
    (index_dir / "cache").mkdir()
    partial = new_build_folder(index_dir)
    assert partial.name.startswith("build-") and partial.name.endswith(".partial")
    (partial / "manifest.json").write_text("{}", encoding="utf-8")
    build = publish(partial)
    assert build == partial.with_name(partial.name.removesuffix(".partial"))
    assert read_current(index_dir) == build
    assert (build / "manifest.json").read_text(encoding="utf-8") == "{}"
    assert not old.exists() and not killed.exists() and not partial.exists()
    assert sorted(p.name for p in index_dir.iterdir()) == sorted([CURRENT, "cache", build.name])


def test_current_is_replaced_by_a_new_file_never_written_over(tmp_path):
    # a reader opening CURRENT meanwhile reads the old name or the new one, never half
    index_dir = tmp_path / "index"
    live(index_dir, "build-20260101T000000-aaaaaa")
    before = (index_dir / CURRENT).stat().st_ino
    keep = (index_dir / CURRENT).open()  # holds the old file: its inode stays in use
    try:
        publish(new_build_folder(index_dir))
    finally:
        keep.close()
    assert (index_dir / CURRENT).stat().st_ino != before


def test_a_build_that_cannot_be_named_leaves_the_live_one_published(tmp_path):
    index_dir = tmp_path / "index"
    old = live(index_dir, "build-20260101T000000-aaaaaa")
    partial = new_build_folder(index_dir)
    partial.rmdir()  # gone before it could be renamed
    with pytest.raises(FileNotFoundError):
        publish(partial)
    assert read_current(index_dir) == old and old.is_dir()


def test_an_index_spec_differs_with_each_thing_an_index_is_of():
    corpus = Corpus.load(CORPUS)
    use, minilm = SimpleNamespace(name="use"), SimpleNamespace(name="minilm")
    spec = IndexSpec(corpus.chunks, [use], corpus.fingerprint, corpus.max_chars)
    assert set(spec.identity()) <= set(Manifest.model_fields)  # what a load compares
    others = [
        replace(spec, chunks=corpus.chunks[1:]),
        replace(spec, chunks=[*corpus.chunks[1:], corpus.chunks[0]]),  # the same, reordered
        replace(spec, encoders=[use, minilm]),
        replace(spec, fingerprint="another corpus"),
        replace(spec, max_chars=corpus.max_chars + 1),
    ]
    identities = [spec.identity(), *(other.identity() for other in others)]
    assert len({repr(identity) for identity in identities}) == len(identities)
    assert replace(spec, encoders=[minilm, use]).identity() == IndexSpec(
        spec.chunks, [use, minilm], spec.fingerprint, spec.max_chars
    ).identity()  # the encoders' order does not count
