"""The expansion table as arrays (text/expansion.py): the same neighbours as the mapping it
was made from, the same after a save and a load, and the JSON of older builds still read."""

from __future__ import annotations

import json
import shutil

import pytest

from rag_territoires.engine import Engine
from rag_territoires.index.manifest import sha256_of
from rag_territoires.text.expansion import ExpansionTable
from tests.helpers import current_build

pytestmark = pytest.mark.integration

NEIGHBOURS = {
    "engineering": [("ingenier", 0.7123), ("techniqu", 0.5)],
    "ingénierie": [("ingenier", 0.9)],  # a folded key stays as given: UTF-8 bytes
    "cooperation": [
        ("cooper", 0.8),
        ("collect", 0.61),
        ("construct", 0.6),
        ("a", 0.55),
        ("b", 0.5),
    ],
}


def test_the_table_answers_as_the_mapping_it_was_made_from(tmp_path):
    table = ExpansionTable.from_neighbours(NEIGHBOURS)
    table.save(tmp_path / "expansion.npz")
    for loaded in (table, ExpansionTable.load(tmp_path / "expansion.npz")):
        assert len(loaded) == 3
        for word, near in NEIGHBOURS.items():
            assert loaded.neighbours_of(word) == near
        for unknown in ("", "engineer", "engineeringx", "x" * 300):
            assert loaded.neighbours_of(unknown) == []
    assert ExpansionTable.empty().neighbours_of("engineering") == []


def test_a_build_made_before_the_arrays_is_read_from_its_json(engine, tmp_path):
    shutil.copytree(engine.settings.index_dir, tmp_path / "index")
    settings = engine.settings.model_copy(update={"index_dir": tmp_path / "index"})
    build = current_build(settings)
    table = ExpansionTable.load(build / "expansion.npz")
    words = table.words.tolist()
    older = {w.decode(): table.neighbours_of(w.decode()) for w in words}
    (build / "expansion.json").write_text(json.dumps(older), encoding="utf-8")
    (build / "expansion.npz").unlink()
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["expansion"].update(file="expansion.json", sha256=sha256_of(build / "expansion.json"))
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    loaded = Engine(settings, auto_build=False)
    loaded.warm_up()
    question = "How to strengthen territorial engineering?"
    assert loaded.search(question) == engine.search(question)
