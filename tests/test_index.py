import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag_territoires.config import Settings
from rag_territoires.engine import Engine
from rag_territoires.errors import IndexStateError
from rag_territoires.index.manifest import CURRENT
from rag_territoires.index.spec import IndexSpec
from rag_territoires.index.store import CACHE_FOLDER, checksums_in_background, load_index
from tests.conftest import CORPUS, OUTLINE
from tests.helpers import built, current_build, edit, reload

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def one_build(tmp_path_factory) -> Path:
    """An index built once, copied by the tests that break it (a build takes seconds)."""
    root = tmp_path_factory.mktemp("one-build")
    settings = Settings(corpus_dir=CORPUS, index_dir=root / "index")
    built(settings)
    return settings.index_dir


def test_a_build_writes_a_manifest_that_describes_it(settings):
    engine = built(settings)
    manifest = json.loads((current_build(settings) / "manifest.json").read_text())
    assert manifest["chunk_count"] == len(engine.chunks)
    assert manifest["encoders"] == ["use"]
    assert manifest["dense"]["use"]["dimension"] == 512
    assert manifest["corpus_fingerprint"] == engine.corpus.fingerprint
    assert {"built_at", "build_seconds", "package_version", "chunk_max_chars"} <= set(manifest)
    assert reload(settings).search("tiers-lieux").passages[0].branch[-1] == "Tiers-lieux"


def test_a_missing_index_is_refused_with_the_command_that_builds_it(settings):
    with pytest.raises(IndexStateError, match=r"no index in .*rag-territoires build"):
        reload(settings)


def test_an_index_of_another_outline_is_stale(settings):
    built(settings)
    edit(settings.corpus_dir / OUTLINE.name, "\n      - Sortir du cadre", "\n    - Sortir du cadre")
    with pytest.raises(IndexStateError, match=r"stale .*corpus_fingerprint"):
        reload(settings)
    rebuilt = Engine(settings)  # auto_build: rebuilt instead of refused
    rebuilt.warm_up()
    assert rebuilt.search("Sortir du cadre").passages


@pytest.mark.parametrize("pattern", ["*.faiss", "expansion.npz", "bm25/*.npy", "units.npy"])
def test_a_damaged_index_file_is_detected(settings, pattern):
    built(settings)
    damaged = next(current_build(settings).glob(pattern))
    data = bytearray(damaged.read_bytes())
    data[-10] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(IndexStateError, match=f"{damaged.name} is missing or corrupt"):
        reload(settings)  # the files are hashed in the background while the notes are read


def test_files_hashed_before_a_new_build_landed_are_hashed_again(settings):
    first = built(settings)
    early = checksums_in_background(settings.index_dir)  # the first build's files
    assert all(path.is_relative_to(current_build(settings)) for path in early.result())
    built(settings)  # a second build replaces it
    damaged = next(current_build(settings).glob("*.faiss"))
    damaged.write_bytes(damaged.read_bytes()[:-8])
    fingerprint, max_chars = first.corpus.fingerprint, first.config.chunk_max_chars
    spec = IndexSpec(first.chunks, first.encoders, fingerprint, max_chars)
    with pytest.raises(IndexStateError, match="missing or corrupt"):
        load_index(settings.index_dir, spec, checksums=early)


def test_an_interrupted_build_leaves_the_previous_index_usable(settings, monkeypatch):
    built(settings)
    before = current_build(settings)
    shutil.rmtree(settings.index_dir / CACHE_FOLDER)  # else no text would need the encoder
    engine = Engine(settings)
    encoder = engine.encoders[0]
    real_encode = encoder.encode
    calls = {"n": 0}

    def encode_then_fail(texts):
        calls["n"] += 1
        if calls["n"] == 3:  # half-way through the chunks
            raise KeyboardInterrupt
        return real_encode(texts)

    monkeypatch.setattr(encoder, "encode", encode_then_fail)
    with pytest.raises(KeyboardInterrupt):
        engine.warm_up(rebuild=True)
    assert current_build(settings) == before
    assert reload(settings).search("tiers-lieux").passages


def test_loaded_vectors_equal_built_ones(settings):
    engine = built(settings)
    spec = IndexSpec(
        engine.chunks,
        engine.encoders,
        engine.corpus.fingerprint,
        engine.config.chunk_max_chars,
    )
    index = load_index(settings.index_dir, spec)
    vector = engine.encoders[0].encode(["tiers-lieux"])[0]
    fresh = engine.searcher.index.dense_scores("use", vector)
    assert np.allclose(index.dense_scores("use", vector), fresh)


@pytest.mark.parametrize(
    ("edit_manifest", "reason"),
    [
        (lambda m: {**m, "dense": {}}, "malformed (dense"),
        (lambda m: {k: v for k, v in m.items() if k != "dense"}, "(dense: Field required"),
        (lambda m: {**m, "dense": []}, "malformed (dense"),
        (lambda m: {**m, "dense": None}, "malformed (dense"),
        (lambda m: {**m, "dense": {"use": {**m["dense"]["use"], "file": "../x"}}}, "malformed"),
        (lambda m: {**m, "expansion": "yes"}, "malformed (expansion"),
        (lambda m: {**m, "dense": {"other": m["dense"]["use"]}}, "has no use vectors"),
        (lambda m: [m], "unreadable"),
        (lambda m: None, "unreadable"),
    ],
)
def test_a_malformed_manifest_is_refused_with_a_reason(settings, one_build, edit_manifest, reason):
    shutil.copytree(one_build, settings.index_dir)
    path = current_build(settings) / "manifest.json"
    path.write_text(json.dumps(edit_manifest(json.loads(path.read_text()))))
    with pytest.raises(IndexStateError, match=re.escape(reason)):
        reload(settings)


def test_a_server_starting_on_a_malformed_manifest_rebuilds(settings, one_build):
    shutil.copytree(one_build, settings.index_dir)
    path = current_build(settings) / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "dense": {}}))
    engine = Engine(settings)  # auto-build, as `serve` does
    engine.warm_up()
    assert engine.search("tiers-lieux").passages
    assert json.loads((current_build(settings) / "manifest.json").read_text())["dense"]


@pytest.mark.parametrize(
    "content", [b"\xff\xfe build-x\n", b"../../etc\n", b"", b"build-a/../../x\n"]
)
def test_a_current_pointer_that_names_no_build_is_refused(settings, one_build, content):
    shutil.copytree(one_build, settings.index_dir)
    (settings.index_dir / CURRENT).write_bytes(content)
    with pytest.raises(IndexStateError, match=r"unreadable|does not name a build folder"):
        reload(settings)


def test_concurrent_builds_wait_for_each_other(settings, tmp_path):
    env = {
        **os.environ,
        "RAG_TERRITOIRES_INDEX_DIR": str(settings.index_dir),
        "RAG_TERRITOIRES_CORPUS_DIR": str(settings.corpus_dir),
    }
    command = [sys.executable, "-m", "rag_territoires.cli"]
    builds = [  # two explicit builds and two searches that need an index, all at once
        subprocess.Popen([*command, *args], env=env, cwd=tmp_path, stderr=subprocess.PIPE)
        for args in (["build", "--quiet"],) * 2 + (["search", "tiers-lieux"],) * 2
    ]
    for process in builds:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr.decode()
    folders = sorted(p.name for p in settings.index_dir.glob("build-*"))
    assert len(folders) == 1 and not folders[0].endswith(".partial")
    assert reload(settings).search("tiers-lieux").passages
